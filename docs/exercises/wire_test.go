//go:build exercises

package exercises

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
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

// A response is one HTTP response as the client parsed it.
type response struct {
	statusLine string // without its line end
	code       int
	fields     []field // in the order received
	body       []byte
}

type field struct{ name, value string }

// get returns the value of the first field named name (case-insensitively).
func (r *response) get(name string) (string, bool) {
	for _, f := range r.fields {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// errNoResponse is a read that ended before the first byte of a response.
var errNoResponse = errors.New("no response")

// readResponse reads one response to a request with the given method,
// waiting at most d for it to be complete. It frames the body as a client
// must (RFC 9112 §6.3): none for HEAD, 1xx, 204 and 304; chunked; by
// Content-Length; or up to the close.
func (c *client) readResponse(method string, d time.Duration) (*response, error) {
	c.waitWrite()
	c.conn.SetReadDeadline(time.Now().Add(d))
	c.responses++
	c.about = c.responses
	var r response
	prev, prevMethod := c.last, c.lastMethod
	c.last, c.lastMethod = &r, method
	line, err := c.readLine()
	if err != nil {
		if line == "" {
			return nil, errNoResponse
		}
		return nil, err
	}
	r.statusLine = strings.TrimRight(line, "\r\n")
	if f := strings.Fields(r.statusLine); len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/") {
		r.code, _ = strconv.Atoi(f[1])
	}
	if r.code == 0 && prev != nil && prevMethod == "HEAD" {
		c.about = c.responses - 1
		return &r, fmt.Errorf("a body after the response to HEAD, which never has one (RFC 9110 §9.3.2): "+
			"%q came where the next response's status line should begin", r.statusLine)
	}
	if r.code == 0 {
		return &r, fmt.Errorf("malformed status line %q", r.statusLine)
	}
	for {
		line, err := c.readLine()
		if err != nil {
			return &r, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return &r, fmt.Errorf("header line without a colon: %q", line)
		}
		r.fields = append(r.fields, field{name, strings.Trim(value, " \t")})
	}
	switch te, _ := r.get("Transfer-Encoding"); {
	case method == "HEAD" || r.code < 200 || r.code == 204 || r.code == 304:
		return &r, nil
	case strings.EqualFold(te, "chunked"):
		r.body, err = io.ReadAll(newChunkedReader(c.br))
		return &r, err
	}
	if cl, ok := r.get("Content-Length"); ok {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 || n > 64<<20 {
			return &r, fmt.Errorf("bad Content-Length %q", cl)
		}
		r.body = make([]byte, n)
		m, err := io.ReadFull(c.br, r.body)
		r.body = r.body[:m]
		return &r, err
	}
	r.body, err = io.ReadAll(c.br) // no framing: the body ends when the server closes
	return &r, err
}

// readLine reads one line of a response head, of at most 64 KiB.
func (c *client) readLine() (string, error) {
	var line []byte
	for {
		frag, err := c.br.ReadSlice('\n')
		line = append(line, frag...)
		switch {
		case err == bufio.ErrBufferFull && len(line) < 64<<10:
			continue
		case err == nil:
			return string(line), nil
		case err == io.EOF && len(line) > 0:
			c.readErr = io.ErrUnexpectedEOF
			return string(line), io.ErrUnexpectedEOF
		default:
			c.readErr = err
			return string(line), err
		}
	}
}

// newChunkedReader decodes a chunked body (RFC 9112 §7.1) for the client.
func newChunkedReader(br *bufio.Reader) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			size, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
			n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
			if err != nil || n < 0 {
				pw.CloseWithError(fmt.Errorf("bad chunk size line %q", line))
				return
			}
			if n == 0 {
				for { // trailer lines up to the empty line
					if line, err := br.ReadString('\n'); err != nil || strings.TrimRight(line, "\r\n") == "" {
						pw.CloseWithError(err)
						return
					}
				}
			}
			if _, err := io.CopyN(pw, br, n); err != nil {
				pw.CloseWithError(err)
				return
			}
			if crlf, err := br.ReadString('\n'); err != nil || strings.TrimRight(crlf, "\r\n") != "" {
				pw.CloseWithError(fmt.Errorf("chunk data not followed by CRLF"))
				return
			}
		}
	}()
	return pr
}

// expectResponse reads a response and fails the check if none comes, or
// only part of one, within answerTimeout.
func (c *client) expectResponse(method string) *response {
	c.t.Helper()
	return c.expectResponseWithin(method, answerTimeout)
}

func (c *client) expectResponseWithin(method string, d time.Duration) *response {
	c.t.Helper()
	c.waitWrite()
	start := c.received.Len() - c.br.Buffered() // where this response begins
	r, err := c.readResponse(method, d)
	if err != nil {
		c.fail(report{
			what:     "a complete response",
			expected: "HTTP/1.1 ",
			prefix:   true,
			got:      c.received.String()[start:],
			gotNote:  c.why(err, d),
		})
	}
	return r
}

// expectStatus reads a response and checks its status line. want is the
// whole line, "HTTP/1.1 404 Not Found", or its start, up to the code and a
// space at most: "HTTP/1.1 404 " takes any reason phrase, "HTTP/1.1 4" any
// client error.
func (c *client) expectStatus(method, want string) *response {
	c.t.Helper()
	r := c.expectResponse(method)
	prefix := len(want) <= len("HTTP/1.1 404 ")
	if prefix && !strings.HasPrefix(r.statusLine, want) || !prefix && r.statusLine != want {
		c.fail(report{what: "the status line", expected: want, prefix: prefix, got: r.statusLine})
	}
	return r
}

// expectField checks that r has the field name and that its value is want.
func (c *client) expectField(r *response, name, want string) {
	c.t.Helper()
	got, ok := r.get(name)
	if !ok {
		c.fail(report{what: "the " + name + " field", expected: name + ": " + want, got: "", gotNote: "no " + name + " field"})
	}
	if got != want {
		c.fail(report{what: "the " + name + " field", expected: name + ": " + want, got: name + ": " + got})
	}
}

// fieldLine is r's field name as a report shows it: "Name: value", or
// nothing with a note that there is no such field.
func fieldLine(r *response, name string) (got, note string) {
	v, ok := r.get(name)
	if !ok {
		return "", "no " + name + " field"
	}
	return name + ": " + v, ""
}

// expectFraming checks that the Content-Length field, if the response has
// one, counts the body that came with it.
func (c *client) expectFraming(r *response) {
	c.t.Helper()
	if cl, ok := r.get("Content-Length"); ok && cl != strconv.Itoa(len(r.body)) {
		c.fail(report{
			what:     "Content-Length, which must count the body's bytes",
			expected: "Content-Length: " + strconv.Itoa(len(r.body)),
			got:      "Content-Length: " + cl,
		})
	}
}

// expectBody checks that the body is exactly want.
func (c *client) expectBody(r *response, want string) {
	c.t.Helper()
	if string(r.body) != want {
		c.fail(report{what: "the body", expected: want, got: string(r.body)})
	}
}

// expectExactly reads until the server closes the connection and checks
// that it sent exactly want.
func (c *client) expectExactly(want string) {
	c.t.Helper()
	c.waitWrite()
	c.about = 0
	c.conn.SetReadDeadline(time.Now().Add(answerTimeout))
	start := c.received.Len() - c.br.Buffered()
	_, err := io.Copy(io.Discard, c.br)
	got := c.received.String()[start:]
	note := ""
	if errors.Is(err, os.ErrDeadlineExceeded) {
		note = fmt.Sprintf("and the connection was still open %v later", answerTimeout)
	} else if err != nil && !isReset(err) {
		note = errText(err)
	}
	if got != want || note != "" {
		c.fail(report{what: "this response, byte for byte, and then the end of the connection", expected: want, got: got, gotNote: note})
	}
}

// expectClosed checks that the server closes the connection, sending
// nothing more, within answerTimeout.
func (c *client) expectClosed() {
	c.t.Helper()
	c.waitWrite()
	c.about = 0
	c.conn.SetReadDeadline(time.Now().Add(answerTimeout))
	before := c.received.Len()
	_, err := io.Copy(io.Discard, c.br)
	switch {
	case c.received.Len() > before:
		c.about = c.responses + 1 // bytes of one more response
		c.fail(report{
			what:     "the server to close the connection, with nothing more sent",
			expected: "",
			got:      c.received.String()[before:],
		})
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.fail(report{
			what:     "the server to close the connection",
			expected: "",
			got:      "",
			gotNote:  fmt.Sprintf("the connection was still open %v later", answerTimeout),
		})
	}
	// io.EOF, or a reset after the last byte: the connection is closed.
}

// expectSilence checks that the server sends nothing for silenceWindow,
// and records the pause in the transcript.
func (c *client) expectSilence(why string) {
	c.t.Helper()
	c.waitWrite()
	c.about = 0
	c.pause()
	c.conn.SetReadDeadline(time.Now().Add(silenceWindow))
	before := c.received.Len()
	_, err := c.br.Peek(1)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return
	}
	got := c.received.String()[before:]
	r := report{what: why, expected: "", expectedNote: "nothing yet, on a connection that stays open", got: got}
	if got == "" {
		// Nothing came, but the connection closed: that is the failure,
		// and the report must not read "nothing / nothing".
		r.gotNote = "the server closed the connection: " + errText(err)
	}
	c.fail(r)
}

// why says in words why a read ended without what was expected.
func (c *client) why(err error, d time.Duration) string {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("nothing more came within %v", d)
	case errors.Is(err, errNoResponse) && errors.Is(c.readErr, os.ErrDeadlineExceeded):
		return fmt.Sprintf("nothing came within %v", d)
	case errors.Is(err, errNoResponse), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection: " + errText(c.readErr)
	}
	return err.Error()
}

func errText(err error) string {
	switch {
	case err == nil, errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "end of stream (FIN)"
	case isReset(err):
		return "connection reset (RST)"
	}
	return err.Error()
}

// isReset reports whether err is a connection reset by the server.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(op.Err.Error(), "reset")
}

// fail ends the check with a report on this client's exchange.
func (c *client) fail(r report) {
	c.t.Helper()
	r.sent = c.command()
	r.run = c.p.runLine()
	r.note = c.note
	if r.received == nil {
		r.received = c.received.Bytes()
	}
	if c.about > 0 && c.responses > 1 && r.which == "" {
		r.which = ordinal(c.about)
	}
	// A field the response does not have at all, reported as "Name: ".
	if m := bareField.FindStringSubmatch(r.got); m != nil && r.gotNote == "" && c.last != nil {
		if _, ok := c.last.get(m[1]); !ok {
			r.got, r.gotNote = "", "no "+m[1]+" field"
		}
	}
	failCheck(c.t, r)
}

// bareField matches a field line without a value: "Date: ".
var bareField = regexp.MustCompile(`^([A-Za-z0-9-]+): ?$`)

// ordinal names response n of a connection: "the second response" for 2.
func ordinal(n int) string {
	words := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if n >= 1 && n <= len(words) {
		return "the " + words[n-1] + " response"
	}
	return fmt.Sprintf("response number %d", n)
}

// failed holds the exercises and checkpoints ("TestPart4/4.2") that have
// printed a report in full: the failures after the first print one line each,
// so that the first stays on screen with the To-do after it.
var failed sync.Map

// failCheck ends the test t with the report r: in full for the first failure
// of its exercise or checkpoint, one line for the others.
func failCheck(t *testing.T, r report) {
	t.Helper()
	parts := strings.SplitN(t.Name(), "/", 3)
	key := strings.Join(parts[:min(2, len(parts))], "/")
	if _, seen := failed.LoadOrStore(key, true); seen && len(parts) == 3 {
		t.Fatal(r.short())
	}
	t.Fatal(r.String())
}

// command is the client's transcript as a shell command that sends the same
// bytes to a server on localhost:8888, with a sleep where the client paused.
func (c *client) command() string { return ncCommand(c.sent) }

func ncCommand(steps []step) string {
	var cmds []string
	var text strings.Builder // literal bytes not yet written out as a printf
	flush := func() {
		if text.Len() > 0 {
			cmds = append(cmds, "printf "+printfQuote(text.String()))
			text.Reset()
		}
	}
	for _, s := range steps {
		if s.pause {
			flush()
			cmds = append(cmds, "sleep 1")
			continue
		}
		for _, p := range s.data {
			if p.n == 0 {
				text.WriteString(p.text)
				continue
			}
			flush()
			cmds = append(cmds, fmt.Sprintf("head -c %d /dev/zero | tr '\\0' %s", p.n, printfQuote(string(p.rep))))
		}
	}
	flush()
	// A trailing pause adds nothing: nc waits for the server anyway.
	for len(cmds) > 0 && cmds[len(cmds)-1] == "sleep 1" {
		cmds = cmds[:len(cmds)-1]
	}
	// nc -N ends the connection when its input ends, so that the command
	// ends by itself, also against a server that would keep the connection
	// open for the next request forever (docs/tools.md, "Netcat").
	if len(cmds) == 1 {
		return cmds[0] + " | nc -N localhost 8888"
	}
	return "{ " + strings.Join(cmds, "; ") + "; } | nc -N localhost 8888"
}

// printfQuote quotes s for the shell as a printf format that prints s:
// single quotes, with CR, LF and tab as \r, \n and \t, other control and
// non-ASCII bytes in octal, and printf's own % and \ escaped.
func printfQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '%':
			b.WriteString(`%%`)
		case c == '\'':
			b.WriteString(`'\''`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// A report is what a learner sees when a check fails: what the check sent,
// as a command to paste; what it expected; what came back; and the first
// byte where the two part.
type report struct {
	what     string // what was checked: "the status line"
	which    string // the response it is about, where there were several: "the second response"
	sent     string // the command that sends the same request
	run      string // how to start the server for that command
	note     string // how to see it, where no single command can
	expected string // the bytes expected ("" for none)
	prefix   bool   // got must start with expected, not equal it
	got      string // the bytes that came instead
	gotNote  string // why got ends where it does: "nothing came within 5s"
	received []byte // everything the server sent on this connection
	// expectedNote says in words what was expected where expected is ""
	// and "nothing" would not say enough: "nothing yet, on a connection
	// that stays open".
	expectedNote string
	// extra is more to show after the rest: the lines the program printed,
	// say, for a failure that is not about one client's exchange.
	extra string
}

func (r report) String() string {
	var b strings.Builder
	if r.which != "" {
		fmt.Fprintf(&b, "expected %s, in %s on this connection\n", r.what, r.which)
	} else {
		fmt.Fprintf(&b, "expected %s\n", r.what)
	}
	if r.sent != "" {
		fmt.Fprintf(&b, "  sent:      %s\n", r.sent)
	}
	if r.run != "" {
		fmt.Fprintf(&b, "             (with your server running: %s)\n", r.run)
	}
	if r.note != "" {
		fmt.Fprintf(&b, "  try it:    %s\n", strings.ReplaceAll(r.note, "\n", "\n             "))
	}
	diff, differ := firstDiff(r.expected, r.got, r.prefix)
	expected, got := r.expectedAndGot(diff)
	fmt.Fprintf(&b, "  expected:  %s\n", expected)
	fmt.Fprintf(&b, "  got:       %s\n", got)
	if differ {
		fmt.Fprintf(&b, "  first difference at byte %d: expected %s, got %s\n", diff, describeByte(r.expected, diff), describeByte(r.got, diff))
	}
	if len(r.received) > 0 && string(r.received) != r.got {
		fmt.Fprintf(&b, "  received (%d bytes):\n%s", len(r.received), showBytes(r.received, "             "))
	}
	if r.extra != "" {
		b.WriteString(indentText(r.extra, 30) + "\n")
	}
	return b.String()
}

// expectedAndGot are the report's expected and got, as shown.
func (r report) expectedAndGot(diff int) (expected, got string) {
	expected = quoteShort(r.expected, diff)
	switch {
	case r.expected == "" && r.expectedNote != "":
		expected = r.expectedNote
	case r.expected == "":
		expected = "nothing"
	case r.prefix:
		expected = "a line that starts with " + expected
	}
	got = quoteShort(r.got, diff)
	switch {
	case r.got == "" && r.gotNote != "" && r.expected == "":
		got = r.gotNote // not "nothing (…)", which would read like the expected nothing
	case r.got == "":
		got = "nothing"
		if r.gotNote != "" {
			got += " (" + r.gotNote + ")"
		}
	case r.gotNote != "":
		got += " (" + r.gotNote + ")"
	}
	return expected, got
}

// short is the report in one line, for the failures of a check after its
// first, which is shown in full.
func (r report) short() string {
	diff, _ := firstDiff(r.expected, r.got, r.prefix)
	expected, got := r.expectedAndGot(diff)
	which := ""
	if r.which != "" {
		which = " (" + r.which + ")"
	}
	return fmt.Sprintf("also: expected %s%s: %s; got %s (the first failure, above, shows how to see it)", r.what, which, expected, got)
}

// firstDiff returns the offset of the first byte where got differs from
// want. With prefix, got may go on after want.
func firstDiff(want, got string, prefix bool) (int, bool) {
	n := min(len(want), len(got))
	for i := 0; i < n; i++ {
		if want[i] != got[i] {
			return i, true
		}
	}
	if len(want) == len(got) || (prefix && len(got) > len(want)) {
		return 0, false
	}
	return n, true
}

// describeByte names s[i] so that CR, LF and other invisible bytes show.
func describeByte(s string, i int) string {
	if i >= len(s) {
		return "no byte"
	}
	switch c := s[i]; {
	case c == '\r':
		return `CR '\r'`
	case c == '\n':
		return `LF '\n'`
	case c == ' ':
		return "a space ' '"
	case c < ' ' || c >= 0x7f:
		return fmt.Sprintf("byte 0x%02x", c)
	default:
		return fmt.Sprintf("%q (0x%02x)", c, c)
	}
}

// quoteShort is s as a Go string literal, shortened around offset at to
// about 200 bytes.
func quoteShort(s string, at int) string {
	const limit = 200
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	start := max(0, min(at-limit/2, len(s)-limit))
	q := strconv.Quote(s[start : start+limit])
	if start > 0 {
		q = fmt.Sprintf("(%d bytes) … %s", start, q)
	}
	if start+limit < len(s) {
		q += fmt.Sprintf(" … (%d more bytes)", len(s)-start-limit)
	}
	return q
}

// showBytes renders data line by line with CR and LF shown as ␍ and ␊, as
// the chapters do, each line after indent, at most 30 lines.
func showBytes(data []byte, indent string) string {
	var b strings.Builder
	lines := bytes.SplitAfter(data, []byte("\n"))
	for i, line := range lines {
		if len(line) == 0 {
			continue
		}
		if i == 30 {
			fmt.Fprintf(&b, "%s… (%d more lines)\n", indent, len(lines)-i)
			break
		}
		s := string(line)
		if len(s) > 120 {
			s = fmt.Sprintf("%s… (%d bytes)", s[:100], len(line))
		}
		s = strings.NewReplacer("\r", "␍", "\n", "␊").Replace(s)
		b.WriteString(indent + s + "\n")
	}
	return b.String()
}
