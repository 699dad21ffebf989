// Command part2-tcpserver answers every request with "Hello, World!", like
// part1-hello, but is organised as a TCPServer that owns the listener and the
// accept loop plus a Handler that owns one connection: the split of Python's
// socketserver (a server class and a request-handler class).
//
// It still serves one client at a time. The -delay flag makes the handler
// wait before it answers, so that you can watch the next client wait in line.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	addr := flag.String("addr", "localhost:8888", "`host:port` to listen on (port 0 picks a free port)")
	delay := flag.Duration("delay", 0, "how long the handler waits before it answers, e.g. 1s")
	flag.Parse()

	// socket, bind and listen in one call.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Serving HTTP on http://%s ...\n", ln.Addr())

	srv := &TCPServer{Handler: &HelloHandler{Delay: *delay, Log: os.Stdout}}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
