package main

// part4's application, kept for the tests (without its POST /echo, which
// they do not use): with it, part4's server tests run unchanged against
// part5's server, which must still pass them all.

import (
	"fmt"
	"io"
	"time"
)

// helloPage is the page at /.
const helloPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Hello</title></head>
<body>
<h1>Hello, World!</h1>
<p>Served by part4-httpserver, an HTTP/1.1 server built on a bare TCP socket.</p>
</body>
</html>
`

// HelloHandler is the application: a hello page at /, 404 elsewhere.
type HelloHandler struct {
	Delay time.Duration // how long to wait before answering
	Log   io.Writer     // where each request line is printed
}

// ServeHTTP answers GET and HEAD of / with helloPage, other methods on / with
// 405, and every other path with 404.
func (h *HelloHandler) ServeHTTP(w *ResponseWriter, r *Request) {
	fmt.Fprintf(h.Log, "%s %s %s\n", r.Method, r.Target, r.Proto)
	time.Sleep(h.Delay)
	if r.Path != "/" {
		w.Error(404, "There is nothing at "+r.Path+".")
		return
	}
	if r.Method != "GET" && r.Method != "HEAD" {
		// RFC 9110 §15.5.6: a 405 MUST list the methods the resource allows.
		w.Header().Set("Allow", "GET, HEAD")
		w.Error(405, r.Method+" is not allowed on "+r.Path+".")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, helloPage)
}
