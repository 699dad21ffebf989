//go:build exercises

package exercises

import (
	"strings"
	"testing"
)

// check404 is exercise 1.1: 404 Not Found for every path but /, with a short
// body and a Content-Length that counts it; / as before, a query included.
func check404(t *testing.T, tg target) {
	p := start(t, tg)
	for _, target := range []string{"/", "/?x=1"} {
		t.Run("GET "+target+" as before", func(t *testing.T) {
			c := p.dial(t)
			c.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
			c.expectExactly(hello)
		})
	}
	for _, target := range []string{"/nope", "/index.html", "/a/b/c?x=1"} {
		t.Run("GET "+target, func(t *testing.T) {
			c := p.dial(t)
			c.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
			c.expectStatus("GET", "HTTP/1.1 404 ")
		})
	}
	t.Run("a short body and a Content-Length that counts it", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n")
		r := c.expectStatus("GET", "HTTP/1.1 404 ")
		c.expectContentLength(r)
		if len(r.body) == 0 || len(r.body) > 1024 {
			c.fail(report{what: "a short body, of 1 to 1024 bytes, such as \"Not Found\\n\"", expected: "Not Found\n", got: string(r.body)})
		}
		c.expectEnd()
	})
	t.Run("net/http GET /favicon.ico", func(t *testing.T) {
		resp, body := httpDo(t, p, "GET", "/favicon.ico")
		if resp.StatusCode != 404 {
			httpFail(t, p, "GET", "/favicon.ico", "the status 404 Not Found", resp, body)
		}
	})
}

// checkHead is exercise 1.2: HEAD gets the head GET gets, Content-Length
// included, and no body.
func checkHead(t *testing.T, tg target) {
	p := start(t, tg)
	t.Run("GET / as before", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
	head, _, _ := strings.Cut(hello, "\r\n\r\n")
	head += "\r\n\r\n"
	t.Run("HEAD /", func(t *testing.T) {
		c := p.dial(t)
		c.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(head)
	})
	// Any path: what GET gets (Hello, World!, or 404 once 1.1 is done too),
	// HEAD gets the head of.
	for _, target := range []string{"/?x=1", "/nope"} {
		t.Run("HEAD "+target+" gets the head of GET "+target, func(t *testing.T) {
			g := p.dial(t)
			g.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
			get := g.expectResponse("GET")
			c := p.dial(t)
			c.send("HEAD " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
			r := c.expectResponse("HEAD")
			c.expectSameHead(r, get)
			c.expectEnd() // no body
		})
	}
	t.Run("HTTP/1.0 HEAD /", func(t *testing.T) {
		c := p.dial(t)
		c.send("HEAD / HTTP/1.0\r\n\r\n")
		c.expectExactly(head)
	})
	t.Run("net/http HEAD /", func(t *testing.T) {
		resp, body := httpDo(t, p, "HEAD", "/")
		if resp.StatusCode != 200 || resp.ContentLength != 13 {
			httpFail(t, p, "HEAD", "/", "200 OK with Content-Length: 13, the length GET's body has", resp, body)
		}
	})
}

// checkEcho is exercise 1.3: a request with a body framed by Content-Length
// gets that body back; a request without one still gets Hello, World!.
func checkEcho(t *testing.T, tg target) {
	p := start(t, tg)
	t.Run("GET without a body", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
	tests := []struct {
		name  string
		field string // the Content-Length field line
		body  piece
		pause bool // send the body after a pause, in a second write
	}{
		{"one write", "Content-Length: 4", piece{text: "ping"}, false},
		{"the body after a pause", "Content-Length: 4", piece{text: "pong"}, true},
		{"lower-case field name", "content-length: 5", piece{text: "hello"}, false},
		{"no space after the colon", "Content-Length:5", piece{text: "hello"}, false},
		{"spaces and a tab around the value", "Content-Length:  \t5 ", piece{text: "hello"}, false},
		{"CR LF inside the body", "Content-Length: 8", piece{text: "a\r\n\r\nb\r\n"}, false},
		{"UTF-8: bytes, not characters", "Content-Length: 14", piece{text: "h\u00e9llo, \u4e16\u754c"}, false},
		{"64 KiB", "Content-Length: 65536", repeat('x', 64<<10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			head := "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n" + tt.field + "\r\n\r\n"
			if tt.pause {
				c.send(head)
				c.expectSilence("no answer before the body has arrived")
				c.send(tt.body)
			} else {
				c.send(head, tt.body)
			}
			r := c.expectStatus("POST", "HTTP/1.1 200 ")
			c.expectFraming(r) // a Content-Length, if any, counts the body; without one, the close ends it
			c.expectBody(r, string(tt.body.bytes()))
			c.expectEnd()
		})
	}
	t.Run("curl -d ping", func(t *testing.T) {
		c := p.dial(t)
		c.send("POST / HTTP/1.1\r\nHost: localhost:8888\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n" +
			"Content-Length: 4\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nping")
		r := c.expectStatus("POST", "HTTP/1.1 200 ")
		c.expectFraming(r) // a Content-Length, if any, counts the body; without one, the close ends it
		c.expectBody(r, "ping")
	})
}
