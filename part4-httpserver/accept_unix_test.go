//go:build linux || darwin

package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOutOfFileDescriptors runs the program with few file descriptors
// (ulimit -n 32), opens more idle connections than it can accept, and shows
// that it logs the failed Accept, closes idle connections to make room and
// carries on: the next client is served while the others are still open.
// One client must not be able to make it exit, or lock others out.
func TestOutOfFileDescriptors(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", `ulimit -n 32 && exec "$0" "$@"`, exe, "-addr", "127.0.0.1:0")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "GORACE=atexit_sleep_ms=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &notifyBuffer{want: "accept: ", found: make(chan struct{})}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})

	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		first <- line
		io.Copy(io.Discard, stdout)
	}()
	var addr string
	select {
	case line := <-first:
		m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q names no address", line)
		}
		addr = m[1]
	case <-time.After(10 * time.Second):
		t.Fatal("no first line within 10 s")
	}

	// 40 connections: more than the 32 descriptors, less what the runtime
	// and the listener hold.
	var conns []net.Conn
	for range 40 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	select {
	case <-stderr.found:
	case err := <-exited:
		t.Fatalf("the program exited (%v) when it ran out of descriptors; stderr:\n%s", err, stderr)
	case <-time.After(10 * time.Second):
		t.Fatalf("no failed Accept logged within 10 s; stderr:\n%s", stderr)
	}
	defer func() {
		for _, conn := range conns {
			conn.Close()
		}
	}()

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("with 40 idle clients: %v; stderr:\n%s", err, stderr)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	got, err := io.ReadAll(conn)
	if !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
		t.Errorf("with 40 idle clients, GET / = %.40q, %v; want 200; stderr:\n%s", got, err, stderr)
	}
}

// notifyBuffer is a syncBuffer that closes found once it holds want.
type notifyBuffer struct {
	syncBuffer
	want  string
	found chan struct{}
	done  bool
}

func (b *notifyBuffer) Write(p []byte) (int, error) {
	n, err := b.syncBuffer.Write(p)
	if !b.done && strings.Contains(b.String(), b.want) {
		b.done = true
		close(b.found)
	}
	return n, err
}
