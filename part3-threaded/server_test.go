package main

import (
	"errors"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// TestClientsServedTogether proves concurrency with a barrier: no handler
// answers until all n of them are inside Handle at the same moment. A server
// that serves one client at a time never gets there, and the clients time out.
func TestClientsServedTogether(t *testing.T) {
	const n = 8
	var arriving sync.WaitGroup
	arriving.Add(n)
	allInside := make(chan struct{})
	go func() {
		arriving.Wait()
		close(allInside)
	}()
	hello := &HelloHandler{Log: io.Discard}
	addr := startTCPServer(t, handlerFunc(func(conn net.Conn) {
		arriving.Done()
		select {
		case <-allInside:
			hello.Handle(conn)
		case <-t.Context().Done(): // the test failed; let the server stop
		}
	}))

	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dialAndSend(t, addr)
	}
	for i, conn := range conns {
		if diff := cmp.Diff(wantResponse, readResponse(t, conn)); diff != "" {
			t.Errorf("client %d's response (-want +got):\n%s", i, diff)
		}
	}
}

// TestPanicEndsOnlyItsConnection: the first connection's handler panics; that
// connection is closed, the panic is logged, and the next client is served.
func TestPanicEndsOnlyItsConnection(t *testing.T) {
	var logged syncBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	var calls atomic.Int32
	hello := &HelloHandler{Log: io.Discard}
	addr := startTCPServer(t, handlerFunc(func(conn net.Conn) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		hello.Handle(conn)
	}))

	// The server closes with the request unread, so the kernel may answer
	// with a reset (RST) rather than an orderly end (FIN): both say "closed".
	conn := dialAndSend(t, addr)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if got, err := io.ReadAll(conn); len(got) != 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("panicking handler's client got %q, %v; want the connection closed with nothing sent", got, err)
	}
	if diff := cmp.Diff(wantResponse, readResponse(t, dialAndSend(t, addr))); diff != "" {
		t.Errorf("next client's response (-want +got):\n%s", diff)
	}
	if got := logged.String(); !strings.Contains(got, "panic serving 127.0.0.1:") || !strings.Contains(got, "boom") {
		t.Errorf("log = %q, want the panic and the client's address", got)
	}
}

// TestShutdownLetsRequestsFinish closes the listener while a request is inside
// the handler: no new client is accepted, the request is answered, and only
// then does Serve return, releasing the port.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	entered, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	hello := &HelloHandler{Log: io.Discard}
	srv := &TCPServer{Handler: handlerFunc(func(conn net.Conn) {
		close(entered)
		<-release
		hello.Handle(conn)
		finished.Store(true)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	conn := dialAndSend(t, addr)
	<-entered
	ln.Close()
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("a new connection was accepted after the listener was closed")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	default:
	}

	close(release)
	if diff := cmp.Diff(wantResponse, readResponse(t, conn)); diff != "" {
		t.Errorf("response to the request in flight (-want +got):\n%s", diff)
	}
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve() = %v, want net.ErrClosed", err)
	}
	if !finished.Load() {
		t.Error("Serve returned before the handler finished")
	}
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port not released: %v", err)
	}
	ln2.Close()
}
