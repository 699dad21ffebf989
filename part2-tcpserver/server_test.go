package main

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// handlerFunc lets a function be a Handler.
type handlerFunc func(conn net.Conn)

func (f handlerFunc) Handle(conn net.Conn) { f(conn) }

// startTCPServer serves h on a free port of 127.0.0.1 until the test ends.
func startTCPServer(t *testing.T, h Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&TCPServer{Handler: h}).Serve(ln)
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

// dialAndSend connects to addr and sends one request.
func dialAndSend(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// readResponse reads until the server closes conn.
func readResponse(t *testing.T, conn net.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	return string(got)
}

// TestOneClientAtATime holds the first client inside its handler and shows
// that a second client, connected and with its request sent, gets nothing
// until the first one is done.
func TestOneClientAtATime(t *testing.T) {
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	hello := &HelloHandler{Log: io.Discard}
	first := true // only touched by the server's goroutine
	addr := startTCPServer(t, handlerFunc(func(conn net.Conn) {
		entered <- struct{}{}
		if first {
			first = false
			select {
			case <-release:
			case <-t.Context().Done(): // the test failed; let the server stop
			}
		}
		hello.Handle(conn)
	}))

	a := dialAndSend(t, addr)
	<-entered // a is inside the handler, held there

	b := dialAndSend(t, addr) // the kernel completes the connection: it waits in the backlog
	b.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := b.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("second client read %d bytes, err %v while the first was being served; want a timeout", n, err)
	}
	select {
	case <-entered:
		t.Fatal("second client entered the handler while the first was inside")
	default:
	}

	close(release)
	for name, conn := range map[string]net.Conn{"first": a, "second": b} {
		if diff := cmp.Diff(wantResponse, readResponse(t, conn)); diff != "" {
			t.Errorf("%s client's response (-want +got):\n%s", name, diff)
		}
	}
}
