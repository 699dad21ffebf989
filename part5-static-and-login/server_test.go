package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// handlerFunc lets a function be a Handler.
type handlerFunc func(w *ResponseWriter, r *Request)

func (f handlerFunc) ServeHTTP(w *ResponseWriter, r *Request) { f(w, r) }

// startTCPServer serves h on a free port of 127.0.0.1 until the test ends.
// configure, if not nil, can set the server's timeouts first.
func startTCPServer(t *testing.T, h Handler, configure func(*TCPServer)) (string, *TCPServer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &TCPServer{Handler: h}
	if configure != nil {
		configure(srv)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Shutdown()
		<-done
	})
	return ln.Addr().String(), srv
}

// startHello serves the application and returns the address and its log.
func startHello(t *testing.T) (string, *syncBuffer) {
	log := new(syncBuffer)
	addr, _ := startTCPServer(t, &HelloHandler{Log: log}, nil)
	return addr, log
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // fail, don't hang
	return conn
}

// exchange sends raw on a new connection and returns all that the server
// sends until it closes the connection, with every Date value replaced by X.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	conn := dial(t, addr)
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the responses to %q: %v", raw, err)
	}
	return dateValue.ReplaceAllString(string(got), "Date: X\r\n")
}

var dateValue = regexp.MustCompile(`Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

const helloHead = "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 217\r\n"

func TestExchanges(t *testing.T) {
	get := "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
	getClose := "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	closeHello := helloHead + "Connection: close\r\n\r\n" + helloPage
	smuggled := "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"
	notFound := "HTTP/1.1 404 Not Found\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 174\r\n"
	tests := []struct {
		name      string
		send      string
		want      string
		wantLines string // request lines the handler saw
	}{
		{
			name:      "Connection: close",
			send:      getClose,
			want:      closeHello,
			wantLines: "GET / HTTP/1.1\n",
		},
		{
			name:      "keep-alive: two requests on one connection",
			send:      get + getClose,
			want:      helloHead + "\r\n" + helloPage + closeHello,
			wantLines: "GET / HTTP/1.1\nGET / HTTP/1.1\n",
		},
		{
			name: "pipelined requests answered in order",
			send: "GET /a HTTP/1.1\r\nHost: h\r\n\r\n" + get + "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			want: notFound + "\r\n" + notFoundPage("/a") +
				helloHead + "\r\n" + helloPage +
				notFound + "Connection: close\r\n\r\n" + notFoundPage("/b"),
			wantLines: "GET /a HTTP/1.1\nGET / HTTP/1.1\nGET /b HTTP/1.1\n",
		},
		{
			name:      "HEAD: GET's head, no body",
			send:      "HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			want:      helloHead + "Connection: close\r\n\r\n",
			wantLines: "HEAD / HTTP/1.1\n",
		},
		{
			name:      "HTTP/1.0 closes",
			send:      "GET / HTTP/1.0\r\n\r\n",
			want:      closeHello,
			wantLines: "GET / HTTP/1.0\n",
		},
		{
			name:      "HTTP/1.0 keep-alive is kept",
			send:      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
			want:      helloHead + "Connection: keep-alive\r\n\r\n" + helloPage + closeHello,
			wantLines: "GET / HTTP/1.0\nGET / HTTP/1.0\n",
		},
		{
			name: "405 with Allow",
			send: "DELETE / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			want: "HTTP/1.1 405 Method Not Allowed\r\nDate: X\r\nAllow: GET, HEAD\r\nContent-Type: text/html; charset=utf-8\r\n" +
				withLength(appendErrorPage(nil, 405, "DELETE is not allowed on /."), "Connection: close\r\n"),
			wantLines: "DELETE / HTTP/1.1\n",
		},
		{
			name: "an unread body is skipped, not parsed as the next request",
			// The body looks like a request: if the server lost track of the
			// framing, it would answer GET /smuggled.
			send:      fmt.Sprintf("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s", len(smuggled), smuggled) + getClose,
			want:      notFound + "\r\n" + notFoundPage("/x") + closeHello,
			wantLines: "POST /x HTTP/1.1\nGET / HTTP/1.1\n",
		},
		{
			name:      "absolute-form target",
			send:      "GET http://localhost:8888/ HTTP/1.1\r\nHost: localhost:8888\r\nConnection: close\r\n\r\n",
			want:      closeHello,
			wantLines: "GET http://localhost:8888/ HTTP/1.1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, log := startHello(t)
			if diff := cmp.Diff(tt.want, exchange(t, addr, tt.send)); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLines, log.String()); diff != "" {
				t.Errorf("requests handled (-want +got):\n%s", diff)
			}
		})
	}
}

// withLength returns the rest of a response head from Content-Length on,
// then the body: "Content-Length: N\r\n" + more + "\r\n" + body.
func withLength(body []byte, more string) string {
	return fmt.Sprintf("Content-Length: %d\r\n%s\r\n%s", len(body), more, body)
}

func notFoundPage(path string) string {
	return string(appendErrorPage(nil, 404, "There is nothing at "+path+"."))
}

func TestSmallWrites(t *testing.T) {
	addr, _ := startHello(t)
	conn := dial(t, addr)
	for _, piece := range []string{"GE", "T / HT", "TP/1.1\r", "\nHost: h\r\nConn", "ection: close\r\n", "\r", "\n"} {
		if _, err := io.WriteString(conn, piece); err != nil {
			t.Fatal(err)
		}
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(helloHead+"Connection: close\r\n\r\n"+helloPage, dateValue.ReplaceAllString(string(got), "Date: X\r\n")); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
}

// TestMalformedOverSocket sends every malformed request of request_test.go:
// each gets its status, an HTML page naming it and "Connection: close", the
// connection closes, and the server still answers the next client. Broken
// bodies go to a handler that reads them, and answers their error.
func TestMalformedOverSocket(t *testing.T) {
	addr, log := startHello(t)
	echoAddr, _ := startTCPServer(t, echoBody, nil)
	for _, tt := range malformedRequests {
		t.Run(tt.name, func(t *testing.T) { checkRefused(t, addr, tt.raw, tt.status) })
	}
	for _, tt := range malformedBodies {
		t.Run(tt.name, func(t *testing.T) { checkRefused(t, echoAddr, tt.raw, tt.status) })
	}
	if got := log.String(); got != "" {
		t.Errorf("the handler saw malformed requests:\n%s", got)
	}
	for _, addr := range []string{addr, echoAddr} {
		if got := exchange(t, addr, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
			t.Errorf("after the malformed requests, GET / = %q", got)
		}
	}
}

// checkRefused sends raw and checks that it gets status, an HTML page that
// names it, and a closed connection after it.
func checkRefused(t *testing.T, addr, raw string, status int) {
	t.Helper()
	conn := dial(t, addr)
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	title := fmt.Sprintf("<title>%d %s</title>", status, StatusText(status))
	// ReadResponse turns "Connection: close" into resp.Close.
	got := []any{resp.StatusCode, resp.Close, resp.Header.Get("Content-Type"), bytes.Contains(body, []byte(title))}
	want := []any{status, true, "text/html; charset=utf-8", true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status, Connection, Content-Type, title in page (-want +got):\n%s\n%s", diff, body)
	}
	if rest, err := io.ReadAll(br); len(rest) != 0 || err != nil {
		t.Errorf("after the response: %q, %v; want the connection closed", rest, err)
	}
}

// echoBody answers with the request's body. A body it cannot read gets the
// status that the error carries, as any handler that reads bodies should.
var echoBody = handlerFunc(func(w *ResponseWriter, r *Request) {
	body, err := io.ReadAll(r.Body)
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
		w.Error(reqErr.status, reqErr.reason)
	case err != nil:
		w.Error(400, err.Error())
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	}
})

// TestStalledClients: hundreds of clients that connect and send nothing, or
// half a request, do not delay a normal request.
func TestStalledClients(t *testing.T) {
	addr, _ := startHello(t)
	for i := range 200 {
		conn := dial(t, addr)
		if i%2 == 1 {
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ")
		}
	}
	got := exchange(t, addr, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	if diff := cmp.Diff(helloHead+"Connection: close\r\n\r\n"+helloPage, got); diff != "" {
		t.Errorf("response with 200 stalled clients connected (-want +got):\n%s", diff)
	}
}

// capServer is a server for the tests of maxConnections: HelloHandler,
// but for /block, whose handler waits until the test releases it, so that a
// connection there is busy, in the middle of a request, for as long as the
// test wants. Its Trace reports every connection accepted.
type capServer struct {
	addr     string
	entered  chan struct{} // a value per request that reached /block
	accepted chan struct{} // a value per connection accepted
	release  func()        // lets every /block handler return
}

func startCapServer(t *testing.T, configure func(*TCPServer)) *capServer {
	t.Helper()
	cs := &capServer{entered: make(chan struct{}, maxConnections), accepted: make(chan struct{}, 4*maxConnections)}
	released := make(chan struct{})
	hello := &HelloHandler{Log: io.Discard}
	cs.addr, _ = startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		if r.Path != "/block" {
			hello.ServeHTTP(w, r)
			return
		}
		cs.entered <- struct{}{}
		<-released
		io.WriteString(w, "released\n")
	}), func(s *TCPServer) {
		s.Trace = acceptNotes(cs.accepted)
		if configure != nil {
			configure(s)
		}
	})
	cs.release = sync.OnceFunc(func() { close(released) })
	t.Cleanup(cs.release) // before the server shuts down: cleanups run last first
	return cs
}

// acceptNotes is a Trace that sends a value for each connection accepted.
type acceptNotes chan struct{}

func (a acceptNotes) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("-- connected from")) {
		a <- struct{}{}
	}
	return len(p), nil
}

// await takes n values from ch, or fails the test after 10 s.
func await(t *testing.T, ch chan struct{}, n int, what string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for i := range n {
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("%s: %d of %d after 10 s", what, i, n)
		}
	}
}

// holdBusy opens n connections whose requests wait in their handlers, and
// returns once all n handlers run: the server counts them busy.
func (cs *capServer) holdBusy(t *testing.T, n int) []net.Conn {
	t.Helper()
	held := make([]net.Conn, n)
	for i := range held {
		held[i] = dial(t, cs.addr)
		io.WriteString(held[i], "GET /block HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	}
	await(t, cs.accepted, n, "busy connections accepted")
	await(t, cs.entered, n, "handlers entered")
	return held
}

// holdIdle opens n connections that send nothing, and returns once the
// server has accepted them all: it counts them idle from then on. (It
// accepts one at a time, and tracks each before it accepts the next.)
func (cs *capServer) holdIdle(t *testing.T, n int) []net.Conn {
	t.Helper()
	held := make([]net.Conn, n)
	for i := range held {
		held[i] = dial(t, cs.addr)
	}
	await(t, cs.accepted, n, "idle connections accepted")
	return held
}

// TestMaxConnections holds maxConnections connections in the middle of a
// request, then shows that the clients over the limit all get 503 and a clean
// close, never a reset, even more of them at once than maxRefusing; and that
// the held connections are still served.
func TestMaxConnections(t *testing.T) {
	const refused = 3 * maxRefusing
	cs := startCapServer(t, nil)
	held := cs.holdBusy(t, maxConnections)

	var wg sync.WaitGroup
	results := make([]string, refused)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", cs.addr)
			if err != nil {
				results[i] = err.Error()
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
			got, err := io.ReadAll(conn)
			switch {
			case err != nil:
				results[i] = err.Error()
			case len(got) > 0 && string(got) != busyResponse:
				results[i] = fmt.Sprintf("%.40q", got)
			}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != "" {
			t.Errorf("refused client %d: %s; want %q or a clean close", i, r, busyResponse)
		}
	}
	cs.release()
	if got, err := io.ReadAll(held[0]); err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
		t.Errorf("a held connection got %.30q, %v; want 200", got, err)
	}
}

// TestIdleMakeRoom: at maxConnections, a new client takes the place of the
// connection idle the longest, so that clients that connect and send nothing
// cannot lock others out; connections in the middle of a request stay.
func TestIdleMakeRoom(t *testing.T) {
	cs := startCapServer(t, nil)
	busy := cs.holdBusy(t, 10)
	idle := cs.holdIdle(t, maxConnections-10)

	for i := range 3 {
		got := exchange(t, cs.addr, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
			t.Fatalf("client %d over the limit got %.40q, want 200", i, got)
		}
		// The oldest idle connection was closed to make room.
		if n, err := idle[i].Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("idle connection %d: Read = %d, %v; want io.EOF, closed to make room", i, n, err)
		}
	}
	cs.release()
	for i, conn := range busy {
		if got, err := io.ReadAll(conn); err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
			t.Errorf("busy connection %d got %.30q, %v; want 200", i, got, err)
		}
	}
}

// TestTimeouts uses short timeouts: an idle client is closed without a word,
// a client that stops half-way through its head gets 408, and one that stops
// in the middle of a body is closed after its response.
func TestTimeouts(t *testing.T) {
	const timeout = 100 * time.Millisecond
	addr, _ := startTCPServer(t, &HelloHandler{Log: io.Discard}, func(s *TCPServer) {
		s.IdleTimeout, s.ReadTimeout = timeout, timeout
	})
	htmlHead := func(status string, fields string) string {
		return "HTTP/1.1 " + status + "\r\nDate: X\r\n" + fields + "Content-Type: text/html; charset=utf-8\r\n"
	}
	tests := []struct {
		name, send, want string
	}{
		{"idle new connection", "", ""},
		{"idle after a request", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", helloHead + "\r\n" + helloPage},
		{"stalled head", "GET / HTTP/1.1\r\nHost: h\r\n",
			htmlHead("408 Request Timeout", "") + withLength(appendErrorPage(nil, 408, "The request took too long to arrive."), "Connection: close\r\n")},
		{"stalled body", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
			htmlHead("405 Method Not Allowed", "Allow: GET, HEAD\r\n") + withLength(appendErrorPage(nil, 405, "POST is not allowed on /."), "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exchange(t, addr, tt.send) // returns once the server closes
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("everything sent before the close (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteTimeout: a client that stops reading cannot hold a handler
// forever. The handler's Write fails once WriteTimeout has passed.
func TestWriteTimeout(t *testing.T) {
	const size = 1 << 30 // far more than the socket buffers hold
	writeErr := make(chan error, 1)
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Content-Length", fmt.Sprint(size))
		chunk := make([]byte, 64<<10)
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}), func(s *TCPServer) { s.WriteTimeout = 100 * time.Millisecond })

	conn := dial(t, addr)
	io.WriteString(conn, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n") // and never read
	select {
	case err := <-writeErr:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Write to a client that does not read: %v, want a deadline error", err)
		}
	case <-time.After(5 * time.Second): // fail rather than hang; WriteTimeout is 100 ms
		t.Fatal("Write to a client that does not read is still blocked after 5 s")
	}
}

// TestShutdown: an idle keep-alive connection is closed at once, a request in
// flight is answered with "Connection: close", then Serve returns.
func TestShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	hello := &HelloHandler{Log: io.Discard}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &TCPServer{Handler: handlerFunc(func(w *ResponseWriter, r *Request) {
		if r.Path == "/slow" {
			close(entered)
			<-release
		}
		hello.ServeHTTP(w, r)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()

	idle := dial(t, addr)
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
	idleBr := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(idleBr, nil); err != nil {
		t.Fatal(err)
	} else {
		io.Copy(io.Discard, resp.Body)
	}

	busy := dial(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
	<-entered
	srv.Shutdown()

	if rest, err := io.ReadAll(idleBr); len(rest) != 0 || err != nil {
		t.Errorf("idle connection after Shutdown: %q, %v; want it closed", rest, err)
	}
	close(release)
	raw, err := io.ReadAll(busy)
	if err != nil {
		t.Fatal(err)
	}
	busy.Close()
	got := dateValue.ReplaceAllString(string(raw), "Date: X\r\n")
	want := "HTTP/1.1 404 Not Found\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\n" +
		withLength([]byte(notFoundPage("/slow")), "Connection: close\r\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request in flight (-want +got):\n%s", diff)
	}
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve() = %v, want net.ErrClosed", err)
	}
}

func TestHandlerPanic(t *testing.T) {
	var logged syncBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	hello := &HelloHandler{Log: io.Discard}
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		if r.Path == "/panic" {
			panic("boom")
		}
		hello.ServeHTTP(w, r)
	}), nil)

	got := exchange(t, addr, "GET /panic HTTP/1.1\r\nHost: h\r\n\r\n")
	want := "HTTP/1.1 500 Internal Server Error\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\n" +
		withLength(appendErrorPage(nil, 500, "The server hit an error while answering this request."), "Connection: close\r\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response to a panicking handler (-want +got):\n%s", diff)
	}
	if got := exchange(t, addr, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
		t.Errorf("next request got %q", got)
	}
	if !strings.Contains(logged.String(), "panic serving GET /panic") {
		t.Errorf("log = %q, want the panic", logged.String())
	}
}

// echo answers with the request body. It reads the body before it answers:
// a response streamed while more than maxDrainBytes of the body are unread
// says "Connection: close", since the server cannot promise to skip the rest.
var echo = handlerFunc(func(w *ResponseWriter, r *Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.Error(400, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", fmt.Sprint(len(body))) // streamed, not buffered
	w.Write(body)
})

// TestDeclaredLength: a handler that sets Content-Length streams its body.
// HEAD gets the declared length without the body; a body cut short closes
// the connection, so the client never reads the next response as its rest.
func TestDeclaredLength(t *testing.T) {
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", "5")
		switch r.Path {
		case "/full":
			io.WriteString(w, "12345")
		case "/short":
			io.WriteString(w, "12")
		}
	}), nil)
	head := "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
	tests := []struct{ name, send, want string }{
		{"GET", "GET /full HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", head + "Connection: close\r\n\r\n12345"},
		{"HEAD, then keep-alive", "HEAD /full HTTP/1.1\r\nHost: h\r\n\r\nGET /full HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			head + "\r\n" + head + "Connection: close\r\n\r\n12345"},
		{"HEAD of a handler that writes nothing", "HEAD /none HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", head + "Connection: close\r\n\r\n"},
		{"body cut short closes", "GET /short HTTP/1.1\r\nHost: h\r\n\r\nGET /full HTTP/1.1\r\nHost: h\r\n\r\n", head + "\r\n12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, exchange(t, addr, tt.send)); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpectContinue(t *testing.T) {
	addr, _ := startTCPServer(t, echo, nil)
	conn := dial(t, addr)
	io.WriteString(conn, "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	br := bufio.NewReader(conn)
	interim := make([]byte, len("HTTP/1.1 100 Continue\r\n\r\n"))
	if _, err := io.ReadFull(br, interim); err != nil || string(interim) != "HTTP/1.1 100 Continue\r\n\r\n" {
		t.Fatalf("before the body, got %q, %v; want 100 Continue", interim, err)
	}
	io.WriteString(conn, "hello")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, "hello")
	}
}

// TestNetHTTPClient uses Go's own client: statuses, bodies, a large upload,
// and every request on one kept-alive connection.
func TestNetHTTPClient(t *testing.T) {
	mux := handlerFunc(func(w *ResponseWriter, r *Request) {
		if r.Path == "/echo" {
			echo(w, r)
			return
		}
		(&HelloHandler{Log: io.Discard}).ServeHTTP(w, r)
	})
	addr, _ := startTCPServer(t, mux, nil)
	var dials atomic.Int32
	client := &http.Client{Transport: &http.Transport{
		Dial: func(network, addr string) (net.Conn, error) {
			dials.Add(1)
			return net.Dial(network, addr)
		},
	}}
	big := bytes.Repeat([]byte("0123456789abcdef"), maxBodyBytes/16)
	tests := []struct {
		method, path string
		body         []byte
		wantStatus   int
		wantBody     string
	}{
		{"GET", "/", nil, 200, helloPage},
		{"HEAD", "/", nil, 200, ""},
		{"GET", "/missing", nil, 404, notFoundPage("/missing")},
		{"POST", "/", []byte("ignored"), 405, string(appendErrorPage(nil, 405, "POST is not allowed on /."))},
		{"POST", "/echo", []byte("small"), 200, "small"},
		{"PUT", "/echo", big, 200, string(big)},
		{"GET", "/", nil, 200, helloPage},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, "http://"+addr+tt.path, bytes.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
			t.Errorf("%s %s = %d %.40q, want %d %.40q", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("the client dialled %d times, want 1: every request on one kept-alive connection", n)
	}
}

// TestConcurrentClients: many clients, each with several requests on one
// connection, all answered; run with -race.
func TestConcurrentClients(t *testing.T) {
	addr, _ := startHello(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(conn, strings.Repeat("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 9)+"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
			got, err := io.ReadAll(conn)
			if n := strings.Count(string(got), "HTTP/1.1 200 OK"); err != nil || n != 10 {
				errs <- fmt.Errorf("got %d responses, %v; want 10", n, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestHEADErrors: a response to HEAD has no content, error responses
// included (RFC 9110 §9.3.2), whenever the request line could be read; its
// fields are those GET would get, Content-Length included.
func TestHEADErrors(t *testing.T) {
	const timeout = 200 * time.Millisecond
	addr, _ := startTCPServer(t, &HelloHandler{Log: io.Discard}, func(s *TCPServer) { s.ReadTimeout = timeout })
	tests := []struct {
		name, get string
		status    int
		reason    string
	}{
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400, "An HTTP/1.1 request needs exactly one Host field."},
		{"stalled head", "GET / HTTP/1.1\r\nHost: h\r\n", 408, "The request took too long to arrive."},
		{"unknown expectation", "GET / HTTP/1.1\r\nHost: h\r\nExpect: x\r\n\r\n", 417, "The only expectation this server meets is 100-continue."},
		{"header section too large", "GET / HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 431,
			fmt.Sprintf("The header section is longer than %d bytes.", maxHeaderBytes)},
		{"unknown transfer coding", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "This server decodes no transfer coding but chunked."},
		{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "This server speaks HTTP/1.0 and HTTP/1.1."},
		{"request line too long", "GET /" + strings.Repeat("a", maxRequestLineBytes) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414,
			fmt.Sprintf("The request line is longer than %d bytes.", maxRequestLineBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := appendErrorPage(nil, tt.status, tt.reason)
			head := fmt.Sprintf("HTTP/1.1 %d %s\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\n", tt.status, StatusText(tt.status)) +
				withLength(page, "Connection: close\r\n")
			head = strings.TrimSuffix(head, string(page))
			if diff := cmp.Diff(head+string(page), exchange(t, addr, tt.get)); diff != "" {
				t.Errorf("GET: (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(head, exchange(t, addr, "HEAD"+strings.TrimPrefix(tt.get, "GET"))); diff != "" {
				t.Errorf("HEAD: GET's head and no content (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOptionsAsterisk: "OPTIONS *" asks about the server, not about a
// resource (RFC 9110 §9.3.7): 204 with the methods it implements, and the
// connection stays open.
func TestOptionsAsterisk(t *testing.T) {
	addr, log := startHello(t)
	got := exchange(t, addr, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	want := "HTTP/1.1 204 No Content\r\nDate: X\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH\r\n\r\n" +
		helloHead + "Connection: close\r\n\r\n" + helloPage
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OPTIONS * then GET / (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("GET / HTTP/1.1\n", log.String()); diff != "" {
		t.Errorf("requests the handler saw (-want +got):\n%s", diff)
	}
}

// The slow-reader tests (TestSlowReader, and part 5's TestSlowFileReader)
// need a client that keeps reading, slowly, for several write timeouts.
// Two facts set their timing. A write blocked on a full send buffer wakes
// only once about a third of it has drained (170 KiB of server.go's
// sendBufferBytes, which Linux doubles to 512 KiB), so the client reads more
// than that at a time: each read alone lets a blocked write go on. And a
// loaded machine pauses the test process itself: beside two CPU-bound
// processes on 2 cores, the client's reads were measured 321 ms apart, where
// 10 ms was asked for. With a write timeout of 100 ms, as these tests had,
// such a pause, or a client slowed below 1.7 MB/s by lost ticks, dropped the
// transfer. The pause between reads is a tenth of the write timeout, which
// leaves 450 ms for the machine to stall the client.
const (
	slowWriteTimeout = 500 * time.Millisecond
	slowReadBytes    = 256 << 10
	slowReadPause    = slowWriteTimeout / 10
)

// readSteadily reads r to its end, slowReadBytes every slowReadPause, and
// returns how many bytes it got.
func readSteadily(r io.Reader) int64 {
	tick := time.NewTicker(slowReadPause)
	defer tick.Stop()
	var got int64
	buf := make([]byte, slowReadBytes)
	for {
		<-tick.C
		n, err := io.ReadFull(r, buf)
		got += int64(n)
		if err != nil {
			return got
		}
	}
}

// TestSlowReader: WriteTimeout bounds a stall, not a transfer. A client that
// keeps reading, slowly, gets a body that takes several WriteTimeouts to
// send; TestWriteTimeout shows that one that stops reading is dropped.
func TestSlowReader(t *testing.T) {
	const size = 8 << 20 // 32 reads, 1.6 s: more than three write timeouts
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Content-Length", fmt.Sprint(size))
		chunk := make([]byte, 64<<10)
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}), func(s *TCPServer) { s.WriteTimeout = slowWriteTimeout })

	conn := dial(t, addr)
	conn.SetDeadline(time.Now().Add(time.Minute)) // a steady reader may take longer than dial's 10 s on a loaded machine
	io.WriteString(conn, "GET /big HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	start := time.Now()
	got := readSteadily(conn)
	head := int64(len("HTTP/1.1 200 OK\r\nDate: Mon, 02 Jan 2006 15:04:05 GMT\r\nContent-Type: application/octet-stream\r\nContent-Length: 8388608\r\nConnection: close\r\n\r\n"))
	if got != head+size {
		t.Errorf("a client reading steadily got %d bytes in %v, want %d", got, time.Since(start), head+size)
	}
	if elapsed := time.Since(start); elapsed < 3*slowWriteTimeout {
		t.Logf("the transfer took only %v: the test proves little on this machine", elapsed)
	}
}

// TestPipelinedBatch: requests that arrive together are answered together,
// in one write, not one write per response.
func TestPipelinedBatch(t *testing.T) {
	const n = 16
	writes := new(traceCounter)
	addr, _ := startTCPServer(t, &HelloHandler{Log: io.Discard}, func(s *TCPServer) { s.Trace = writes })
	conn := dial(t, addr)
	io.WriteString(conn, strings.Repeat("GET / HTTP/1.1\r\nHost: h\r\n\r\n", n-1)+"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(string(got), "HTTP/1.1 200 OK"); c != n {
		t.Fatalf("got %d responses, want %d", c, n)
	}
	// One read brings the requests in (a write of 500 bytes on loopback
	// arrives whole); allow a second, should it not.
	if w := writes.count(); w > 2 {
		t.Errorf("%d pipelined responses took %d writes, want 1 (2 at most)", n, w)
	}
}

// traceCounter counts the writes a traced connection makes.
type traceCounter struct {
	mu     sync.Mutex
	writes int
}

func (c *traceCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(" > ")) {
		c.writes++
	}
	return len(p), nil
}

func (c *traceCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}
