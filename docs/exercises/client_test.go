//go:build exercises

package exercises

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// Bounds on waiting. A check never sleeps: it waits for bytes with a
// deadline, and fails when the deadline passes.
const (
	answerTimeout = 5 * time.Second        // for an answer that must come
	silenceWindow = 300 * time.Millisecond // watching for an answer that must not come (yet)
)

// A piece is a run of bytes a client sends: text, or one byte repeated n
// times, so that a 100 KiB request line stays readable in a failure message.
type piece struct {
	text string
	rep  byte
	n    int
}

// repeat is the byte c, n times.
func repeat(c byte, n int) piece { return piece{rep: c, n: n} }

func (p piece) bytes() []byte {
	if p.n > 0 {
		return bytes.Repeat([]byte{p.rep}, p.n)
	}
	return []byte(p.text)
}

// A step is one write of a client, or a pause in which the client waited
// for the server (to answer, or to show that it does not answer yet).
type step struct {
	data  []piece
	pause bool
}

// A client is one TCP connection to the program under test. It keeps a
// transcript of what it sent and a copy of what it received, so that a
// failure can show both: what was sent as a command to paste, what came back
// byte for byte.
type client struct {
	t        *testing.T
	p        *program
	conn     net.Conn
	br       *bufio.Reader
	sent     []step
	received bytes.Buffer  // every byte read from the connection
	writing  chan struct{} // closed when the write in progress is done
	readErr  error         // why the last read stopped, for messages
	// responses counts the responses begun on this connection; about is
	// the one a failure is about (0: none in particular), so that a report
	// can say "the second response"; last is the last one read, and
	// lastMethod the method it answered.
	responses, about int
	last             *response
	lastMethod       string
	// note tells how to see a failure by hand where the command alone
	// cannot show it, as when other clients are involved.
	note string
}

// dial connects a new client to the program.
func (p *program) dial(t *testing.T) *client {
	t.Helper()
	return p.dialWith(t, &net.Dialer{Timeout: answerTimeout})
}

// dialWith connects a new client to the program with d, which may say
// which local address to connect from.
func (p *program) dialWith(t *testing.T, d *net.Dialer) *client {
	t.Helper()
	conn, err := d.Dial("tcp", p.addr)
	if err != nil {
		t.Fatalf("connecting to %s (%s): %v", p.addr, p.runLine(), err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, p: p, conn: conn}
	t.Cleanup(func() { recordCommand(c) })
	c.br = bufio.NewReader(io.TeeReader(conn, &c.received))
	return c
}

// send writes pieces in one write; a string is sent as it is. A write
// larger than what the socket's buffers surely hold goes on in the
// background, so that a server that answers before reading it all (as it
// should, past a limit) cannot block the client; the next send or read waits
// for it.
func (c *client) send(data ...any) {
	c.t.Helper()
	c.waitWrite()
	var s step
	var buf []byte
	for _, d := range data {
		var p piece
		switch d := d.(type) {
		case string:
			p = piece{text: d}
		case piece:
			p = d
		default:
			panic(fmt.Sprintf("send: %T is neither a string nor a piece", d))
		}
		s.data = append(s.data, p)
		buf = append(buf, p.bytes()...)
	}
	c.sent = append(c.sent, s)
	c.conn.SetWriteDeadline(time.Now().Add(answerTimeout))
	done := make(chan struct{})
	c.writing = done
	write := func() {
		defer close(done)
		c.conn.Write(buf) // an error shows as what the server sent back, or did not
	}
	if len(buf) > 16<<10 {
		go write()
		return
	}
	write()
}

func (c *client) waitWrite() {
	if c.writing != nil {
		<-c.writing
	}
}

// pause records in the transcript that the client waited for the server
// here, so that the command to paste waits too.
func (c *client) pause() { c.sent = append(c.sent, step{pause: true}) }

// enter connects a client that sends only the request line for path, and
// returns once the server has printed that line: its handler is running,
// waiting for the rest of the head.
func enter(t *testing.T, p *program, path string) *client {
	t.Helper()
	c := p.dial(t)
	line := "GET " + path + " HTTP/1.1\r\n"
	c.send(line)
	if _, ok := p.stdout.wait(0, func(l string) bool { return l == line }, answerTimeout, p.exited); !ok {
		r := p.missingLine(fmt.Sprintf("the server to print the request line as it reads it, as the part does, within %v of its arrival", answerTimeout),
			fmt.Sprintf("the line %q", line))
		r.sent = c.command()
		p.fail(t, r)
	}
	return c
}

// isEmptyLine reports whether a line the program printed is empty: the end
// of a request head.
func isEmptyLine(line string) bool { return line == "\r\n" || line == "\n" }
