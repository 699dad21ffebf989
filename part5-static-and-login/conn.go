package main

import (
	"bufio"
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
	defaultWriteTimeout = 10 * time.Second // from the end of a request head to the end of its response
	maxDrainBytes       = 256 << 10        // unread request body skipped to keep a connection; more closes it
	lingerTimeout       = time.Second      // how long a closing connection waits for the client to finish sending
)

// conn is one client connection and the buffers reused by its requests.
type conn struct {
	srv     *TCPServer
	rwc     net.Conn
	remote  string // the client's address, for Request.RemoteAddr
	br      *bufio.Reader
	bw      *bufio.Writer
	head    []byte // the request head being parsed
	scratch []byte // the response head being written
	logLine []byte // the access log line being written
	w       ResponseWriter
}

func newConn(srv *TCPServer, rwc net.Conn) *conn {
	c := &conn{srv: srv, rwc: rwc, remote: rwc.RemoteAddr().String(), br: bufio.NewReader(rwc), bw: bufio.NewWriter(rwc)}
	c.w.conn = c
	return c
}

// serve answers requests on c, one after another, until the connection must
// close (RFC 9112 §9.3): the client asked, an error made the stream
// untrustworthy, a timeout passed or the server is shutting down. Pipelined
// requests wait in c.br and are answered in order.
func (c *conn) serve() {
	for {
		// Idle: wait for the first byte of the next request.
		if !c.srv.setIdle(c, true) {
			return
		}
		c.rwc.SetReadDeadline(time.Now().Add(c.srv.IdleTimeout))
		if _, err := c.br.Peek(1); err != nil {
			return // closed by the client, by Shutdown, or idle too long: nothing to answer
		}
		if !c.srv.setIdle(c, false) {
			return
		}

		c.rwc.SetReadDeadline(time.Now().Add(c.srv.ReadTimeout))
		req, head, err := readRequest(c.br, c.head)
		c.head = head
		c.rwc.SetWriteDeadline(time.Now().Add(c.srv.WriteTimeout))
		if err != nil {
			c.refuse(err)
			return
		}
		req.RemoteAddr = c.remote
		if req.expectContinue && req.ContentLength > 0 {
			req.body.sendContinue = c.sendContinue
		}

		c.w.reset(req)
		if !c.handle(req) {
			c.lingeringClose()
			return
		}
		if err := c.w.finish(); err != nil || c.w.closeAfter {
			c.lingeringClose()
			return
		}
		// Skip what the handler left of the body, so that the next request
		// is read from its first byte, never from the middle of this body.
		if req.body.remaining > 0 {
			if _, err := io.Copy(io.Discard, req.Body); err != nil {
				return
			}
		}
	}
}

// mustClose reports whether the connection closes after the response to
// req, so that the response can say so with "Connection: close".
func (c *conn) mustClose(req *Request) bool {
	switch {
	case req == nil || req.close || c.srv.shuttingDown():
		return true
	case req.body.remaining > maxDrainBytes:
		return true // cheaper to close than to read that much for nothing
	case req.expectContinue && !req.body.continueSent && req.body.remaining > 0:
		return true // the client may never send the body we did not ask for
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
			}
			ok = false
		}
	}()
	c.srv.Handler.ServeHTTP(&c.w, req)
	return true
}

// refuse answers a request that could not be read, where an answer is due,
// and closes the connection: after a malformed head the server can no longer
// tell where the next request would start.
func (c *conn) refuse(err error) {
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
		c.w.reset(nil)
		c.w.Error(reqErr.status, reqErr.reason)
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.w.reset(nil)
		c.w.Error(408, "The request took too long to arrive.") // RFC 9110 §15.5.9
	default:
		c.rwc.Close() // the client is gone: nobody to answer
		return
	}
	c.w.finish()
	c.lingeringClose()
}

// sendContinue writes the interim response a client that sent
// "Expect: 100-continue" waits for before it sends the body (RFC 9110 §10.1.1).
func (c *conn) sendContinue() error {
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
// status, body bytes ("-" for none). A request that could not be parsed
// has "-" for its request line.
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
	if w.req != nil {
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
// So: stop writing (FIN), skip what the client is still sending, for a
// little while and up to a limit, then close.
func (c *conn) lingeringClose() {
	if tcp, ok := c.rwc.(*net.TCPConn); ok {
		tcp.CloseWrite()
		c.rwc.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.CopyN(io.Discard, c.rwc, maxDrainBytes)
	}
	c.rwc.Close()
}
