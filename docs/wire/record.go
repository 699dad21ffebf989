package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
)

// What the relay keeps for its page; the terminal sees everything.
const (
	keptConns      = 100      // the most recent connections kept
	keptBytes      = 64 << 10 // bytes kept per connection; the rest only counted
	keptEvents     = 1000     // events kept per connection; the rest only printed
	traceBodyBytes = 256      // bytes of each body printed, as -trace does
)

// An event is one thing that happened on a relayed connection: a chunk of
// bytes that one side sent (one Read by the relay), or a TCP event.
type event struct {
	Seq  int64   `json:"seq"`                // numbers every event of the relay, in order
	Conn int     `json:"conn"`               // the connection's number, #1
	At   float64 `json:"at"`                 // milliseconds since the relay started
	T    float64 `json:"t"`                  // milliseconds since the connection opened
	From string  `json:"from,omitempty"`     // "client" or "server"
	Kind string  `json:"kind"`               // open, connect, data, fin, reset, error, close
	N    int     `json:"n,omitempty"`        // bytes, for data
	Line string  `json:"line,omitempty"`     // the first line of data, made visible
	Msgs int     `json:"messages,omitempty"` // request or status lines in data, when more than one
	Text string  `json:"text,omitempty"`     // what happened, for the others
	data []byte  // the bytes kept, at most N
}

// A conn is what the recorder knows of one connection.
type conn struct {
	id      int
	start   time.Time
	events  []*event
	kept    int  // bytes kept in events
	evicted bool // no longer kept: print only
	// For the terminal, per direction: is it in a body, and how much of
	// the body has been printed.
	client, server traceStream
}

// A recorder numbers connections, prints their events and keeps the recent
// ones for the page. It is safe for concurrent use: each print is one Write
// under its lock, so lines of different connections never mix.
type recorder struct {
	out   io.Writer
	brief bool // print only the first line of each message
	start time.Time

	mu      sync.Mutex
	seq     int64
	opened  int
	conns   []*conn       // kept, oldest first, at most keptConns
	changed chan struct{} // closed, and replaced, when an event is added
}

func newRecorder(out io.Writer) *recorder {
	return &recorder{out: out, start: time.Now(), changed: make(chan struct{})}
}

// open numbers a new connection from a client and records its opening;
// the oldest kept connection is forgotten if there are too many.
func (r *recorder) open(from string) *conn {
	r.mu.Lock()
	r.opened++
	c := &conn{id: r.opened, start: time.Now(),
		client: traceStream{dir: "< "}, server: traceStream{dir: "> "}}
	if len(r.conns) == keptConns {
		r.conns[0].evicted, r.conns[0].events = true, nil
		r.conns = append(r.conns[:0], r.conns[1:]...)
	}
	r.conns = append(r.conns, c)
	r.mu.Unlock()
	r.event(c, "client", "open", "connected from "+from)
	return c
}

// event records a TCP event and prints it.
func (r *recorder) event(c *conn, from, kind, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.add(c, &event{From: from, Kind: kind, Text: text})
	fmt.Fprintf(r.out, "#%d +%.3fs -- %s\n", c.id, e.T/1000, text)
}

// data records bytes that one side sent and prints them.
func (r *recorder) data(c *conn, from string, p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := &event{From: from, Kind: "data", N: len(p), Line: firstLine(p), Msgs: messages(p)}
	if !c.evicted {
		keep := min(len(p), keptBytes-c.kept)
		e.data = bytes.Clone(p[:keep])
		c.kept += keep
	}
	r.add(c, e)
	s := &c.client
	if from == "server" {
		s = &c.server
	}
	b := fmt.Appendf(nil, "#%d +%.3fs -- %s sent %d bytes\n", c.id, e.T/1000, from, len(p))
	id := "#" + strconv.Itoa(c.id) + " "
	if r.brief {
		r.out.Write(appendFirstLines(b, id+s.dir, p))
		return
	}
	r.out.Write(s.appendTrace(b, id, p))
}

// add numbers and times e, keeps it if there is room, and wakes the pages
// that wait for events. r.mu is held.
func (r *recorder) add(c *conn, e *event) *event {
	now := time.Now()
	r.seq++
	e.Seq, e.Conn = r.seq, c.id
	e.At = float64(now.Sub(r.start).Microseconds()) / 1000
	e.T = float64(now.Sub(c.start).Microseconds()) / 1000
	if !c.evicted && len(c.events) < keptEvents {
		c.events = append(c.events, e)
	}
	close(r.changed)
	r.changed = make(chan struct{})
	return e
}

// since returns the kept events numbered after seq, in order, the number of
// the oldest connection kept, and a channel that is closed when there are
// more.
func (r *recorder) since(seq int64) (events []*event, oldest int, more <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		i := len(c.events)
		for i > 0 && c.events[i-1].Seq > seq {
			i--
		}
		events = append(events, c.events[i:]...)
	}
	slices.SortFunc(events, func(a, b *event) int { return cmp.Compare(a.Seq, b.Seq) })
	if len(r.conns) > 0 {
		oldest = r.conns[0].id
	}
	return events, oldest, r.changed
}

// bytesOf returns the kept bytes of event seq of connection id, and how
// many of its bytes were not kept.
func (r *recorder) bytesOf(id int, seq int64) (e *event, data []byte, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		if c.id != id {
			continue
		}
		for _, e := range c.events {
			if e.Seq == seq {
				return e, e.data, true
			}
		}
	}
	return nil, nil, false
}

// messages counts the lines of p that look like the first line of a
// message, when there are more than one: a pipelined batch of requests, or
// the responses to it in one write.
func messages(p []byte) int {
	n := 0
	for line := range bytes.Lines(p) {
		if startsMessage(line) {
			n++
		}
	}
	if n < 2 {
		return 0
	}
	return n
}

// firstLine returns p's first line, made visible, cut at 80 bytes.
func firstLine(p []byte) string {
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		p = p[:i+1]
	}
	var b []byte
	for i, c := range p {
		if i == 80 {
			b = append(b, "..."...)
			break
		}
		b = appendVisible(b, c)
	}
	return string(b)
}

// traceStream follows one direction of a connection, as part 4's -trace
// does, to tell heads from bodies: a head ends at an empty line, and what
// follows is body until a line that starts a message.
type traceStream struct {
	dir    string // "< " sent by the client, "> " sent by the server
	inBody bool
	shown  int // bytes of the current body printed so far
}

// appendTrace appends p to b as -trace prints it: a line per LF, each
// behind the connection's id and the direction; heads whole, of each body
// the first traceBodyBytes, and the rest only counted.
func (s *traceStream) appendTrace(b []byte, id string, p []byte) []byte {
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
			b = fmt.Appendf(b, "%s%s... %d more bytes of body\n", id, s.dir, elided)
			elided = 0
		}
		b = append(b, id...)
		b = append(b, s.dir...)
		for _, c := range line {
			b = appendVisible(b, c)
		}
		b = append(b, '\n')
		elided += cut
		if !s.inBody && (len(line) == 1 && line[0] == '\n' || string(line) == "\r\n") {
			s.inBody, s.shown = true, 0
		}
	}
	if elided > 0 {
		b = fmt.Appendf(b, "%s%s... %d more bytes of body\n", id, s.dir, elided)
	}
	return b
}

// appendFirstLines appends the lines of p that start a message, request
// lines and status lines, for -brief.
func appendFirstLines(b []byte, prefix string, p []byte) []byte {
	for line := range bytes.Lines(p) {
		if startsMessage(line) {
			b = append(b, prefix...)
			for _, c := range line {
				b = appendVisible(b, c)
			}
			b = append(b, '\n')
		}
	}
	return b
}

// startsMessage reports whether line looks like the first line of a
// message: a status line, or a request line.
func startsMessage(line []byte) bool {
	return bytes.HasPrefix(line, []byte("HTTP/1.")) ||
		len(line) > 0 && 'A' <= line[0] && line[0] <= 'Z' && bytes.Contains(line, []byte(" HTTP/1."))
}

// appendVisible appends c as -trace shows it: \r, \n, \\, and other bytes
// that are not printable ASCII in hex, \x00.
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
