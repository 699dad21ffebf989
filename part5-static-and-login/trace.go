package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
)

// traceBodyBytes is how much of each message body -trace prints; the
// rest is only counted.
const traceBodyBytes = 256

// traceConn is a net.Conn that prints every byte it reads and writes. It
// embeds the net.Conn it wraps, so it has all of its methods, and overrides
// the few it watches: the server takes it for any other net.Conn. That is
// the whole trick of -trace. For connection 3:
//
//	#3 -- read 41 bytes               one Read: what the client sent
//	#3 < GET / HTTP/1.1\r\n
//	#3 < Host: localhost:8888\r\n
//	#3 < \r\n
//	#3 -- wrote 364 bytes             one Write: what the server sent
//	#3 > HTTP/1.1 200 OK\r\n
//
// CR and LF are shown as \r and \n, other bytes that are not printable
// ASCII in hex, \x00. Of a long body, only the start is shown.
type traceConn struct {
	net.Conn
	id     string      // "#3 "
	out    io.Writer   // shared by every connection: each print is one Write, whole
	closed sync.Once   // a connection may be closed twice, but is traced closed once
	reads  traceStream // what the client sent
	writes traceStream // what the server sent
}

// trace wraps rwc so that it prints to s.Trace, and numbers it.
func (s *TCPServer) trace(rwc net.Conn) net.Conn {
	s.mu.Lock()
	s.traced++
	t := &traceConn{Conn: rwc, id: "#" + strconv.Itoa(s.traced) + " ", out: s.traceOut,
		reads: traceStream{dir: "< "}, writes: traceStream{dir: "> "}}
	s.mu.Unlock()
	t.note("connected from " + rwc.RemoteAddr().String())
	return t
}

func (t *traceConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.print(&t.reads, "read", p[:n])
	if err != nil {
		t.note("read: " + err.Error())
	}
	return n, err
}

func (t *traceConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.print(&t.writes, "wrote", p[:n])
	if err != nil {
		t.note("write: " + err.Error())
	}
	return n, err
}

// CloseWrite sends FIN, as *net.TCPConn's does: lingeringClose looks for it.
func (t *traceConn) CloseWrite() error {
	cw, ok := t.Conn.(interface{ CloseWrite() error })
	if !ok {
		return nil
	}
	t.note("closing: no more writes (FIN)")
	return cw.CloseWrite()
}

func (t *traceConn) Close() error {
	t.closed.Do(func() { t.note("closed") })
	return t.Conn.Close()
}

func (t *traceConn) note(s string) {
	t.out.Write([]byte(t.id + "-- " + s + "\n"))
}

// lockedWriter lets many goroutines write to w, one Write at a time, so
// that the prints of two connections never mix.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// traceStream follows one direction of a connection, to tell heads from
// bodies: a head ends at an empty line, and what follows is body until a
// line that starts a message, a request line or a status line.
type traceStream struct {
	dir    string // "< " read from the client, "> " written to it
	inBody bool
	shown  int // bytes of the current body printed so far
}

// print prints what one Read or Write moved: how many bytes, then p, a line
// per LF, each behind the connection's number and the direction. Heads are
// printed whole; of each body, the first traceBodyBytes, and the rest is
// only counted.
func (t *traceConn) print(s *traceStream, verb string, p []byte) {
	if len(p) == 0 {
		return
	}
	b := fmt.Appendf(nil, "%s-- %s %d bytes\n", t.id, verb, len(p))
	elided := 0
	for len(p) > 0 {
		line := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			line = p[:i+1]
		}
		p = p[len(line):]
		if s.inBody && startsMessage(line) {
			s.inBody = false
		}
		cut := 0 // bytes of this line past the body's share
		if s.inBody {
			room := traceBodyBytes - s.shown
			if room <= 0 {
				elided += len(line)
				continue
			}
			if len(line) > room {
				line, cut = line[:room], len(line)-room
			}
			s.shown += len(line)
		}
		if elided > 0 {
			b = fmt.Appendf(b, "%s%s... %d more bytes of body\n", t.id, s.dir, elided)
			elided = 0
		}
		b = append(b, t.id...)
		b = append(b, s.dir...)
		for _, c := range line {
			b = appendVisible(b, c)
		}
		b = append(b, '\n')
		elided += cut
		if !s.inBody && isEmptyLine(line) {
			s.inBody, s.shown = true, 0
		}
	}
	if elided > 0 {
		b = fmt.Appendf(b, "%s%s... %d more bytes of body\n", t.id, s.dir, elided)
	}
	t.out.Write(b)
}

// startsMessage reports whether line looks like the first line of a
// message: a status line, or a request line.
func startsMessage(line []byte) bool {
	return bytes.HasPrefix(line, []byte("HTTP/1.")) ||
		len(line) > 0 && 'A' <= line[0] && line[0] <= 'Z' && bytes.Contains(line, []byte(" HTTP/1."))
}

// appendVisible appends c as -trace shows it.
func appendVisible(b []byte, c byte) []byte {
	switch {
	case c == '\r':
		return append(b, `\r`...)
	case c == '\n':
		return append(b, `\n`...)
	case c == '\\':
		return append(b, `\\`...)
	case c == '\t' || ' ' <= c && c < 0x7f:
		return append(b, c)
	}
	const hex = "0123456789abcdef"
	return append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
}
