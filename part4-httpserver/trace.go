package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
)

// traceBytes is how much of one read or write -trace prints; the rest, a
// long body most often, is only counted.
const traceBytes = 512

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
// ASCII in hex, \x00.
type traceConn struct {
	net.Conn
	id     string    // "#3 "
	out    io.Writer // shared by every connection: each print is one Write
	closed sync.Once // a connection may be closed twice, but is traced closed once
}

// trace wraps rwc so that it prints to s.Trace, and numbers it.
func (s *TCPServer) trace(rwc net.Conn) net.Conn {
	s.mu.Lock()
	s.traced++
	t := &traceConn{Conn: rwc, id: "#" + strconv.Itoa(s.traced) + " ", out: s.Trace}
	s.mu.Unlock()
	t.note("connected from " + rwc.RemoteAddr().String())
	return t
}

func (t *traceConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.print("read", "< ", p[:n])
	if err != nil {
		t.note("read: " + err.Error())
	}
	return n, err
}

func (t *traceConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.print("wrote", "> ", p[:n])
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

// print prints what one Read or Write moved: how many bytes, then p, a line
// per LF, each behind the connection's number and the direction, "<" read
// from the client or ">" written to it. Past traceBytes, it stops at the
// end of a line and counts the rest.
func (t *traceConn) print(verb, dir string, p []byte) {
	if len(p) == 0 {
		return
	}
	shown := p
	if len(p) > traceBytes {
		shown = p[:bytes.LastIndexByte(p[:traceBytes], '\n')+1]
		if len(shown) == 0 {
			shown = p[:traceBytes]
		}
	}
	more := len(p) - len(shown)
	b := fmt.Appendf(nil, "%s-- %s %d bytes\n", t.id, verb, len(p))
	for len(shown) > 0 {
		b = append(b, t.id...)
		b = append(b, dir...)
		for len(shown) > 0 {
			c := shown[0]
			shown = shown[1:]
			b = appendVisible(b, c)
			if c == '\n' {
				break
			}
		}
		b = append(b, '\n')
	}
	if more > 0 {
		b = fmt.Appendf(b, "%s%s... %d more bytes\n", t.id, dir, more)
	}
	t.out.Write(b)
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
