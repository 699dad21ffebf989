// Command part1-hello is the smallest program a browser accepts as a web
// server. It listens on a TCP socket and, one client at a time, reads the
// request head, prints it, answers "Hello, World!" and closes the connection.
//
// It does not look at the method, the path or the body of the request: every
// request gets the same answer. docs/part1-hello.md lists what else it gets wrong.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
)

// response is the whole answer, byte for byte: a status line, header fields,
// an empty line, and the body. Content-Length counts the body's 13 bytes.
const response = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 13\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Hello, World!"

func main() {
	addr := flag.String("addr", "localhost:8888", "`host:port` to listen on (port 0 picks a free port)")
	flag.Parse()

	// socket, bind and listen in one call.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Serving HTTP on http://%s ...\n", ln.Addr())

	if err := serve(ln, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// serve accepts connections on ln one at a time and answers each of them.
// It prints every request it reads to log.
func serve(ln net.Listener, log io.Writer) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		handle(conn, log)
	}
}

// handle reads the request head line by line up to the empty line that ends
// it, writes response and closes the connection.
func handle(conn net.Conn, log io.Writer) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		fmt.Fprint(log, line)
		if err != nil {
			return // the client went away before it finished its request
		}
		if line == "\r\n" || line == "\n" {
			break
		}
	}
	io.WriteString(conn, response)
}
