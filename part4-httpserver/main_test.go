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

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
	got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), string(body), err}
	want := []any{200, "text/html; charset=utf-8", helloPage, nil}
	if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("GET %s/: status, type, body, error (-want +got):\n%s", p.url, diff)
	}
	// The handler prints each request line.
	line, err := p.stdout.ReadString('\n')
	if want := "GET / HTTP/1.1\n"; line != want {
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

// TestProgramShutdown sends a signal while one client idles on a kept-alive
// connection and another's request is in flight: the idle connection is
// closed at once, the request is answered, the program exits 0 and the port
// is free again.
func TestProgramShutdown(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no SIGINT or SIGTERM to send to another process")
	}
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startProgram(t, "-addr", "127.0.0.1:0", "-delay", "500ms")
			addr := strings.TrimPrefix(p.url, "http://")

			idle := dial(t, addr)
			io.WriteString(idle, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n")
			idleBr := bufio.NewReader(idle)
			if _, err := http.ReadResponse(idleBr, nil); err != nil {
				t.Fatal(err)
			}
			busy := dial(t, addr)
			io.WriteString(busy, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
			// The handler prints the request line before its delay: once the
			// second line is printed, the request is in flight.
			for range 2 {
				if _, err := p.stdout.ReadString('\n'); err != nil {
					t.Fatalf("reading the printed requests: %v", err)
				}
			}
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if rest, err := io.ReadAll(idleBr); len(rest) != 0 || err != nil {
				t.Errorf("idle connection: %q, %v; want it closed", rest, err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(busy), nil)
			if err != nil {
				t.Fatalf("response to the request in flight: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			busy.Close() // as curl does after "Connection: close"
			if resp.StatusCode != 200 || string(body) != helloPage || !resp.Close {
				t.Errorf("request in flight got %d, close %v, %q; want the page and Connection: close", resp.StatusCode, resp.Close, body)
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
