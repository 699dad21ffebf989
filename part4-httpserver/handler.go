package main

import (
	"errors"
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

// HelloHandler is the application: a hello page at /, an echo at /echo,
// 404 elsewhere.
type HelloHandler struct {
	Delay time.Duration // how long to wait before answering
	Log   io.Writer     // where each request line is printed
}

// ServeHTTP answers GET and HEAD of / with helloPage, other methods on / with
// 405, POST /echo with the request's body, and every other path with 404.
func (h *HelloHandler) ServeHTTP(w *ResponseWriter, r *Request) {
	fmt.Fprintf(h.Log, "%s %s %s\n", r.Method, r.Target, r.Proto)
	time.Sleep(h.Delay)
	if r.Path == "/echo" {
		serveEcho(w, r)
		return
	}
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

// serveEcho answers POST /echo with the request's body, however it was
// framed, and its Content-Type. A body that cannot be read is answered with
// the status its error carries: 413 over maxBodyBytes, 400 for broken
// chunked framing, 408 for a body that stopped arriving.
func serveEcho(w *ResponseWriter, r *Request) {
	if r.Method != "POST" {
		w.Header().Set("Allow", "POST") // RFC 9110 §15.5.6
		w.Error(405, r.Method+" is not allowed on "+r.Path+".")
		return
	}
	// The whole body first, then the answer: the first Write settles the
	// status at 200, and an error found later could no longer change it.
	// Request.Body stops at maxBodyBytes, so this holds at most 1 MiB.
	body, err := io.ReadAll(r.Body)
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
		w.Error(reqErr.status, reqErr.reason)
		return
	case err != nil:
		return // the client closed the connection: nobody to answer
	}
	ctype := r.Header.Get("Content-Type")
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}
