//go:build exercises

package exercises

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

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
