package main

import (
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
//	#3 < GET / HTTP/1.1\r\n          what the client sent
//	#3 < Host: localhost:8888\r\n
//	#3 < \r\n
//	#3 > HTTP/1.1 200 OK\r\n         what the server wrote
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
	t.print("< ", p[:n])
	if err != nil {
		t.note("read: " + err.Error())
	}
	return n, err
}

func (t *traceConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.print("> ", p[:n])
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

// print prints p, a line per LF, each behind the connection's number and
// the direction: "<" read from the client, ">" written to it.
func (t *traceConn) print(dir string, p []byte) {
	if len(p) == 0 {
		return
	}
	shown := p[:min(len(p), traceBytes)]
	var b []byte
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
	if len(p) > traceBytes {
		b = append(b, t.id...)
		b = append(b, dir...)
		b = append(b, "... "...)
		b = strconv.AppendInt(b, int64(len(p)-traceBytes), 10)
		b = append(b, " more bytes\n"...)
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
