package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"time"
)

// response is the whole answer, byte for byte: a status line, header fields,
// an empty line, and the body. Content-Length counts the body's 13 bytes.
const response = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 13\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Hello, World!"

// HelloHandler answers every request with "Hello, World!".
type HelloHandler struct {
	Delay time.Duration // how long to wait before answering
	Log   io.Writer     // where the request head is printed
}

// Handle reads the request head line by line up to the empty line that ends
// it, waits h.Delay and writes response.
func (h *HelloHandler) Handle(conn net.Conn) {
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		fmt.Fprint(h.Log, line)
		if err != nil {
			return // the client went away before it finished its request
		}
		if line == "\r\n" || line == "\n" {
			break
		}
	}
	time.Sleep(h.Delay)
	io.WriteString(conn, response)
}
