package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"time"
)

// Timeouts and limits on one connection. Defaults; a TCPServer's fields of
// the same name override them (the tests use short ones).
const (
	defaultIdleTimeout  = 30 * time.Second // waiting for the first byte of a request, new or kept-alive connection
	defaultReadTimeout  = 10 * time.Second // from a request's first byte to the end of its body
	defaultWriteTimeout = 10 * time.Second // one write waiting for the client to take bytes: a stall, not a transfer
	maxDrainBytes       = 256 << 10        // unread request body skipped to keep a connection; more closes it
	lingerTimeout       = time.Second      // how long a closing connection waits for the client to finish sending
	writeBufferBytes    = 8 << 10          // responses collected before a write: sixteen hello pages
)

// conn is one client connection and the buffers reused by its requests.
//
// Responses collect in bw and go out when the server is about to wait for
// the client: before it reads more of the connection (see Read) or closes
// it. Requests that arrive together, pipelined, get their responses in one
// write; a lone request gets its response before the server waits again.
type conn struct {
	srv     *TCPServer
	rwc     net.Conn
	remote  string        // the client's address, for Request.RemoteAddr
	br      *bufio.Reader // reads through c.Read
	bw      *bufio.Writer // writes through c.Write
	head    []byte        // the request head being parsed
	scratch []byte        // the response head being written
	logLine []byte        // the access log line being written
	w       ResponseWriter

	writeFailed bool // a write to the client failed: it is gone, or stopped reading
}

func newConn(srv *TCPServer, rwc net.Conn) *conn {
	c := &conn{srv: srv, rwc: rwc, remote: rwc.RemoteAddr().String()}
	c.br, c.bw = bufio.NewReader(c), bufio.NewWriterSize(c, writeBufferBytes)
	c.w.conn = c
	return c
}

// Read reads from the client, for c.br. Before it may wait for the client,
// it sends the responses still in c.bw: no response waits on a request that
// has not arrived.
func (c *conn) Read(p []byte) (int, error) {
	if c.bw.Buffered() > 0 {
		if err := c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	return c.rwc.Read(p)
}

// Write writes to the client, for c.bw. WriteTimeout bounds each write, not
// a whole response: a client that keeps reading gets a body of any size,
// however slowly; one that stops reading for WriteTimeout is dropped.
func (c *conn) Write(p []byte) (int, error) {
	c.rwc.SetWriteDeadline(time.Now().Add(c.srv.WriteTimeout))
	n, err := c.rwc.Write(p)
	c.writeFailed = c.writeFailed || err != nil
	return n, err
}

// serve answers requests on c, one after another, until the connection must
// close (RFC 9112 §9.3): the client asked, an error made the stream
// untrustworthy, a timeout passed or the server is shutting down. Pipelined
// requests wait in c.br and are answered in order.
func (c *conn) serve() {
	defer c.bw.Flush() // the responses still buffered, however the loop ends
	for {
		// No request has arrived yet: wait, idle, for the next one.
		if !c.requestArrived() && !c.awaitRequest() {
			return
		}
		if !c.srv.setBusy(c) {
			return // shutting down, or closed to make room
		}

		c.rwc.SetReadDeadline(time.Now().Add(c.srv.ReadTimeout))
		req, head, err := readRequest(c.br, c.head)
		c.head = head
		if err != nil {
			c.refuse(req, err)
			return
		}
		req.RemoteAddr = c.remote
		if req.expectContinue && req.body.unread() {
			req.body.sendContinue = c.sendContinue
		}

		c.w.reset(req)
		if req.Target == "*" {
			c.w.serverOptions()
		} else if !c.handle(req) {
			c.lingeringClose()
			return
		}
		// Skip what the handler left of the body, so that the next request
		// is read from its first byte, never from the middle of this body.
		if err := c.w.finish(); err != nil || c.w.closeAfter || !req.body.skipRest() {
			c.lingeringClose()
			return
		}
	}
}

// requestArrived reports whether c.br holds the start of a request: a byte
// other than the CR and LF of the empty lines that RFC 9112 §2.2 lets a
// client send between requests (old ones send CRLF after a POST body).
// Those alone leave the connection idle, not busy with a request.
func (c *conn) requestArrived() bool {
	b, _ := c.br.Peek(c.br.Buffered())
	return len(bytes.TrimLeft(b, "\r\n")) > 0
}

// awaitRequest sends the responses still buffered and waits, idle, for the
// first byte of the next request, past any empty lines; readRequest skips
// those, and refuses more than maxEmptyLines. It reports false if the
// connection is to close: the client closed it or stayed idle too long, or
// the server closed it, to shut down or to make room for a new one.
func (c *conn) awaitRequest() bool {
	if c.bw.Flush() != nil || !c.srv.setIdle(c) {
		return false
	}
	c.rwc.SetReadDeadline(time.Now().Add(c.srv.IdleTimeout))
	for n := 1; ; n++ {
		b, err := c.br.Peek(n)
		if err != nil {
			return false
		}
		if b[n-1] != '\r' && b[n-1] != '\n' || n > 2*maxEmptyLines {
			return true
		}
	}
}

// mustClose reports whether the connection closes after the response to
// req, so that the response can say so with "Connection: close".
func (c *conn) mustClose(req *Request) bool {
	switch {
	case req == nil || req.close || c.srv.shuttingDown():
		return true
	case req.body.err != nil:
		return true // the body broke its framing: the stream cannot be trusted
	case req.expectContinue && !req.body.continueSent && req.body.unread():
		return true // the client may never send the body we did not ask for
	case req.body.chunked && !req.body.done, req.body.remaining > maxDrainBytes:
		return true // cheaper to close than to read that much for nothing
	}
	return false
}

// handle runs the handler for req. A panic in the handler is logged and
// answered with 500 if no byte of the response is out yet; handle then
// reports false, and the connection closes.
func (c *conn) handle(req *Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			log.Printf("panic serving %s %s for %s: %v\n%s", req.Method, req.Target, req.RemoteAddr, v, debug.Stack())
			if !c.w.wroteHead {
				c.w.reset(req)
				c.w.closeAfter = true
				c.w.Error(500, "The server hit an error while answering this request.")
				c.w.finish()
			} else {
				c.logAccess() // the head went out: its status, and the bytes of body after it
			}
			ok = false
		}
	}()
	c.srv.Handler.ServeHTTP(&c.w, req)
	return true
}

// refuse answers a request that could not be read, where an answer is due,
// and closes the connection: after a malformed head the server can no longer
// tell where the next request would start. req is what could be parsed of
// the request, or nil.
func (c *conn) refuse(req *Request, err error) {
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
	case errors.Is(err, os.ErrDeadlineExceeded):
		reqErr = &requestError{408, "The request took too long to arrive."} // RFC 9110 §15.5.9
	default:
		return // the client is gone: nobody to answer
	}
	c.w.reset(req)
	c.w.closeAfter = true
	c.w.Error(reqErr.status, reqErr.reason)
	c.w.finish()
	c.lingeringClose()
}

// errContinueTooLate is what a handler reads from a body it asked for only
// after its response's head went out: too late for "100 Continue".
var errContinueTooLate = errors.New("the request body was not read before the response: 100 Continue can no longer be sent")

// sendContinue writes the interim response a client that sent
// "Expect: 100-continue" waits for before it sends the body (RFC 9110 §10.1.1).
// An interim response after the final one would be read as the start of the
// next response; the response already says "Connection: close" (mustClose),
// and the client need not send the body at all.
func (c *conn) sendContinue() error {
	if c.w.wroteHead {
		c.w.misuse("%v", errContinueTooLate)
		return errContinueTooLate
	}
	if _, err := c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n"); err != nil {
		return err
	}
	return c.bw.Flush()
}

// commonLogTime is the time layout of the Common Log Format.
const commonLogTime = "02/Jan/2006:15:04:05 -0700"

// logAccess writes one line for the response just sent to the server's
// AccessLog, in the Common Log Format of the first web servers:
//
//	127.0.0.1 - - [20/Nov/2026:23:46:41 +0000] "GET /style.css HTTP/1.1" 200 1288
//
// host, identity (always "-"), user (always "-"), time, request line,
// status, body bytes ("-" for none). A request whose request line could
// not be read has "-" for it. Every response gets its line, with the status
// its head said and the body bytes written after it, also one cut short by
// a panic in the handler or by a client gone away; whether the client got
// those bytes, the server cannot know.
func (c *conn) logAccess() {
	if c.srv.AccessLog == nil {
		return
	}
	w := &c.w
	b := c.logLine[:0]
	host, _, _ := net.SplitHostPort(c.remote)
	b = append(b, host...)
	b = append(b, " - - ["...)
	b = time.Now().AppendFormat(b, commonLogTime)
	b = append(b, "] "...)
	if w.req != nil && w.req.Proto != "" {
		b = strconv.AppendQuote(b, w.req.Method+" "+w.req.Target+" "+w.req.Proto)
	} else {
		b = append(b, `"-"`...)
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(w.status), 10)
	if sent := w.written; sent > 0 && (w.req == nil || w.req.Method != "HEAD") {
		b = append(b, ' ')
		b = strconv.AppendInt(b, sent, 10)
	} else {
		b = append(b, " -"...)
	}
	b = append(b, '\n')
	c.logLine = b
	c.srv.AccessLog.Write(b)
}

// lingeringClose closes the connection without losing the response. Closing
// a socket that still has unread request bytes makes the kernel send a reset
// (RST), and a reset can destroy the response before the client reads it.
// So: send the response, stop writing (FIN), skip what the client is still
// sending, for a little while and up to a limit, then close.
func (c *conn) lingeringClose() {
	c.bw.Flush()
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok { // *net.TCPConn, or a traceConn around one
		cw.CloseWrite()
		c.rwc.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.CopyN(io.Discard, c.rwc, maxDrainBytes)
	}
	c.rwc.Close()
}
