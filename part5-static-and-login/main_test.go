package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
	return startCommand(t, programCommand(t, args...))
}

// startCommand is startProgram for a command already made by programCommand.
func startCommand(t *testing.T, cmd *exec.Cmd) *program {
	t.Helper()
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

// waitExit waits at most waitTimeout for the program to exit and returns its
// exit code; why says what should have ended it.
func (p *program) waitExit(t *testing.T, why string) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(waitTimeout):
		t.Fatalf("waiting for the program to exit %s: still running after %v; stdout: %q; stderr: %q", why, waitTimeout, p.stdout, p.stderr)
		return 0
	}
}

func TestProgram(t *testing.T) {
	p := startProgram(t, "-addr", "127.0.0.1:0")
	// The second line gives the demo credentials.
	if line, want := p.readLine(t, "the second line, with the demo credentials"), "Log in as \"demo\" with password \"gopher\" (demo credentials: set -user and -password)\n"; line != want {
		t.Errorf("second line = %q, want %q", line, want)
	}
	resp, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatalf("GET %s/: %v; the program printed: %q; stderr: %q", p.url, err, p.stdout, p.stderr)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), strings.Contains(string(body), `<form id="login"`), err}
	want := []any{200, "text/html; charset=utf-8", true, nil}
	if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("GET %s/: status, type, login form, error (-want +got):\n%s", p.url, diff)
	}
	// Each request is logged in the Common Log Format.
	if line := p.readLine(t, "the access log line for GET /"); !commonLogLine.MatchString(line) || !strings.Contains(line, `"GET / HTTP/1.1" 200 `) {
		t.Errorf("logged %q; want a Common Log Format line for GET /", line)
	}
}

var commonLogLine = regexp.MustCompile(`^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "[^"]*" \d{3} (\d+|-)\n$`)

// TestProgramRoot serves a folder given with -root, by an absolute path and
// by a path relative to where the program starts.
func TestProgramRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from -root"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{dir, "."} {
		t.Run(root, func(t *testing.T) {
			cmd := programCommand(t, "-addr", "127.0.0.1:0", "-root", root)
			cmd.Dir = dir
			p := startCommand(t, cmd)
			resp, err := http.Get(p.url + "/hello.txt")
			if err != nil {
				t.Fatalf("GET %s/hello.txt: %v; stderr: %q", p.url, err, p.stderr)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), string(body), err}
			want := []any{200, "text/plain; charset=utf-8", "hello from -root", nil}
			if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("GET /hello.txt with -root %s: status, type, body, error (-want +got):\n%s", root, diff)
			}
		})
	}
}

func TestProgramCustomCredentials(t *testing.T) {
	p := startProgram(t, "-addr", "127.0.0.1:0", "-user", "ada", "-password", "s3cret")
	resp, err := http.Post(p.url+"/api/login", "application/json", strings.NewReader(`{"username":"ada","password":"s3cret"}`))
	if err != nil {
		t.Fatalf("POST %s/api/login: %v; stderr: %q", p.url, err, p.stderr)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("login with -user and -password: %d, want 200", resp.StatusCode)
	}
	// Not the demo line, and the password is never printed.
	if line := p.readLine(t, "the access log line for the login"); strings.Contains(line, "s3cret") || strings.Contains(line, "Log in as") {
		t.Errorf("printed %q", line)
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
		{"help", []string{"-h"}, 0, []string{"-addr host:port", `(default "localhost:8888")`, "-root directory", "-user name", `(default "demo")`, "-password secret"}},
		{"no such root", []string{"-root", filepath.Join(t.TempDir(), "nope")}, 1, []string{"-root: ", "nope"}},
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

// TestProgramShutdown sends a signal while a client idles on a kept-alive
// connection: the connection is closed at once, the program exits 0 and the
// port is free again. (TestShutdown covers a request in flight.)
func TestProgramShutdown(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no SIGINT or SIGTERM to send to another process")
	}
	for _, tt := range []struct {
		name string
		sig  os.Signal
	}{{"SIGINT", syscall.SIGINT}, {"SIGTERM", syscall.SIGTERM}} {
		t.Run(tt.name, func(t *testing.T) {
			p := startProgram(t, "-addr", "127.0.0.1:0")
			addr := strings.TrimPrefix(p.url, "http://")
			idle := dial(t, addr)
			idle.SetDeadline(time.Now().Add(waitTimeout))
			io.WriteString(idle, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n")
			idleBr := bufio.NewReader(idle)
			if _, err := http.ReadResponse(idleBr, nil); err != nil {
				t.Fatalf("response to HEAD on the connection to keep idle: %v; stderr: %q", err, p.stderr)
			}
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			if rest, err := io.ReadAll(idleBr); len(rest) != 0 || err != nil {
				t.Errorf("idle connection: %q, %v; want it closed", rest, err)
			}
			if code := p.waitExit(t, "after "+tt.name); code != 0 {
				t.Errorf("exit: %v, want exit status 0; stderr:\n%s", p.cmd.ProcessState, p.stderr)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatalf("port not released: %v", err)
			}
			ln.Close()
		})
	}
}
