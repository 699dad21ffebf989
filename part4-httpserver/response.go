package main

import (
	"errors"
	"fmt"
	"html"
	"log"
	"strconv"
	"time"
)

// imfFixdate is the layout of HTTP dates (RFC 9110 §5.6.7), always in GMT:
// "Sun, 06 Nov 1994 08:49:37 GMT".
const imfFixdate = "Mon, 02 Jan 2006 15:04:05 GMT"

// ErrBodyNotAllowed is returned by Write for a response that has no body:
// 1xx, 204 and 304 (RFC 9110 §6.4.1).
var ErrBodyNotAllowed = errors.New("this response status has no body")

// ErrContentLength is returned by Write when the handler writes more bytes
// than the Content-Length it set.
var ErrContentLength = errors.New("wrote more than the declared Content-Length")

// A ResponseWriter is how a handler answers a request: set header fields
// with Header, choose the status with WriteHeader, write the body with Write.
//
// The server frames the response itself. Unless the handler sets
// Content-Length, the body is kept in memory until the handler returns and
// then sent with its exact length. A handler that sets Content-Length before
// its first Write streams the body instead, and must write exactly that many
// bytes. For HEAD requests the body is counted and dropped.
//
// What each call may do depends on whether the head is out yet:
//
//	                 nothing written     body buffered        head sent (streaming)
//	Header().Set     changes the head    changes the head     too late: ignored
//	WriteHeader      sets the status     ignored, logged      ignored, logged
//	Write            settles 200         appends              sends, up to Content-Length
//	Error            answers status      replaces the answer  logged; the connection closes
//
// A handler's mistake never breaks the framing of the connection: like
// net/http, the server logs it once, naming the request, answers with what
// it can still vouch for, and closes the connection when a body came out
// shorter than its Content-Length.
type ResponseWriter struct {
	conn   *conn
	req    *Request
	header Header
	status int

	bodyStarted   bool // startBody ran
	wroteHead     bool
	contentLength int64  // from the handler's Content-Length field, or -1
	written       int64  // body bytes written, or counted for HEAD
	buf           []byte // the body, until the handler returns; reused
	closeAfter    bool   // the connection closes after this response
	misused       bool   // a handler's mistake was logged for this response
}

// reset makes w ready for the next response on its connection, keeping the
// memory of its slices.
func (w *ResponseWriter) reset(req *Request) {
	*w = ResponseWriter{conn: w.conn, req: req, header: w.header[:0], buf: w.buf[:0], contentLength: -1}
}

// Header returns the response's header fields for the handler to change.
// Date, Content-Length, Connection, Transfer-Encoding and Trailer are the
// server's to write (see serverField).
func (w *ResponseWriter) Header() *Header { return &w.header }

// WriteHeader sets the response's status code. Without a call, it is 200.
// Only the first call before the first Write counts; a later one is logged.
// So is a 1xx: the server sends its own 100 Continue, and no other interim
// response. A code that is not three digits panics, as in net/http: it is a
// bug in the handler, answered with 500 (see conn.handle).
func (w *ResponseWriter) WriteHeader(status int) {
	checkStatus(status)
	switch {
	case w.status != 0:
		w.misuse("superfluous WriteHeader(%d): the status is already %d", status, w.status)
	case status < 200:
		w.misuse("WriteHeader(%d): a handler cannot send an interim (1xx) response", status)
	default:
		w.status = status
	}
}

// checkStatus panics unless status has three digits (RFC 9110 §15).
func checkStatus(status int) {
	if status < 100 || status > 999 {
		panic(fmt.Sprintf("invalid status code %d", status))
	}
}

// misuse logs a handler's mistake, once per response, with the request it
// was answering, as net/http logs "superfluous response.WriteHeader call".
func (w *ResponseWriter) misuse(format string, args ...any) {
	if w.misused {
		return
	}
	w.misused = true
	req := "a request"
	if w.req != nil {
		req = w.req.Method + " " + w.req.Target + " from " + w.req.RemoteAddr
	}
	log.Printf("handler mistake answering %s: %s", req, fmt.Sprintf(format, args...))
}

// Write adds p to the response body.
func (w *ResponseWriter) Write(p []byte) (int, error) {
	if err := w.startBody(); err != nil {
		return 0, err
	}
	if w.contentLength >= 0 {
		return w.writeStreamed(p)
	}
	if w.req.Method != "HEAD" {
		w.buf = append(w.buf, p...)
	}
	w.written += int64(len(p))
	return len(p), nil
}

// WriteString is Write for a string, without a copy into a []byte first
// when the body is buffered.
func (w *ResponseWriter) WriteString(s string) (int, error) {
	if err := w.startBody(); err != nil {
		return 0, err
	}
	if w.contentLength >= 0 {
		return w.writeStreamed([]byte(s))
	}
	if w.req.Method != "HEAD" {
		w.buf = append(w.buf, s...)
	}
	w.written += int64(len(s))
	return len(s), nil
}

// startBody runs before each write of the body. The first time, it settles
// the status and, if the handler set Content-Length, writes the head so that
// the body can stream; otherwise the body is buffered.
func (w *ResponseWriter) startBody() error {
	if w.status == 0 {
		w.status = 200
	}
	if !bodyAllowed(w.status) {
		return ErrBodyNotAllowed
	}
	if w.bodyStarted {
		return nil
	}
	w.bodyStarted = true
	cl := w.header.Get("Content-Length")
	if cl == "" {
		return nil
	}
	n, err := strconv.ParseInt(cl, 10, 64)
	if err != nil || n < 0 {
		// As net/http does: the field goes, and the body is buffered and
		// framed by the server, so that no byte of it is lost.
		w.misuse("invalid Content-Length %q: ignored, the body is buffered", cl)
		w.header.Del("Content-Length")
		return nil
	}
	w.contentLength = n
	return w.writeHead(n)
}

// writeStreamed writes p straight to the connection, after the head, and
// never more than the Content-Length the handler set.
func (w *ResponseWriter) writeStreamed(p []byte) (int, error) {
	var err error
	if left := w.contentLength - w.written; int64(len(p)) > left {
		w.misuse("%v (%d)", ErrContentLength, w.contentLength)
		p, err = p[:left], ErrContentLength
	}
	w.written += int64(len(p))
	if w.req.Method == "HEAD" {
		return len(p), err
	}
	n, werr := w.conn.bw.Write(p)
	if werr != nil {
		return n, werr
	}
	return n, err
}

// Error answers with status and a small HTML page that names it and says
// message, in place of whatever the handler wrote so far: nothing of it has
// left yet. Fields the handler set, such as Allow, are kept.
//
// Once the head is out (a body streamed with Content-Length), the status
// can no longer change: Error then only logs the mistake and makes the
// connection close after the response, so that a body cut short is never
// read as the start of the next response.
func (w *ResponseWriter) Error(status int, message string) {
	if w.wroteHead {
		w.misuse("Error(%d, %q) after the head was sent: the connection will close", status, message)
		w.closeAfter = true
		return
	}
	checkStatus(status)
	if status < 200 {
		w.misuse("Error(%d): a 1xx cannot answer a request; sent as 500", status)
		status = 500
	}
	w.header.Del("Content-Length")
	w.header.Set("Content-Type", "text/html; charset=utf-8")
	w.status, w.bodyStarted, w.contentLength = status, true, -1
	w.buf = w.buf[:0]
	if bodyAllowed(status) {
		w.buf = appendErrorPage(w.buf, status, message)
	}
	w.written = int64(len(w.buf))
	if w.req != nil && w.req.Method == "HEAD" {
		w.buf = w.buf[:0]
	}
}

// appendErrorPage appends the HTML page of an error response.
func appendErrorPage(b []byte, status int, message string) []byte {
	title := strconv.Itoa(status) + " " + StatusText(status)
	b = append(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>"...)
	b = append(b, title...)
	b = append(b, "</title></head>\n<body>\n<h1>"...)
	b = append(b, title...)
	b = append(b, "</h1>\n<p>"...)
	b = append(b, html.EscapeString(message)...)
	b = append(b, "</p>\n</body>\n</html>\n"...)
	return b
}

// serverOptions answers "OPTIONS *", a question about the server rather
// than about a resource (RFC 9110 §9.3.7): the methods it implements.
func (w *ResponseWriter) serverOptions() {
	w.header.Set("Allow", serverMethods)
	w.WriteHeader(204)
}

// finish completes the response after the handler returned: for a buffered
// body it writes the head, with the body's exact length, and the body, into
// the connection's buffer. The buffer goes out when the connection next
// waits for the client, or closes.
func (w *ResponseWriter) finish() error {
	if w.status == 0 {
		w.status = 200
	}
	if !w.bodyStarted && bodyAllowed(w.status) {
		// No Write: the head may still promise a Content-Length (HEAD).
		if err := w.startBody(); err != nil {
			return err
		}
	}
	if !w.wroteHead {
		if err := w.writeHead(w.written); err != nil {
			return err
		}
		if _, err := w.conn.bw.Write(w.buf); err != nil {
			return err
		}
	} else if w.written < w.contentLength && w.req.Method != "HEAD" {
		// The handler promised more bytes than it wrote: the client would
		// read the next response as the rest of this body. Close instead.
		if !w.conn.writeFailed { // if it did, the client is to blame, not the handler
			w.misuse("wrote %d bytes of the %d its Content-Length declared: the connection will close", w.written, w.contentLength)
		}
		w.closeAfter = true
	}
	return nil
}

// writeHead writes the status line and the header section into the
// connection's buffer. contentLength is the body's length in bytes.
func (w *ResponseWriter) writeHead(contentLength int64) error {
	w.wroteHead = true
	if w.status == 0 {
		w.status = 200
	}
	// The handler may ask to close: "Connection: close", alone or in a list.
	w.closeAfter = w.closeAfter || w.conn.mustClose(w.req) || w.header.hasToken("Connection", "close")

	b := w.conn.scratch[:0]
	b = append(b, "HTTP/1.1 "...) // RFC 9110 §6.2: our version, whatever the request's
	b = strconv.AppendInt(b, int64(w.status), 10)
	b = append(b, ' ')
	b = append(b, StatusText(w.status)...)
	b = append(b, "\r\nDate: "...) // RFC 9110 §6.6.1: an origin server with a clock MUST send it
	b = time.Now().UTC().AppendFormat(b, imfFixdate)
	b = append(b, "\r\n"...)
	hasType := false
	for _, f := range w.header {
		if serverField(f.Name) {
			if equalFold(f.Name, "Transfer-Encoding") || equalFold(f.Name, "Trailer") {
				w.misuse("%s: %s: ignored, the server frames the body", f.Name, f.Value)
			}
			continue
		}
		hasType = hasType || equalFold(f.Name, "Content-Type")
		b = appendField(b, f.Name, f.Value)
	}
	if bodyAllowed(w.status) {
		if !hasType && contentLength > 0 {
			b = append(b, "Content-Type: application/octet-stream\r\n"...)
		}
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, contentLength, 10)
		b = append(b, "\r\n"...)
	}
	switch {
	case w.closeAfter:
		b = append(b, "Connection: close\r\n"...)
	case w.req != nil && w.req.ProtoMinor == 0:
		b = append(b, "Connection: keep-alive\r\n"...) // RFC 9112 §9.3: HTTP/1.0 must be told
	}
	b = append(b, "\r\n"...)
	w.conn.scratch = b
	_, err := w.conn.bw.Write(b)
	return err
}

// serverField reports whether a field named name is the server's to write,
// whatever the handler set: Date, and the fields that frame the message
// (RFC 9112 §6). A handler's Transfer-Encoding beside the server's
// Content-Length would make the response unreadable (RFC 9112 §6.1).
func serverField(name string) bool {
	return equalFold(name, "Content-Length") || equalFold(name, "Transfer-Encoding") || equalFold(name, "Trailer") ||
		equalFold(name, "Connection") || equalFold(name, "Date")
}

// appendField appends "name: value\r\n", with any CR or LF in the handler's
// name or value replaced by a space so that no field can end the head early
// (response splitting).
func appendField(b []byte, name, value string) []byte {
	start := len(b)
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	for i := start; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			b[i] = ' '
		}
	}
	return append(b, "\r\n"...)
}

// bodyAllowed reports whether a response with status may have a body:
// not 1xx, 204 or 304 (RFC 9110 §6.4.1). Those also get no Content-Length.
func bodyAllowed(status int) bool {
	return status >= 200 && status != 204 && status != 304
}

// StatusText returns the reason phrase RFC 9110 §15 gives status, or "Unknown".
func StatusText(status int) string {
	switch status {
	case 100:
		return "Continue"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 204:
		return "No Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 411:
		return "Length Required"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 417:
		return "Expectation Failed"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Unknown"
}
