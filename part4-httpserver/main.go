// Command part4-httpserver is a small HTTP/1.1 server on the TCPServer of
// part3-threaded: it parses requests, answers them through a Handler, keeps
// connections alive, and refuses malformed requests with the status that
// RFC 9110 and RFC 9112 call for. Limits and timeouts bound what any client
// can make it spend.
//
// It serves each client in a goroutine of its own, and Ctrl-C or SIGTERM
// stops it gracefully. The -delay flag makes the handler wait before it
// answers: eight clients of a -delay 1s server are answered in about a second.
// The -trace flag prints every byte that goes in and out.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownTimeout bounds how long a graceful shutdown waits for connections in
// flight. It is longer than the read timeout (10 s) plus the lingering close
// (1 s), so that a request still arriving when the shutdown starts gets its
// answer, or its 408, before main gives up.
const shutdownTimeout = 15 * time.Second

func main() {
	addr := flag.String("addr", "localhost:8888", "`host:port` to listen on (port 0 picks a free port)")
	delay := flag.Duration("delay", 0, "how long the handler waits before it answers, e.g. 1s")
	trace := flag.Bool("trace", false, "print every byte each connection reads and writes, to stderr")
	flag.Parse()

	// Ctrl-C sends SIGINT; kill and service managers send SIGTERM.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)

	// socket, bind and listen in one call.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Serving HTTP on http://%s ...\n", ln.Addr())

	srv := &TCPServer{Handler: &HelloHandler{Delay: *delay, Log: os.Stdout}}
	if *trace {
		srv.Trace = os.Stderr
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	case <-stop:
	}
	signal.Stop(stop) // a second Ctrl-C ends the program at once
	fmt.Println("Shutting down: waiting for connections in flight ...")
	srv.Shutdown() // Serve stops accepting, closes idle connections, waits for the others and returns
	select {
	case <-served:
	case <-time.After(shutdownTimeout):
		fmt.Fprintln(os.Stderr, "shutdown: gave up waiting for connections in flight")
		os.Exit(1)
	}
}
