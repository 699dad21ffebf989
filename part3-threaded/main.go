// Command part3-threaded answers every request with "Hello, World!", like
// part1-hello, but is organised as a TCPServer that owns the listener and the
// accept loop plus a Handler that owns one connection: the split of Python's
// socketserver (a server class and a request-handler class).
//
// It serves each client in a goroutine of its own, and Ctrl-C or SIGTERM
// stops it gracefully. The -delay flag makes the handler wait before it
// answers: eight clients of a -delay 1s server are answered in about a second.
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

// shutdownTimeout bounds how long a graceful shutdown waits for connections in flight.
const shutdownTimeout = 10 * time.Second

func main() {
	addr := flag.String("addr", "localhost:8888", "`host:port` to listen on (port 0 picks a free port)")
	delay := flag.Duration("delay", 0, "how long the handler waits before it answers, e.g. 1s")
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
	ln.Close() // Serve stops accepting, waits for the connections in flight and returns
	select {
	case <-served:
	case <-time.After(shutdownTimeout):
		fmt.Fprintln(os.Stderr, "shutdown: gave up waiting for connections in flight")
		os.Exit(1)
	}
}
