//go:build exercises

package exercises

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

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
// nothing more, within answerTimeout. Bytes already read into the client's
// buffer but not part of a response (a body after HEAD's answer, the rest of
// a body longer than its Content-Length) count as sent after it.
func (c *client) expectClosed() {
	c.t.Helper()
	c.waitWrite()
	c.about = 0
	c.conn.SetReadDeadline(time.Now().Add(answerTimeout))
	leftover := c.br.Buffered() > 0 // came with the last response, after its end
	before := c.received.Len() - c.br.Buffered()
	_, err := io.Copy(io.Discard, c.br)
	switch {
	case leftover && c.responses > 0:
		c.about = c.responses // bytes past the end of the last response
		c.fail(report{
			what:     "nothing after the end of this response (no body after HEAD's head, nothing past Content-Length), then the close",
			expected: "",
			got:      c.received.String()[before:],
		})
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
	before := c.received.Len() - c.br.Buffered()
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

// expectAllow checks that r has an Allow field that lists every one of
// methods (RFC 9110 §10.2.1), in any order: a 405 must have one (§15.5.6).
func (c *client) expectAllow(r *response, methods ...string) {
	c.t.Helper()
	allow, _ := r.get("Allow")
	if !hasTokens(allow, methods...) {
		want := strings.Join(methods, ", ")
		c.fail(report{what: "an Allow field that lists " + want, expected: "Allow: " + want, got: "Allow: " + allow})
	}
}
