package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestChunkedBodies: chunked bodies over a socket, decoded for the handler,
// with the connection kept alive after each one, framing intact.
func TestChunkedBodies(t *testing.T) {
	addr, _ := startTCPServer(t, echoBody, nil)
	echoed := func(body string) string {
		return fmt.Sprintf("HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
	tests := []struct {
		name, send, want string
	}{
		{
			name: "chunked, then Content-Length, on one connection",
			send: chunkedPost + "5\r\nhello\r\n0\r\n\r\n" +
				"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye",
			want: echoed("hello") + strings.TrimSuffix(echoed("bye"), "\r\n\r\nbye") + "\r\nConnection: close\r\n\r\nbye",
		},
		{
			name: "a body that looks like a request stays a body",
			send: chunkedPost + "1c\r\nGET /smuggled HTTP/1.1\r\nHost\r\n0\r\n\r\n" +
				"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			want: echoed("GET /smuggled HTTP/1.1\r\nHost") + strings.Replace(echoed(""), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1),
		},
		{
			name: "trailers are read and dropped",
			send: chunkedPost + "2\r\nok\r\n0\r\nX-Checksum: 1\r\n\r\n" + "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			want: echoed("ok") + strings.Replace(echoed(""), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, exchange(t, addr, tt.send)); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnreadChunkedBody: a chunked body the handler leaves unread is of
// unknown length: the connection closes rather than read it for nothing,
// and the response says so.
func TestUnreadChunkedBody(t *testing.T) {
	addr, _ := startHello(t)
	got := exchange(t, addr, chunkedPost+"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
	want := "HTTP/1.1 405 Method Not Allowed\r\nDate: X\r\nAllow: GET, HEAD\r\nContent-Type: text/html; charset=utf-8\r\n" +
		withLength(appendErrorPage(nil, 405, "POST is not allowed on /."), "Connection: close\r\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
}

// TestSlowBody: a body that does not arrive within ReadTimeout gets 408
// (RFC 9110 §15.5.9), written in full even though the write timeout is
// shorter: it bounds each write, which starts only now. (A write deadline
// set with the read deadline would have passed 250 ms before the 408 is
// written, whatever the load; the write itself has 250 ms, which a loaded
// machine's scheduler does not take from it, as 50 ms once did.)
func TestSlowBody(t *testing.T) {
	addr, _ := startTCPServer(t, echoBody, func(s *TCPServer) {
		s.ReadTimeout, s.WriteTimeout = 500*time.Millisecond, 250*time.Millisecond
	})
	tests := []struct{ name, send string }{
		{"Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc"},
		{"chunked", chunkedPost + "a\r\nabc"},
		{"chunked, between chunks", chunkedPost + "3\r\nabc\r\n"},
	}
	page := appendErrorPage(nil, 408, errBodyTimeout.reason)
	want := "HTTP/1.1 408 Request Timeout\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\n" + withLength(page, "Connection: close\r\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits out the read timeout
			conn := dial(t, addr)
			io.WriteString(conn, tt.send) // and no more
			got, err := io.ReadAll(conn)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, dateValue.ReplaceAllString(string(got), "Date: X\r\n")); diff != "" {
				t.Errorf("response to a stalled body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContinueBeforeChunkedBody: "Expect: 100-continue" works with chunked
// bodies too: the client sends nothing until the server reads.
func TestContinueBeforeChunkedBody(t *testing.T) {
	addr, _ := startTCPServer(t, echoBody, nil)
	conn := dial(t, addr)
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
	want := "HTTP/1.1 100 Continue\r\n\r\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != want {
		t.Fatalf("before the body: %q, %v; want %q", got, err, want)
	}
	io.WriteString(conn, "2\r\nok\r\n0\r\n\r\n")
	rest, err := io.ReadAll(conn)
	if err != nil || !strings.HasSuffix(string(rest), "\r\n\r\nok") {
		t.Errorf("after the body: %q, %v; want the echo of \"ok\"", rest, err)
	}
}
