package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// traceLog collects what -trace prints, and says when a connection closed.
type traceLog struct {
	mu     sync.Mutex
	b      strings.Builder
	closed chan struct{} // gets a value for each connection closed
}

func (l *traceLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if strings.HasSuffix(string(p), "-- closed\n") {
		l.closed <- struct{}{}
	}
	return len(p), nil
}

func (l *traceLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var clientPort = regexp.MustCompile(`connected from 127\.0\.0\.1:\d+`)

// TestTrace: -trace prints what each connection reads and writes, CR and LF
// made visible, the end of a long write only counted.
func TestTrace(t *testing.T) {
	log := &traceLog{closed: make(chan struct{}, 1)}
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, strings.Repeat("x", 1000))
	}), func(s *TCPServer) { s.Trace = log })

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	got, _ := io.ReadAll(conn)
	conn.Close()
	<-log.closed

	date := dateValue.FindString(string(got))
	head := "HTTP/1.1 200 OK\r\n" + date + "Content-Type: text/plain\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
	request := "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	want := `#1 -- connected from 127.0.0.1:PORT
#1 -- read ` + fmt.Sprint(len(request)) + ` bytes
#1 < GET / HTTP/1.1\r\n
#1 < Host: h\r\n
#1 < Connection: close\r\n
#1 < \r\n
#1 -- wrote ` + fmt.Sprint(len(head)+1000) + ` bytes
#1 > HTTP/1.1 200 OK\r\n
#1 > ` + strings.ReplaceAll(date, "\r\n", `\r\n`) + `
#1 > Content-Type: text/plain\r\n
#1 > Content-Length: 1000\r\n
#1 > Connection: close\r\n
#1 > \r\n
#1 > ` + strings.Repeat("x", traceBodyBytes) + `
#1 > ... ` + fmt.Sprint(1000-traceBodyBytes) + ` more bytes of body
#1 -- closing: no more writes (FIN)
#1 -- read: EOF
#1 -- closed
`
	if diff := cmp.Diff(want, clientPort.ReplaceAllString(log.String(), "connected from 127.0.0.1:PORT")); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

func TestAppendVisible(t *testing.T) {
	var got []byte
	for _, c := range []byte("a \t\r\n\\\x00\x7f\xe9") {
		got = appendVisible(got, c)
	}
	if want := `a ` + "\t" + `\r\n\\\x00\x7f\xe9`; string(got) != want {
		t.Errorf("appendVisible of every kind of byte = %s, want %s", got, want)
	}
}

// TestTraceShowsEveryHead: of a write that holds several responses, every
// head is shown, and only bodies are cut short.
func TestTraceShowsEveryHead(t *testing.T) {
	log := &traceLog{closed: make(chan struct{}, 1)}
	addr, _ := startTCPServer(t, &HelloHandler{Log: io.Discard}, func(s *TCPServer) { s.Trace = log })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, strings.Repeat("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 3)+"GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	io.ReadAll(conn)
	conn.Close()
	<-log.closed
	trace := log.String()
	for _, want := range []string{"#1 > HTTP/1.1 404 Not Found\\r\\n\n", "#1 > Connection: close\\r\\n\n", "#1 > </html>\\n\n"} {
		if !strings.Contains(trace, want) {
			t.Errorf("the trace has no line %q:\n%s", want, trace)
		}
	}
	if got := strings.Count(trace, "#1 > HTTP/1.1 200 OK\\r\\n\n"); got != 3 {
		t.Errorf("the trace shows %d status lines of 200, want 3:\n%s", got, trace)
	}
}

// TestProgramTrace: the program's -trace flag sends the trace to stderr.
func TestProgramTrace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no SIGINT to send to another process")
	}
	p := startProgram(t, "-addr", "127.0.0.1:0", "-trace")
	conn := dial(t, strings.TrimPrefix(p.url, "http://"))
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	io.ReadAll(conn)
	conn.Close()
	p.cmd.Process.Signal(os.Interrupt) // the trace is complete once the program has exited
	p.waitExit(t, "after SIGINT")
	for _, want := range []string{"#1 < GET / HTTP/1.1\\r\\n\n", "#1 > HTTP/1.1 200 OK\\r\\n\n", "#1 -- closed\n"} {
		if !strings.Contains(p.stderr.String(), want) {
			t.Errorf("stderr of -trace has no line %q:\n%s", want, p.stderr)
		}
	}
}
