//go:build exercises

package exercises

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkOptions is exercise 4.1: OPTIONS / answers 204 (or 200 with
// Content-Length: 0) with the methods / allows, OPTIONS on another path is
// still 404, and the 405 on / lists OPTIONS too.
func checkOptions(t *testing.T, tg target) {
	p := start(t, tg)
	t.Run("OPTIONS /", func(t *testing.T) {
		c := p.dial(t)
		c.send("OPTIONS / HTTP/1.1\r\nHost: localhost\r\n\r\n", get("/", "Connection: close"))
		// 204 No Content, or 200 with Content-Length: 0 (RFC 9110 §9.3.7:
		// a 200 without content MUST say so with Content-Length: 0).
		r := c.expectResponse("OPTIONS")
		cl, hasLength := r.get("Content-Length")
		switch {
		case r.code == 204 && hasLength:
			c.fail(report{what: "no Content-Length in a 204 (RFC 9110 §8.6: a server MUST NOT send one)",
				expected: "", got: "Content-Length: " + cl})
		case r.code == 200 && !hasLength:
			c.fail(report{what: "a Content-Length in a 200 to OPTIONS (RFC 9110 §9.3.7: Content-Length: 0 if there is no content)",
				expected: "Content-Length: 0", got: "", gotNote: "no Content-Length field"})
		case r.code != 204 && r.code != 200:
			c.fail(report{what: "the status line: 204 No Content (or 200 with Content-Length: 0)", expected: "HTTP/1.1 204 ", prefix: true, got: r.statusLine})
		}
		c.expectFraming(r)
		c.expectAllow(r, "GET", "HEAD", "OPTIONS")
		// Content after the 204 would be read here as the next status line.
		c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectClosed()
	})
	rows := []row{
		{"DELETE /", []any{"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 "},
		{"POST /", []any{"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 "},
		{"OPTIONS /nope", []any{"OPTIONS /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 404 "},
		{"OPTIONS * is still about the server", []any{"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 204 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		if resp.code == 405 {
			c.expectAllow(resp, "GET", "HEAD", "OPTIONS")
		}
	})
	t.Run("net/http OPTIONS /", func(t *testing.T) {
		resp, body := httpDo(t, p, "OPTIONS", "/")
		if resp.StatusCode != 204 && resp.StatusCode != 200 || !hasTokens(resp.Header.Get("Allow"), "GET", "HEAD", "OPTIONS") {
			httpFail(t, p, "OPTIONS", "/", "204 No Content with Allow: GET, HEAD, OPTIONS", resp, body)
		}
	})
}

// checkMaxBody is exercise 4.2: -max-body BYTES sets the limit on a
// request body, for both framings. A body of exactly the limit is echoed;
// one byte more gets 413, whose page names the limit, and a close: a
// Content-Length over the limit before a byte of the body is read (so a
// client that sent "Expect: 100-continue" gets the 413 instead of 100
// Continue), chunks as soon as they pass it. Without the flag the limit is
// 1 MiB, and -h says so.
func checkMaxBody(t *testing.T, tg target) {
	const limit = 16
	p := start(t, tg, "-max-body", strconv.Itoa(limit))
	const chunked = "Transfer-Encoding: chunked"
	const atLimit = "0123456789abcdef" // 16 bytes
	for _, tt := range []struct {
		name    string
		request []any
	}{
		{"Content-Length: 16, the limit", []any{echoRequest("Content-Length: 16", "Connection: close"), atLimit}},
		{"chunked, 16 bytes in two chunks", []any{echoRequest(chunked, "Connection: close"), "a\r\n0123456789\r\n6\r\nabcdef\r\n0\r\n\r\n"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(tt.request...)
			r := c.expectStatus("POST", "HTTP/1.1 200 ")
			c.expectFraming(r)
			c.expectBody(r, atLimit)
		})
	}
	// One byte over: 413, a page that says the limit, and a close. The
	// request after the body must never be answered.
	for _, tt := range []struct {
		name    string
		request []any
	}{
		{"Content-Length: 17", []any{echoRequest("Content-Length: 17"), atLimit + "g", get("/")}},
		{"chunked, 17 bytes", []any{echoRequest(chunked), "a\r\n0123456789\r\n7\r\nabcdefg\r\n0\r\n\r\n", get("/")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(tt.request...)
			r := c.expectStatus("POST", "HTTP/1.1 413 ")
			c.expectFraming(r)
			if !strings.Contains(string(r.body), strconv.Itoa(limit)) {
				c.fail(report{what: fmt.Sprintf("a 413 page that names the limit, %d bytes, so that the client learns what it may send", limit),
					expected: "… larger than 16 bytes …", got: string(r.body)})
			}
			c.expectField(r, "Connection", "close")
			c.expectClosed()
		})
	}
	t.Run("Expect: 100-continue, Content-Length: 17", func(t *testing.T) {
		c := p.dial(t)
		c.send(echoRequest("Content-Length: 17", "Expect: 100-continue"))
		r := c.expectResponse("POST")
		if r.code != 413 {
			c.fail(report{what: "413 at once, instead of 100 Continue: the Content-Length is over the limit, " +
				"so the body must not be asked for (RFC 9110 §10.1.1)", expected: "HTTP/1.1 413 ", prefix: true, got: r.statusLine})
		}
		c.expectClosed() // and no wait for the body the client holds back
	})
	t.Run("without -max-body, 1 MiB", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send(echoRequest("Content-Length: 1048576", "Connection: close"), repeat('y', 1<<20))
		r := c.expectStatus("POST", "HTTP/1.1 200 ")
		c.expectBody(r, strings.Repeat("y", 1<<20))
		c = p.dial(t)
		c.send(echoRequest("Content-Length: 1048577"), "only the start of it")
		c.expectStatus("POST", "HTTP/1.1 413 ")
		c.expectClosed()
	})
	t.Run("-h", func(t *testing.T) {
		expectUsage(t, tg, func(out string) bool {
			return regexp.MustCompile(`(?m)^\s*-max-body\b`).MatchString(out) && strings.Contains(out, "1048576")
		}, "the usage that -h prints to name -max-body and its default, 1048576", "an entry -max-body that names its default, 1048576")
	})
}

// checkMaxRequests is exercise 4.3: with -max-requests 3, the third
// response on a connection says "Connection: close", and the server closes
// the connection after it, whether the requests came one by one or
// pipelined. Without the flag, there is no limit.
func checkMaxRequests(t *testing.T, tg target) {
	const limit = 3
	p := start(t, tg, "-max-requests", strconv.Itoa(limit))
	// expectLimit reads the answers to the first limit requests: only the
	// last says "Connection: close", and then the connection closes.
	expectLimit := func(c *client, each func(i int)) {
		c.t.Helper()
		for i := 1; i <= limit; i++ {
			each(i)
			r := c.expectStatus("GET", "HTTP/1.1 ")
			v, _ := r.get("Connection")
			closes := strings.EqualFold(v, "close")
			switch {
			case i < limit && closes:
				c.fail(report{what: fmt.Sprintf("no \"Connection: close\" on response %d of the %d a connection may carry", i, limit),
					expected: "", got: "Connection: " + v})
			case i == limit && !closes:
				got, note := fieldLine(r, "Connection")
				c.fail(report{what: fmt.Sprintf("\"Connection: close\" on response %d, the last a connection may carry, "+
					"so that the client sends no more on it (RFC 9112 §9.6)", i),
					expected: "Connection: close", got: got, gotNote: note})
			}
		}
		c.expectClosed() // and a request sent after the third is never answered
	}
	t.Run("one at a time", func(t *testing.T) {
		c := p.dial(t)
		expectLimit(c, func(i int) {
			if i > 1 {
				c.pause()
			}
			c.send(get("/"))
		})
	})
	t.Run("pipelined", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/") + get("/nope") + get("/") + get("/"))
		expectLimit(c, func(int) {})
	})
	t.Run("without -max-requests", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send(strings.Repeat(get("/"), 19) + get("/", "Connection: close"))
		for i := 1; i <= 20; i++ {
			r := c.expectStatus("GET", "HTTP/1.1 200 ")
			if v, _ := r.get("Connection"); i < 20 && strings.EqualFold(v, "close") {
				c.fail(report{what: fmt.Sprintf("no \"Connection: close\" on response %d: without -max-requests there is no limit", i),
					expected: "", got: "Connection: " + v})
			}
		}
		c.expectClosed()
	})
}

// streamLines is how many lines GET /stream answers with.
const streamLines = 10000

// streamBody is the body of GET /stream: the numbers from 1 to streamLines,
// one a line.
func streamBody() string {
	var b strings.Builder
	for i := 1; i <= streamLines; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

// checkChunkedResponses is exercise 4.4: GET /stream, a body of unknown
// length larger than the writer keeps, goes to an HTTP/1.1 client in chunks,
// and to an HTTP/1.0 client whole or until the close; HEAD gets no body, and
// a small body keeps its Content-Length.
//
// That the chunks leave while the handler is still writing is not checked:
// from outside, a server that buffers the whole body and then sends it in
// chunks looks the same. -trace shows it (the chapter says how).
func checkChunkedResponses(t *testing.T, tg target) {
	p := start(t, tg)
	want := streamBody()
	t.Run("HTTP/1.1 gets chunks", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/stream") + get("/", "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		if te, _ := r.get("Transfer-Encoding"); !strings.EqualFold(te, "chunked") {
			c.fail(report{what: "a body of unknown length sent in chunks", expected: "Transfer-Encoding: chunked", got: "Transfer-Encoding: " + te})
		}
		if cl, ok := r.get("Content-Length"); ok {
			c.fail(report{what: "no Content-Length beside Transfer-Encoding (RFC 9112 §6.1: a sender MUST NOT send both)",
				expected: "", got: "Content-Length: " + cl})
		}
		c.expectBody(r, want)
		c.expectStatus("GET", "HTTP/1.1 200 ") // the last chunk ended the body exactly
		c.expectClosed()
	})
	t.Run("chunks of at most 8 KiB", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/stream", "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectBody(r, want)
		// The first size line after the head: the writer kept at most 8 KiB
		// (and the line that took it past) before it sent them.
		raw := c.received.String()
		_, chunks, _ := strings.Cut(raw, "\r\n\r\n")
		line, _, _ := strings.Cut(chunks, "\r\n")
		hex, _, _ := strings.Cut(line, ";")
		if size, err := strconv.ParseInt(strings.TrimSpace(hex), 16, 64); err != nil || size > 8<<10+64 {
			c.fail(report{what: "a first chunk of at most 8 KiB and a line: the writer keeps no more of a body of unknown length",
				expected: "2001\r\n", prefix: true, got: line + "\r\n"})
		}
	})
	t.Run("HTTP/1.0 gets no chunks", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET /stream HTTP/1.0\r\n\r\n")
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		if te, ok := r.get("Transfer-Encoding"); ok {
			c.fail(report{what: "no Transfer-Encoding for an HTTP/1.0 client, which does not know it (RFC 9112 §6.1): " +
				"a Content-Length, or a body that ends when the server closes the connection",
				expected: "", got: "Transfer-Encoding: " + te})
		}
		c.expectFraming(r)
		c.expectBody(r, want) // framed by Content-Length, or read up to the close
		c.expectClosed()
	})
	t.Run("HEAD /stream", func(t *testing.T) {
		c := p.dial(t)
		c.send("HEAD /stream HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/", "Connection: close"))
		c.expectStatus("HEAD", "HTTP/1.1 200 ")
		c.expectStatus("GET", "HTTP/1.1 200 ") // a body after HEAD's head would be read here
		c.expectClosed()
	})
	t.Run("a small body keeps its Content-Length", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/", "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		if _, ok := r.get("Content-Length"); !ok {
			te, _ := r.get("Transfer-Encoding")
			c.fail(report{what: "Content-Length on a body that fits in the buffer: chunks only once the body outgrows it",
				expected: "Content-Length: " + strconv.Itoa(len(r.body)), got: "Transfer-Encoding: " + te})
		}
	})
	t.Run("net/http GET /stream", func(t *testing.T) {
		resp, body := httpDo(t, p, "GET", "/stream")
		if resp.StatusCode != 200 || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" || string(body) != want {
			httpFail(t, p, "GET", "/stream", fmt.Sprintf("200 OK, Transfer-Encoding: chunked, and the numbers 1 to %d", streamLines), resp, body)
		}
	})
}
