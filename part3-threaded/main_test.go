package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMain lets the tests run this part's main in a child process: the test
// binary started with runMainEnv=1 is the program itself.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const runMainEnv = "TUTORIAL_RUN_MAIN"

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
		<-done
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
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // fail, don't hang, if the server never answers
	for _, p := range pieces {
		if _, err := io.WriteString(conn, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
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
	stdout *bufio.Reader // what main printed after its first line
	stderr *syncBuffer
	url    string        // from the first line
	exited chan struct{} // closed when the child has exited
}

var urlInFirstLine = regexp.MustCompile(`^Serving HTTP on (http://127\.0\.0\.1:[1-9][0-9]*) \.\.\.\n$`)

// startProgram runs main with args in a child process, checks its first line
// and returns once the listener is open. The child is killed when the test ends.
func startProgram(t *testing.T, args ...string) *program {
	t.Helper()
	cmd := programCommand(t, args...)
	pr, pw := io.Pipe()
	p := &program{cmd: cmd, stdout: bufio.NewReader(pr), stderr: new(syncBuffer)}
	cmd.Stdout, cmd.Stderr = pw, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.exited = make(chan struct{})
	go func() {
		cmd.Wait()
		pw.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		go io.Copy(io.Discard, pr) // let Wait finish copying stdout
		<-p.exited
	})
	first, err := p.stdout.ReadString('\n')
	m := urlInFirstLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first line = %q (%v), want %q; stderr: %s", first, err, "Serving HTTP on http://127.0.0.1:PORT ...", p.stderr)
	}
	p.url = m[1]
	return p
}

func TestProgram(t *testing.T) {
	p := startProgram(t, "-addr", "127.0.0.1:0")
	resp, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "Hello, World!" {
		t.Errorf("GET %s/ = %q, %v, want %q", p.url, body, err, "Hello, World!")
	}
	// The request is printed, starting with its request line.
	line, err := p.stdout.ReadString('\n')
	if want := "GET / HTTP/1.1\r\n"; line != want {
		t.Errorf("printed %q, %v, want %q", line, err, want)
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
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "GORACE=atexit_sleep_ms=0") // no exit delay under -race
	return cmd
}

// runProgram runs main with args to its end and returns its exit code and stderr.
func runProgram(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := programCommand(t, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
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

// TestProgramShutdown sends a signal while a request is in flight: the
// request is answered, the program exits 0 and the port is free again.
func TestProgramShutdown(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no SIGINT or SIGTERM to send to another process")
	}
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startProgram(t, "-addr", "127.0.0.1:0", "-delay", "500ms")
			addr := strings.TrimPrefix(p.url, "http://")
			conn := dialAndSend(t, addr)
			// The handler prints the request head before its delay: once the
			// empty line is printed, the request is in flight.
			for {
				line, err := p.stdout.ReadString('\n')
				if err != nil {
					t.Fatalf("reading the printed request: %v", err)
				}
				if line == "\r\n" {
					break
				}
			}
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantResponse, readResponse(t, conn)); diff != "" {
				t.Errorf("response to the request in flight (-want +got):\n%s", diff)
			}
			go io.Copy(io.Discard, p.stdout)
			<-p.exited
			if code := p.cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("exit code = %d, want 0; stderr:\n%s", code, p.stderr)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatalf("port not released: %v", err)
			}
			ln.Close()
		})
	}
}
