package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEcho: POST /echo answers with the request's body, however it was
// framed, and its Content-Type; a body it cannot read gets the status of its
// error, and the connection closes.
func TestEcho(t *testing.T) {
	echoHead := func(ctype string, n int) string {
		return fmt.Sprintf("HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: %s\r\nContent-Length: %d\r\n", ctype, n)
	}
	getClose := "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	closeHello := helloHead + "Connection: close\r\n\r\n" + helloPage
	allow405 := func(method string, body bool) string {
		page := appendErrorPage(nil, 405, method+" is not allowed on /echo.")
		head := "HTTP/1.1 405 Method Not Allowed\r\nDate: X\r\nAllow: POST\r\nContent-Type: text/html; charset=utf-8\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(page))
		if !body {
			return head
		}
		return head + string(page)
	}
	tests := []struct {
		name string
		send string
		want string
	}{
		{
			name: "Content-Length body, then the next request",
			send: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello" + getClose,
			want: echoHead("text/plain", 5) + "\r\nhello" + closeHello,
		},
		{
			name: "chunked body, then the next request",
			send: "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\nTrailer-Field: x\r\n\r\n" + getClose,
			want: echoHead("application/octet-stream", 5) + "\r\nhello" + closeHello,
		},
		{
			name: "empty body",
			send: "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
			want: echoHead("application/octet-stream", 0) + "Connection: close\r\n\r\n",
		},
		{
			name: "GET /echo: 405 with Allow: POST",
			send: "GET /echo HTTP/1.1\r\nHost: h\r\n\r\n" + getClose,
			want: allow405("GET", true) + closeHello,
		},
		{
			name: "HEAD /echo: 405 with Allow: POST and no body",
			send: "HEAD /echo HTTP/1.1\r\nHost: h\r\n\r\n" + getClose,
			want: allow405("HEAD", false) + closeHello,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := startHello(t)
			if diff := cmp.Diff(tt.want, exchange(t, addr, tt.send)); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
		})
	}

	// Bodies it cannot read: the status of the error, an HTML page, close.
	refused := []struct {
		name   string
		raw    string
		status int
	}{
		{"Content-Length over the limit", fmt.Sprintf("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n", maxBodyBytes+1), 413},
		{"chunks over the limit", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n", maxBodyBytes, strings.Repeat("a", maxBodyBytes)) + "1\r\nb\r\n0\r\n\r\n", 413},
		{"chunk size not hex", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\ng\r\nx\r\n0\r\n\r\n", 400},
		{"chunk data longer than its size", "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := startHello(t)
			checkRefused(t, addr, tt.raw, tt.status)
		})
	}
}
