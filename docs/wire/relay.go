package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	dialTimeout = 5 * time.Second // to connect to the server
	copyBytes   = 16 << 10        // the buffer of each direction; the most one arrow carries
)

// Relay passes the bytes of every connection it accepts to a new connection
// to the server at To, and back, and records them.
type Relay struct {
	To  string
	rec *recorder
}

// Serve accepts connections on l and relays each one in goroutines of its
// own, until l is closed.
func (r *Relay) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors, say: wait a little and go on.
			fmt.Fprintln(os.Stderr, "accept:", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		// Numbered here, in the order of accepting.
		rc := r.rec.open(c.RemoteAddr().String())
		go r.relay(c.(*net.TCPConn), rc)
	}
}

// A link is one relayed connection: the client's socket and ours to the
// server.
type link struct {
	rec     *recorder
	rc      *conn
	client  *net.TCPConn
	server  *net.TCPConn
	aborted atomic.Bool // one side reset: both sockets are closed
}

// relay connects to the server for client, copies both directions until
// each has ended, and closes both sockets.
func (r *Relay) relay(client *net.TCPConn, rc *conn) {
	c, err := net.DialTimeout("tcp", r.To, dialTimeout)
	if err != nil {
		// The client learns it the way it would without the relay: a reset.
		r.rec.event(rc, "", "error", "cannot connect to "+r.To+": "+err.Error())
		client.SetLinger(0)
		client.Close()
		r.rec.event(rc, "", "close", "closed")
		return
	}
	l := &link{rec: r.rec, rc: rc, client: client, server: c.(*net.TCPConn)}
	r.rec.event(rc, "server", "connect", "connected to "+c.RemoteAddr().String())

	done := make(chan struct{})
	go func() {
		l.pipe(l.client, l.server, "client")
		close(done)
	}()
	l.pipe(l.server, l.client, "server")
	<-done
	l.client.Close()
	l.server.Close()
	r.rec.event(rc, "", "close", "closed")
}

// pipe copies what from sends to to. side names from: "client" or "server".
//
// When from sends FIN, io.CopyBuffer returns nil, and pipe passes the FIN
// on with CloseWrite: to reads EOF, and can still send. The other direction
// goes on in its own goroutine. When from resets the connection, or to
// refuses what we write, the link is reset on both sides.
func (l *link) pipe(from, to *net.TCPConn, side string) {
	src := &recordingReader{r: from, l: l, side: side}
	buf := make([]byte, copyBytes)
	// Neither argument is a *net.TCPConn, so io.CopyBuffer copies through
	// buf, a Read then a Write each time, and every Read is recorded. (With
	// two *net.TCPConn, io.Copy would let the kernel move the bytes, unseen.)
	_, err := io.CopyBuffer(struct{ io.Writer }{to}, src, buf)
	switch {
	case err == nil:
		l.rec.event(l.rc, side, "fin", side+" FIN: the "+side+" sends no more")
		to.CloseWrite()
	case src.err != nil:
		l.abort(side, src.err) // from failed: it reset the connection
	default:
		l.abort(other(side), err) // to failed
	}
}

// abort resets both sockets, once, after who reset the connection (or
// failed otherwise): the other side gets a reset too, as it would without
// the relay. SetLinger(0) makes Close send RST instead of FIN.
func (l *link) abort(who string, err error) {
	if !l.aborted.CompareAndSwap(false, true) {
		return // the other direction got there first, or saw our own Close
	}
	what := who + " reset the connection"
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		what = who + " failed: " + err.Error()
	}
	l.rec.event(l.rc, who, "reset", what+"; passing a reset on to the "+other(who))
	l.client.SetLinger(0)
	l.server.SetLinger(0)
	l.client.Close()
	l.server.Close()
}

func other(side string) string {
	if side == "client" {
		return "server"
	}
	return "client"
}

// A recordingReader records every Read from one side of a link before the
// bytes move on, and remembers its error, to tell a failed Read (the sender
// reset) from a failed Write (the receiver reset).
type recordingReader struct {
	r    io.Reader
	l    *link
	side string
	err  error
}

func (rr *recordingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if n > 0 {
		rr.l.rec.data(rr.l.rc, rr.side, p[:n])
	}
	if err != nil && err != io.EOF {
		rr.err = err
	}
	return n, err
}
