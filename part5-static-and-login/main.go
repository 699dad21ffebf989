// Command part5-static-and-login serves a website and a JSON login API on
// the HTTP/1.1 server of part4-httpserver. The site, a login page by
// default, is built into the binary; -root serves a directory instead. The
// API logs a user in with -user and -password and keeps a session in a
// cookie. Every request is logged to stdout in the Common Log Format.
//
// It serves each client in a goroutine of its own, and Ctrl-C or SIGTERM
// stops it gracefully. The -trace flag prints every byte that goes in and out.
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

// The demo credentials, printed at start-up while they are in use.
const (
	demoUser     = "demo"
	demoPassword = "gopher"
)

func main() {
	addr := flag.String("addr", "localhost:8888", "`host:port` to listen on (port 0 picks a free port)")
	root := flag.String("root", "", "serve this `directory` instead of the site built into the binary")
	user := flag.String("user", demoUser, "the `name` that may log in")
	password := flag.String("password", demoPassword, "the `secret` that -user logs in with")
	trace := flag.Bool("trace", false, "print every byte each connection reads and writes, to stderr")
	flag.Parse()

	files, err := openSite(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

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
	if *user == demoUser && *password == demoPassword {
		fmt.Printf("Log in as %q with password %q (demo credentials: set -user and -password)\n", demoUser, demoPassword)
	}

	app := &Router{API: NewLoginAPI(*user, *password), Files: files}
	srv := &TCPServer{Handler: app, AccessLog: os.Stdout}
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
