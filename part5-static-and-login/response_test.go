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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// handlerMistakes are the ResponseWriter calls a handler may get wrong, each
// at its own path. Whatever the handler does, the response must stay framed
// as it says, and the server must log the mistake and go on.
var handlerMistakes = handlerFunc(func(w *ResponseWriter, r *Request) {
	w.Header().Set("Content-Type", "text/plain")
	switch r.Path {
	case "/error-after-stream":
		// A copy that fails halfway: the head and 10 of 100 bytes are out.
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "0123456789")
		w.Error(500, "The copy failed.")
		io.WriteString(w, "more") // must not panic
	case "/error-after-write":
		io.WriteString(w, "partial") // buffered: nothing is out yet
		w.Error(500, "The page failed.")
	case "/interim":
		w.WriteHeader(103)
		io.WriteString(w, "ok")
	case "/no-such-status":
		w.WriteHeader(2000)
	case "/late-read":
		// Reads the body only after the head is out: too late for 100 Continue.
		w.Header().Set("Content-Length", "2")
		io.WriteString(w, "ok")
		if _, err := io.ReadAll(r.Body); !errors.Is(err, errContinueTooLate) {
			panic(fmt.Sprintf("reading the body after the response: %v, want errContinueTooLate", err))
		}
	case "/invalid-length":
		w.Header().Set("Content-Length", "ten")
		io.WriteString(w, "first ")
		io.WriteString(w, "second")
	case "/invalid-length-no-write":
		w.Header().Set("Content-Length", "ten")
	case "/transfer-encoding":
		w.Header().Set("Transfer-Encoding", "chunked")
		io.WriteString(w, "hello")
	case "/trailer":
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "hello")
	case "/error-interim":
		w.Error(103, "Early hints are no answer.")
	case "/connection-list":
		w.Header().Set("Connection", "foo, close")
		io.WriteString(w, "bye")
	case "/superfluous":
		w.WriteHeader(404)
		w.WriteHeader(200)
		io.WriteString(w, "gone")
	default:
		io.WriteString(w, "next")
	}
})

func TestHandlerMistakes(t *testing.T) {
	var logged syncBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	addr, _ := startTCPServer(t, handlerMistakes, nil)

	next := "GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	nextAnswer := "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext"
	get := func(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n" }
	page := func(status int, message, more string) string {
		return fmt.Sprintf("HTTP/1.1 %d %s\r\nDate: X\r\nContent-Type: text/html; charset=utf-8\r\n", status, StatusText(status)) +
			withLength(appendErrorPage(nil, status, message), more)
	}
	tests := []struct {
		name    string
		send    string
		want    string
		wantLog string // in the log line, beside the request
	}{
		{
			name: "Error after a streamed Write: the body stays short, and the connection closes",
			send: get("/error-after-stream") + next,
			want: "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789more",
			// With the bug, the page made the body look complete, and
			// the next response was read as the rest of this one.
			wantLog: `Error(500, "The copy failed.") after the head was sent`,
		},
		{
			name: "Error after a buffered Write answers with its status",
			send: get("/error-after-write") + next,
			want: page(500, "The page failed.", "") + nextAnswer,
		},
		{
			name:    "WriteHeader(103) is no final response",
			send:    get("/interim") + next,
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok" + nextAnswer,
			wantLog: "WriteHeader(103)",
		},
		{
			name:    "WriteHeader(2000) is a bug: 500",
			send:    get("/no-such-status") + next,
			want:    page(500, "The server hit an error while answering this request.", "Connection: close\r\n"),
			wantLog: "invalid status code 2000",
		},
		{
			name: "no 100 Continue after the final response",
			send: "GET /late-read HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
			// The client holds the body back, waiting for 100 Continue:
			// the response closes the connection.
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
			wantLog: "100 Continue can no longer be sent",
		},
		{
			name:    "an invalid Content-Length is dropped, and no byte is lost",
			send:    get("/invalid-length") + next,
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nfirst second" + nextAnswer,
			wantLog: `invalid Content-Length "ten"`,
		},
		{
			name:    "an invalid Content-Length and no Write still get a response",
			send:    get("/invalid-length-no-write") + next,
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n" + nextAnswer,
			wantLog: `invalid Content-Length "ten"`,
		},
		{
			name:    "the handler's Transfer-Encoding is dropped",
			send:    get("/transfer-encoding") + next,
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello" + nextAnswer,
			wantLog: "Transfer-Encoding: chunked: ignored",
		},
		{
			name:    "the handler's Trailer is dropped",
			send:    get("/trailer") + next,
			want:    "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello" + nextAnswer,
			wantLog: "Trailer: X-Sum: ignored",
		},
		{
			name:    "Error(103) cannot answer a request: 500",
			send:    get("/error-interim") + next,
			want:    page(500, "Early hints are no answer.", "") + nextAnswer,
			wantLog: "Error(103): a 1xx cannot answer a request; sent as 500",
		},
		{
			name: "Connection: foo, close closes",
			send: get("/connection-list") + next,
			want: "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye",
		},
		{
			name:    "a second WriteHeader is logged",
			send:    get("/superfluous") + next,
			want:    "HTTP/1.1 404 Not Found\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ngone" + nextAnswer,
			wantLog: "superfluous WriteHeader(200): the status is already 404",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logged.String())
			if diff := cmp.Diff(tt.want, exchange(t, addr, tt.send)); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
			got := logged.String()[before:]
			path := strings.Fields(tt.send)[1]
			if tt.wantLog != "" && (!strings.Contains(got, tt.wantLog) || !strings.Contains(got, "GET "+path)) {
				t.Errorf("log = %q, want a line naming GET %s and saying %q", got, path, tt.wantLog)
			}
			if tt.wantLog == "" && got != "" {
				t.Errorf("log = %q, want nothing", got)
			}
		})
	}
}

// TestStrayCRLF: RFC 9112 §2.2 lets a client send empty lines between
// requests (old ones send CRLF after a POST body). After them the connection
// is idle, not busy with a request: the next request is answered, no 408
// comes unasked, and Shutdown closes the connection at once.
func TestStrayCRLF(t *testing.T) {
	addr, srv := startTCPServer(t, handlerMistakes, func(s *TCPServer) {
		s.ReadTimeout = time.Minute // far past the client's deadline: a busy connection would hold it
	})
	conn := dial(t, addr)
	conn.SetDeadline(time.Now().Add(waitTimeout))
	io.WriteString(conn, "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	if body, err := io.ReadAll(resp.Body); string(body) != "next" || err != nil || resp.Close {
		t.Fatalf("response: %q, %v, close %v; want %q, kept alive", body, err, resp.Close, "next")
	}

	srv.Shutdown()
	rest, err := io.ReadAll(br)
	if len(rest) != 0 || err != nil {
		t.Errorf("after Shutdown, the idle client read %q, %v; want the connection closed at once", rest, err)
	}
}

// TestTraceConcurrent: connections write to Trace at the same time; the
// server serialises them, so a bytes.Buffer will do (go test -race finds
// the race without it), and no print mixes with another.
func TestTraceConcurrent(t *testing.T) {
	var trace bytes.Buffer
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &TCPServer{Handler: handlerMistakes, Trace: &trace}
	done := make(chan error)
	go func() { done <- srv.Serve(ln) }()
	const clients = 8
	answered := make(chan string)
	for range clients {
		go func() {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				answered <- err.Error()
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(waitTimeout))
			io.WriteString(conn, strings.Repeat("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 3)+"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
			got, _ := io.ReadAll(conn)
			answered <- fmt.Sprint(strings.Count(string(got), "HTTP/1.1 200 OK"))
		}()
	}
	for range clients {
		if got := <-answered; got != "4" {
			t.Errorf("a client got %s responses, want 4", got)
		}
	}
	srv.Shutdown()
	<-done
	line := regexp.MustCompile(`^#[1-8] (-- |< |> )`)
	for _, l := range strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n") {
		if !line.MatchString(l) {
			t.Fatalf("trace line %q: not one print of one connection", l)
		}
	}
}
