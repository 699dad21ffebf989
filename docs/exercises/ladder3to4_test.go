//go:build exercises

package exercises

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The ladder from part 3 to part 4 grows the Hello, World! server into an
// HTTP/1.1 server, one layer of the chapter at a time. Each check sends only
// what its layer needs, so that it passes as soon as that layer is built,
// and keeps passing as the later ones are added.

// checkRequestLine: 404 for other paths, 405 with Allow for other methods.
func checkRequestLine(t *testing.T, tg target) {
	p := start(t, tg)
	rows := []row{
		{"GET /", []any{get("/", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /?x=1", []any{get("/?x=1", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /nope", []any{get("/nope", "Connection: close")}, "HTTP/1.1 404 "},
		{"GET /index.html?x=1", []any{get("/index.html?x=1", "Connection: close")}, "HTTP/1.1 404 "},
		{"DELETE /", []any{"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 "},
		{"POST /", []any{"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		if resp.code == 405 {
			c.expectAllow(resp, "GET", "HEAD")
		}
	})
	t.Run("net/http GET /nope", func(t *testing.T) {
		resp, body := httpDo(t, p, "GET", "/nope")
		if resp.StatusCode != 404 {
			httpFail(t, p, "GET", "/nope", "the status 404", resp, body)
		}
	})
}

// checkResponseHead: the status line with its reason phrase, Date,
// Content-Type and Content-Length on every response.
func checkResponseHead(t *testing.T, tg target) {
	p := start(t, tg)
	rows := []row{
		{"GET /", []any{get("/", "Connection: close")}, "HTTP/1.1 200 OK"},
		{"GET /nope", []any{get("/nope", "Connection: close")}, "HTTP/1.1 404 Not Found"},
		{"DELETE /", []any{"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 Method Not Allowed"},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		now := time.Now().UTC()
		date, ok := resp.get("Date")
		d, err := time.Parse(http.TimeFormat, date)
		if !ok || err != nil || d.Sub(now).Abs() > 10*time.Minute {
			c.fail(report{
				what:     "a Date field with the time now, in IMF-fixdate and GMT (RFC 9110 §5.6.7)",
				expected: "Date: " + now.Format(http.TimeFormat),
				got:      "Date: " + date,
			})
		}
		if _, ok := resp.get("Content-Length"); !ok {
			c.fail(report{what: "a Content-Length field", expected: "Content-Length: " + strconv.Itoa(len(resp.body)), got: ""})
		}
		ctype, _ := resp.get("Content-Type")
		if !strings.HasPrefix(ctype, "text/html") {
			c.fail(report{what: "an HTML page", expected: "Content-Type: text/html; charset=utf-8", got: "Content-Type: " + ctype})
		}
		want := strconv.Itoa(resp.code) // an error page names its status
		if resp.code == 200 {
			want = "Hello, World!"
		}
		if !strings.Contains(string(resp.body), want) {
			c.fail(report{what: fmt.Sprintf("a body that contains %q", want), expected: want, got: string(resp.body)})
		}
	})
	t.Run("net/http GET /", func(t *testing.T) {
		resp, body := httpDo(t, p, "GET", "/")
		if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) {
			httpFail(t, p, "GET", "/", "200 OK with a Content-Length that counts the body", resp, body)
		}
	})
}

// checkHeaderFields: field lines parsed, names case-insensitive, one Host.
func checkHeaderFields(t *testing.T, tg target) {
	p := start(t, tg)
	rows := []row{
		{"lower-case host", []any{"GET / HTTP/1.1\r\nhost: localhost\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 200 "},
		{"no space after the colon, one after the value", []any{"GET / HTTP/1.1\r\nHost:localhost \r\nConnection: close\r\n\r\n"}, "HTTP/1.1 200 "},
		{"curl's fields", []any{get("/", "User-Agent: curl/8.5.0", "Accept: */*", "Connection: close")}, "HTTP/1.1 200 "},
		{"a colon in the value", []any{"GET / HTTP/1.1\r\nHost: localhost:8888\r\nReferer: http://localhost:8888/\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 200 "},
		{"HTTP/1.0 without Host", []any{"GET / HTTP/1.0\r\n\r\n"}, "HTTP/1.1 200 "},
		{"HTTP/1.1 without Host", []any{"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"}, "HTTP/1.1 400 "},
		{"two Host fields", []any{"GET / HTTP/1.1\r\nHost: localhost\r\nHost: example.com\r\n\r\n"}, "HTTP/1.1 400 "},
		{"a field line without a colon", []any{get("/", "NoColon")}, "HTTP/1.1 400 "},
		{"whitespace before the colon", []any{"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n"}, "HTTP/1.1 400 "},
	}
	checkRows(t, p, rows, nil)
}

// checkContentLength: a body framed by Content-Length; bad lengths 400.
// POST /echo reads the body and answers with it, byte for byte, and with
// its Content-Type; a body over the limit gets 413. A length over the limit
// on a route that reads no body is never read either: the server refuses it
// with 413, or answers without reading it, and closes the connection either
// way.
func checkContentLength(t *testing.T, tg target) {
	p := start(t, tg)
	post := func(target string, fields ...string) string {
		return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\n" + lines(fields) + "\r\n"
	}
	const utf8Text = "héllo, wörld" // 12 characters, 14 bytes
	echoes := []struct {
		name    string
		request []any
		body    string
		ctype   string // the Content-Type the echo must have
	}{
		{"POST /echo", []any{echoRequest("Content-Type: text/plain", "Content-Length: 5", "Connection: close"), "hello"}, "hello", "text/plain"},
		{"no Content-Type: application/octet-stream", []any{echoRequest("Content-Length: 5", "Connection: close"), "hello"}, "hello", "application/octet-stream"},
		{"a body that holds CR LF CR LF", []any{echoRequest("Content-Length: 8", "Connection: close"), "a\r\n\r\nb\r\n"}, "a\r\n\r\nb\r\n", "application/octet-stream"},
		{"Content-Length counts bytes, not characters", []any{echoRequest("Content-Type: text/plain; charset=utf-8",
			"Content-Length: "+strconv.Itoa(len(utf8Text)), "Connection: close"), utf8Text}, utf8Text, "text/plain; charset=utf-8"},
		{"no Content-Length: no body", []any{echoRequest("Connection: close")}, "", "application/octet-stream"},
		{"1 MiB, the limit", []any{echoRequest("Content-Length: 1048576", "Connection: close"), repeat('y', 1<<20)}, strings.Repeat("y", 1<<20), "application/octet-stream"},
	}
	for _, tt := range echoes {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(tt.request...)
			r := c.expectStatus("POST", "HTTP/1.1 200 ")
			c.expectFraming(r)
			c.expectBody(r, tt.body)
			c.expectField(r, "Content-Type", tt.ctype)
		})
	}
	t.Run("the body in a second write", func(t *testing.T) {
		c := p.dial(t)
		c.send(echoRequest("Content-Length: 5", "Connection: close"))
		c.expectSilence("no answer yet: the head says that 5 bytes of body follow, and none has come")
		c.send("hello")
		r := c.expectStatus("POST", "HTTP/1.1 200 ")
		c.expectBody(r, "hello")
	})
	rows := []row{
		{"GET /echo", []any{get("/echo", "Connection: close")}, "HTTP/1.1 405 "},
		{"POST / with a body", []any{post("/", "Content-Length: 5", "Connection: close"), "hello"}, "HTTP/1.1 405 "},
		{"POST /nope with a body", []any{post("/nope", "Content-Length: 5", "Connection: close"), "hello"}, "HTTP/1.1 404 "},
		{"one value repeated", []any{post("/echo", "Content-Length: 5, 5", "Connection: close"), "hello"}, "HTTP/1.1 200 "},
		{"a value between spaces and tabs", []any{post("/echo", "Content-Length: \t 5 \t", "Connection: close"), "hello"}, "HTTP/1.1 200 "},
		{"not a number", []any{post("/echo", "Content-Length: five"), "hello"}, "HTTP/1.1 400 "},
		{"negative", []any{post("/echo", "Content-Length: -5"), "hello"}, "HTTP/1.1 400 "},
		{"a plus sign", []any{post("/echo", "Content-Length: +5"), "hello"}, "HTTP/1.1 400 "},
		{"two different values", []any{post("/echo", "Content-Length: 5", "Content-Length: 6"), "hello"}, "HTTP/1.1 400 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		switch resp.code {
		case 405:
			c.expectAllow(resp, map[bool][]string{true: {"POST"}, false: {"GET", "HEAD"}}[strings.Contains(r.name, "/echo")]...)
		case 200:
			c.expectBody(resp, "hello")
		}
	})
	t.Run("POST /echo over 1 MiB", func(t *testing.T) {
		c := p.dial(t)
		c.send(post("/echo", "Content-Length: 2097152"), "only the start of it")
		c.expectStatus("POST", "HTTP/1.1 413 ")
		c.expectClosed() // and never a wait for the rest
	})
	t.Run("1 TiB, over any limit", func(t *testing.T) {
		c := p.dial(t)
		c.send(post("/", "Content-Length: 1099511627776"), "only the start of a terabyte")
		c.expectStatus("POST", "HTTP/1.1 4") // 413, or the answer to the request (405) given without the body
		c.expectClosed()                     // and never a wait for the rest
	})
}

// checkKeepAlive: HTTP/1.1 connections stay open; "Connection: close" and
// HTTP/1.0 close them, unless HTTP/1.0 asks for keep-alive.
func checkKeepAlive(t *testing.T, tg target) {
	p := start(t, tg)
	t.Run("two requests on one connection", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		if v, _ := r.get("Connection"); strings.EqualFold(v, "close") {
			c.fail(report{what: "no \"Connection: close\": an HTTP/1.1 connection stays open", expected: "", got: "Connection: " + v})
		}
		c.pause()
		c.send(get("/nope"))
		c.expectStatus("GET", "HTTP/1.1 404 ")
	})
	t.Run("Connection: close", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/", "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectField(r, "Connection", "close")
		c.expectClosed()
	})
	t.Run("HTTP/1.0", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.0\r\n\r\n")
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectField(r, "Connection", "close") // the last response before the close says so
		c.expectClosed()
	})
	t.Run("HTTP/1.0 with Connection: keep-alive", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectField(r, "Connection", "keep-alive")
		c.pause()
		c.send("GET /nope HTTP/1.0\r\n\r\n")
		r = c.expectStatus("GET", "HTTP/1.1 404 ")
		c.expectField(r, "Connection", "close")
		c.expectClosed()
	})
	t.Run("net/http reuses the connection", func(t *testing.T) {
		client := &http.Client{Timeout: answerTimeout, Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		var reused bool
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		for i, path := range []string{"/", "/nope"} {
			ctx := httptrace.WithClientTrace(context.Background(), trace)
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+p.addr+path, nil)
			resp, err := client.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body) // a body read to its end lets the connection be reused
				resp.Body.Close()
			}
			if i == 1 && !reused {
				p.fail(t, report{
					what:         "net/http's client to send its second request on the connection of the first",
					sent:         "curl -v http://localhost:8888/ http://localhost:8888/nope",
					expectedNote: `curl says "Re-using existing connection"`,
					gotNote:      "a new connection",
				})
			}
		}
	})
}

// checkPipelining: requests sent together are answered in order, and a
// body that looks like a request is still a body.
func checkPipelining(t *testing.T, tg target) {
	p := start(t, tg)
	t.Run("three requests in one write", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/") + get("/nope") + "DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
		c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectStatus("GET", "HTTP/1.1 404 ")
		c.expectStatus("DELETE", "HTTP/1.1 405 ")
		c.expectClosed()
	})
	t.Run("a body that holds a request", func(t *testing.T) {
		smuggled := get("/smuggled")
		c := p.dial(t)
		c.send(fmt.Sprintf("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n%s", len(smuggled), smuggled) +
			get("/", "Connection: close"))
		c.expectStatus("POST", "HTTP/1.1 405 ")
		c.expectStatus("GET", "HTTP/1.1 200 ") // 404 would be the answer to /smuggled
		c.expectClosed()
	})
}

// checkChunked: a chunked request body is decoded exactly: POST /echo
// answers with its data, and the request after the body is read from its
// first byte (or the server says "Connection: close" and closes). A broken
// body gets 400, one over the limit 413, and a close. On a route that reads
// no body, the server answers and then either skips the body exactly or
// closes. Chunked beside Content-Length or in HTTP/1.0, and bodies whose
// length cannot be known, are refused.
func checkChunked(t *testing.T, tg target) {
	p := start(t, tg)
	const head = "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
	echoHead := echoRequest("Transfer-Encoding: chunked")
	next := get("/", "Connection: close") // sent after each body: never to be read from the middle of it
	// thenNext checks what follows the answer to the POST.
	thenNext := func(c *client, r *response) {
		c.t.Helper()
		if v, _ := r.get("Connection"); !strings.EqualFold(v, "close") {
			c.expectStatus("GET", "HTTP/1.1 200 ") // the body was read, or skipped, exactly
		}
		c.expectClosed()
	}
	for _, tt := range []struct{ name, body, want string }{
		{"one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"},
		{"two chunks", "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", "hello, world"},
		{"sizes in hex: 10 is sixteen bytes", "10\r\n0123456789abcdef\r\nA\r\n0123456789\r\n0\r\n\r\n", "0123456789abcdef0123456789"},
		{"a chunk extension", "5;name=value\r\nhello\r\n0\r\n\r\n", "hello"},
		{"a trailer field", "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n", "hello"},
		{"chunk data that holds CR LF", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n"},
	} {
		t.Run("POST /echo, "+tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(echoHead + tt.body + next)
			r := c.expectStatus("POST", "HTTP/1.1 200 ")
			c.expectFraming(r)
			c.expectBody(r, tt.want)
			thenNext(c, r)
		})
	}
	// A body that breaks its framing, or grows past the limit: its status,
	// and a close, since the stream can no longer be trusted.
	for _, tt := range []struct {
		name   string
		body   []any
		status string
	}{
		{"a chunk size that is not hex", []any{"zz\r\nhello\r\n0\r\n\r\n"}, "HTTP/1.1 400 "},
		{"chunk data longer than its size", []any{"3\r\nhello\r\n0\r\n\r\n"}, "HTTP/1.1 400 "},
		{"over 1 MiB in chunks", []any{"80000\r\n", repeat('x', 512<<10), "\r\n80000\r\n", repeat('x', 512<<10),
			"\r\n80000\r\n", repeat('x', 512<<10), "\r\n0\r\n\r\n"}, "HTTP/1.1 413 "},
	} {
		t.Run("POST /echo, "+tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(append(append([]any{echoHead}, tt.body...), next)...)
			c.expectStatus("POST", tt.status)
			c.expectClosed()
		})
	}
	for _, tt := range []struct{ name, body string }{
		{"one chunk", "5\r\nhello\r\n0\r\n\r\n"},
		{"two chunks, an extension and a trailer", "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"},
		{"upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(head + tt.body + next)
			thenNext(c, c.expectStatus("POST", "HTTP/1.1 405 "))
		})
	}
	// A body that breaks its framing may be found out only after the answer
	// (405 here, when the handler does not read the body): the connection
	// must close all the same.
	for _, tt := range []struct {
		name string
		body []any
	}{
		{"a chunk size that is not hex", []any{"zz\r\nhello\r\n0\r\n\r\n"}},
		{"256 MiB, over any limit", []any{"10000000\r\n", repeat('x', 2<<20), "\r\n0\r\n\r\n"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(append(append([]any{head}, tt.body...), next)...)
			c.expectStatus("POST", "HTTP/1.1 4")
			c.expectClosed()
		})
	}
	rows := []row{
		{"chunked and Content-Length", []any{"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"chunked in HTTP/1.0", []any{"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"gzip, not chunked, last", []any{"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\nhello" + next}, "HTTP/1.1 400 "},
		{"gzip, then chunked", []any{"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + next}, "HTTP/1.1 501 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		c.expectClosed() // never an answer to the GET after the refused body
	})
}

// checkBadInput: malformed requests get their status, an HTML page that
// names it, "Connection: close", and the connection closes: the request
// sent after a bad one is never answered.
func checkBadInput(t *testing.T, tg target) {
	p := start(t, tg)
	next := get("/")
	rows := []row{
		{"two spaces in the request line", []any{"GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"a space in the target", []any{"GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"lower-case version", []any{"GET / http/1.1\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"a control character in a field value", []any{"GET / HTTP/1.1\r\nHost: localhost\r\nX-Note: a\x01b\r\n\r\n" + next}, "HTTP/1.1 400 "},
		{"HTTP/2.0", []any{"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 505 "},
		{"an unknown method", []any{"BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 501 "},
		{"a 64 KiB request line", []any{"GET /", repeat('a', 64<<10), " HTTP/1.1\r\nHost: localhost\r\n\r\n" + next}, "HTTP/1.1 414 "},
		{"a 128 KiB header section", []any{"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ", repeat('a', 128<<10), "\r\n\r\n" + next}, "HTTP/1.1 431 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		ctype, _ := resp.get("Content-Type")
		if !strings.HasPrefix(ctype, "text/html") || !strings.Contains(string(resp.body), strconv.Itoa(resp.code)) {
			c.fail(report{what: "an HTML error page that names its status", expected: strconv.Itoa(resp.code),
				got: "Content-Type: " + ctype + "\r\n\r\n" + string(resp.body)})
		}
		c.expectField(resp, "Connection", "close")
		c.expectClosed()
	})
}

// checkRequestTimeout: a head that stops arriving gets 408 and a close.
func checkRequestTimeout(t *testing.T, tg target) {
	const wait = 15 * time.Second // part 4 answers after 10 s
	p := start(t, tg)
	c := p.dial(t)
	c.send("GET / HTTP/1.1\r\nHost: localhost\r\n") // and never the empty line
	c.pause()
	what := fmt.Sprintf("408 Request Timeout within %v of a head that stopped arriving", wait)
	r, err := c.readResponse("GET", wait)
	switch {
	case err != nil:
		c.fail(report{what: what, expected: "HTTP/1.1 408 ", prefix: true, got: c.received.String(), gotNote: c.why(err, wait)})
	case !strings.HasPrefix(r.statusLine, "HTTP/1.1 408 "):
		c.fail(report{what: what, expected: "HTTP/1.1 408 ", prefix: true, got: r.statusLine})
	}
	c.expectClosed()
}

// checkHeadRequests: HEAD gets GET's head and no body, on success and on
// error (a target too long included); the next response on the connection
// starts right after the head.
func checkHeadRequests(t *testing.T, tg target) {
	p := start(t, tg)
	c := p.dial(t)
	c.send(get("/", "Connection: close"))
	getRoot := c.expectStatus("GET", "HTTP/1.1 200 ")

	for _, tt := range []struct{ name, path, status, then, thenStatus string }{
		{"HEAD /", "/", "HTTP/1.1 200 ", "/nope", "HTTP/1.1 404 "},
		{"HEAD /nope", "/nope", "HTTP/1.1 404 ", "/", "HTTP/1.1 200 "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send("HEAD "+tt.path+" HTTP/1.1\r\nHost: localhost\r\n\r\n", get(tt.then, "Connection: close"))
			r := c.expectStatus("HEAD", tt.status)
			if tt.path == "/" {
				for _, name := range []string{"Content-Type", "Content-Length"} {
					want, _ := getRoot.get(name)
					c.expectField(r, name, want)
				}
			}
			// A body after HEAD's head would be read here as the next status line.
			c.expectStatus("GET", tt.thenStatus)
			c.expectClosed()
		})
	}
	t.Run("HEAD refused with 400", func(t *testing.T) {
		c := p.dial(t)
		c.send("HEAD / HTTP/1.1\r\nHost: localhost\r\nHost: example.com\r\n\r\n")
		c.expectStatus("HEAD", "HTTP/1.1 400 ")
		c.expectClosed() // the error page must not follow the head
	})
	t.Run("HEAD with a 9 KiB target: 414", func(t *testing.T) {
		// The request line is too long to be read whole, but its method
		// came first: the answer is still to a HEAD.
		c := p.dial(t)
		c.send("HEAD /", repeat('a', 9<<10), " HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectStatus("HEAD", "HTTP/1.1 414 ")
		c.expectClosed() // the error page must not follow the head
	})
	t.Run("net/http HEAD /", func(t *testing.T) {
		resp, body := httpDo(t, p, "HEAD", "/")
		if want := int64(len(getRoot.body)); resp.StatusCode != 200 || resp.ContentLength != want {
			httpFail(t, p, "HEAD", "/", fmt.Sprintf("200 OK with Content-Length: %d, GET's", want), resp, body)
		}
	})
}
