//go:build unix

package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSpecialFiles puts a FIFO (named pipe) and a unix socket in the served
// tree. Opening a FIFO for reading waits for a writer, forever if none
// comes; so each request must get its 404 within answerTimeout, and the
// server must still shut down gracefully afterwards.
func TestSpecialFiles(t *testing.T) {
	const answerTimeout = 2 * time.Second
	root := makeSite(t)
	fifos := []string{filepath.Join(root, "fifo"), filepath.Join(root, "pipes", "index.html")}
	if err := os.Mkdir(filepath.Join(root, "pipes"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range fifos {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("fifo", filepath.Join(root, "link-to-fifo")); err != nil {
		t.Fatal(err)
	}
	sock, err := net.Listen("unix", filepath.Join(root, "socket"))
	if err != nil {
		t.Fatalf("a unix socket in the served tree: %v", err)
	}
	defer sock.Close()

	files, err := openSite(root)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &TCPServer{Handler: files}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(ln)
	}()

	for _, tt := range []struct{ method, target string }{
		{"GET", "/fifo"},
		{"HEAD", "/fifo"},
		{"GET", "/fifo/"},
		{"GET", "/link-to-fifo"}, // a link inside the root, to the FIFO
		{"GET", "/pipes/"},       // a folder whose index.html is a FIFO
		{"GET", "/pipes/index.html"},
		{"GET", "/socket"},
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(answerTimeout))
		io.WriteString(conn, tt.method+" "+tt.target+" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: tt.method})
		conn.Close()
		var netErr net.Error
		switch {
		case errors.As(err, &netErr) && netErr.Timeout():
			t.Errorf("%s %s: no answer within %v: the server is blocked opening a FIFO", tt.method, tt.target, answerTimeout)
		case err != nil:
			t.Errorf("%s %s: %v", tt.method, tt.target, err)
		case resp.StatusCode != 404:
			t.Errorf("%s %s = %d, want 404", tt.method, tt.target, resp.StatusCode)
		}
	}

	srv.Shutdown()
	select {
	case <-served:
		return
	case <-time.After(answerTimeout):
		t.Errorf("Shutdown: Serve has not returned after %v: a connection is stuck opening a FIFO", answerTimeout)
	}
	// Be the writer that the stuck opens wait for, so that they return and
	// the test ends. The writers stay open until Serve returns: a reader that
	// woke up to find no writer left would go back to waiting on some systems.
	for _, p := range fifos {
		if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer w.Close()
		}
	}
	<-served
}
