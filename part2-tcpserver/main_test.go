package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// waitTimeout bounds every wait in these tests: for a line from the program,
// for a response, for the program or the server to stop. A server that
// misbehaves (prints nothing, never answers, never exits) fails its test
// within seconds, with a message that says what the test waited for,
// instead of hanging until go test gives up after ten minutes.
const waitTimeout = 5 * time.Second

// TestMain lets the tests run this part's main in a child process: the test
// binary started with runMainEnv=1 is the program itself.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		if os.Getenv(exitWithTestEnv) == "1" {
			// The test holds the other end of stdin. When the test process
			// ends, however it ends, stdin reaches its end and so do we: no
			// server outlives its test.
			go func() {
				io.Copy(io.Discard, os.Stdin)
				os.Exit(3)
			}()
		}
		main()
		os.Exit(0)
	}
	// net/http's client, as in http.Get, gives up after waitTimeout too.
	http.DefaultClient.Timeout = waitTimeout
	os.Exit(m.Run())
}

const (
	runMainEnv      = "TUTORIAL_RUN_MAIN"
	exitWithTestEnv = "TUTORIAL_EXIT_WITH_TEST"
)

// wantResponse is what every request gets, byte for byte.
const wantResponse = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 13\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Hello, World!"

// syncBuffer is a bytes.Buffer that the server and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer serves on a free port of 127.0.0.1 until the test ends and
// returns the address and the server's log.
func startServer(t *testing.T) (addr string, log *syncBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log = new(syncBuffer)
	done := make(chan struct{})
	srv := &TCPServer{Handler: &HelloHandler{Log: log}}
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case <-done:
		case <-time.After(waitTimeout):
			t.Errorf("serve did not return within %v of its listener closing: is a connection stuck in its handler?", waitTimeout)
		}
	})
	return ln.Addr().String(), log
}

// roundTrip sends the request in the given pieces, one write each, and
// returns everything the server sends until it closes the connection.
func roundTrip(t *testing.T, addr string, pieces ...string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(waitTimeout)) // fail, don't hang, if the server never answers
	for _, p := range pieces {
		if _, err := io.WriteString(conn, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the response to %q: %v; got so far: %q", strings.Join(pieces, ""), err, got)
	}
	return string(got)
}

func TestRawRequests(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string // written one after another
	}{
		{"curl GET", []string{"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"}},
		{"any path", []string{"GET /no/such/page?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"}},
		{"HTTP/1.0 without header fields", []string{"GET / HTTP/1.0\r\n\r\n"}},
		{"bare LF line ends (nc without -C)", []string{"GET / HTTP/1.1\nHost: localhost\n\n"}},
		{"head in small writes", []string{"GE", "T / HT", "TP/1.1\r", "\nHost: local", "host\r\n", "\r", "\n"}},
		{"one byte at a time", strings.Split("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "")},
	}
	addr, _ := startServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := roundTrip(t, addr, tt.pieces...)
			if diff := cmp.Diff(wantResponse, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestIsPrinted(t *testing.T) {
	addr, log := startServer(t)
	req := "GET /printed HTTP/1.1\r\nHost: localhost\r\n\r\n"
	roundTrip(t, addr, req)
	// The server prints the request before it answers, and it has answered.
	if diff := cmp.Diff(req, log.String()); diff != "" {
		t.Errorf("printed request (-want +got):\n%s", diff)
	}
}

func TestNetHTTPClient(t *testing.T) {
	addr, _ := startServer(t)
	for _, path := range []string{"/", "/index.html", "/favicon.ico"} {
		t.Run(path, func(t *testing.T) {
			resp, err := http.Get("http://" + addr + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{resp.Status, resp.Header.Get("Content-Type"), string(body)}
			want := []string{"200 OK", "text/plain; charset=utf-8", "Hello, World!"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET %s: status, type, body (-want +got):\n%s", path, diff)
			}
		})
	}
}

// program is this part's main running in a child process.
type program struct {
	cmd    *exec.Cmd
	url    string        // from the first line
	lines  chan string   // what main prints, line by line; closed at the end of its stdout
	stdout *syncBuffer   // all that main has printed so far, for failure messages
	stderr *syncBuffer   // the same for stderr
	exited chan struct{} // closed when the child has exited
	done   chan struct{} // closed when the test has ended
}

var urlInFirstLine = regexp.MustCompile(`^Serving HTTP on (http://127\.0\.0\.1:[1-9][0-9]*) \.\.\.\n$`)

// startProgram runs main with args in a child process, checks its first line
// and returns once the listener is open. The child is killed when the test ends.
func startProgram(t *testing.T, args ...string) *program {
	t.Helper()
	cmd := programCommand(t, args...)
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &program{
		cmd:    cmd,
		lines:  make(chan string),
		stdout: new(syncBuffer),
		stderr: new(syncBuffer),
		exited: make(chan struct{}),
		done:   make(chan struct{}),
	}
	cmd.Stdout, cmd.Stderr = w, p.stderr
	err = cmd.Start()
	w.Close() // the child has its own copy; stdout ends when the child exits
	if err != nil {
		stdout.Close()
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	go p.readLines(stdout)
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(waitTimeout):
			t.Errorf("the program did not exit within %v of being killed", waitTimeout)
		}
		close(p.done)
	})
	first := p.readLine(t, "the first line, printed once the listener is open")
	m := urlInFirstLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first line = %q, want %q; stderr: %q", first, "Serving HTTP on http://127.0.0.1:PORT ...\n", p.stderr)
	}
	p.url = m[1]
	return p
}

// readLines passes what the program prints to p.lines, line by line, until
// its stdout ends or the test does.
func (p *program) readLines(stdout io.ReadCloser) {
	defer close(p.lines)
	defer stdout.Close()
	send := func(line string) bool {
		select {
		case p.lines <- line:
			return true
		case <-p.done:
			return false
		}
	}
	var partial []byte
	buf := make([]byte, 4096)
	for {
		n, err := stdout.Read(buf)
		p.stdout.Write(buf[:n])
		partial = append(partial, buf[:n]...)
		for {
			i := bytes.IndexByte(partial, '\n')
			if i < 0 {
				break
			}
			if !send(string(partial[:i+1])) {
				return
			}
			partial = partial[i+1:]
		}
		if err != nil {
			if len(partial) > 0 {
				send(string(partial)) // a last line without its newline
			}
			return
		}
	}
}

// readLine returns the next line that the program prints, waiting at most
// waitTimeout; what names the line in the failure message.
func (p *program) readLine(t *testing.T, what string) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		if ok {
			return line
		}
		t.Fatalf("waiting for %s: the program's stdout ended (%s); stdout: %q; stderr: %q", what, p.exitState(), p.stdout, p.stderr)
	case <-time.After(waitTimeout):
		t.Fatalf("waiting for %s: no line within %v; stdout so far: %q; stderr: %q", what, waitTimeout, p.stdout, p.stderr)
	}
	return ""
}

// exitState says how the program ended, once it has (after its stdout ended).
func (p *program) exitState() string {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.String()
	case <-time.After(waitTimeout):
		return fmt.Sprintf("still running after %v", waitTimeout)
	}
}

func TestProgram(t *testing.T) {
	p := startProgram(t, "-addr", "127.0.0.1:0")
	resp, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatalf("GET %s/: %v; the program printed: %q; stderr: %q", p.url, err, p.stdout, p.stderr)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "Hello, World!" {
		t.Errorf("GET %s/ = %q, %v, want %q", p.url, body, err, "Hello, World!")
	}
	// The request is printed, starting with its request line.
	if line, want := p.readLine(t, "the printed request line"), "GET / HTTP/1.1\r\n"; line != want {
		t.Errorf("printed %q, want %q", line, want)
	}
}

// programCommand is this part's main with args, to run in a child process
// started in an empty folder: the program must not depend on where it starts.
func programCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), runMainEnv+"=1", exitWithTestEnv+"=1", "GORACE=atexit_sleep_ms=0") // no exit delay under -race
	// The child's stdin is a pipe whose other end only this process holds
	// (see TestMain). It is closed when the test ends, or by the system if
	// this process dies first.
	stdin, keep, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = stdin
	t.Cleanup(func() {
		keep.Close()
		stdin.Close()
	})
	return cmd
}

// runProgram runs main with args to its end, for at most waitTimeout, and
// returns its exit code and stderr.
func runProgram(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := programCommand(t, args...)
	stderr := new(syncBuffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(waitTimeout):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("%q: still running after %v, want it to exit; stderr: %q", args, waitTimeout, stderr)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func TestProgramErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	tests := []struct {
		name     string
		args     []string
		wantCode int
		stderr   []string // each must appear
	}{
		{"port in use", []string{"-addr", busy.Addr().String()}, 1, []string{busy.Addr().String()}},
		{"unknown flag", []string{"-nope"}, 2, []string{"flag provided but not defined: -nope", "-addr"}},
		{"help", []string{"-h"}, 0, []string{"-addr host:port", `(default "localhost:8888")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runProgram(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr = %q, want it to contain %q", stderr, want)
				}
			}
			if tt.wantCode == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line", stderr)
			}
		})
	}
}
