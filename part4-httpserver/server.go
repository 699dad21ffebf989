package main

import (
	"cmp"
	"io"
	"log"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Bounds on connections. A client over maxConnections gets 503 Service
// Unavailable; past maxRefusing of those at once, it is simply closed.
const (
	maxConnections = 1000 // connections served at once
	maxRefusing    = 64   // connections being refused with 503 at once
)

// A Handler answers one HTTP request. The server reads the request before it
// calls ServeHTTP and sends the response after ServeHTTP returns. ServeHTTP
// runs in the connection's goroutine, so a Handler that shares state between
// requests must guard it. Neither w nor r may be used after it returns.
type Handler interface {
	ServeHTTP(w *ResponseWriter, r *Request)
}

// TCPServer accepts TCP connections and speaks HTTP/1.1 on each, passing
// every request to its Handler.
type TCPServer struct {
	Handler Handler

	// Timeouts; zero means the default of the same name in conn.go.
	IdleTimeout, ReadTimeout, WriteTimeout time.Duration

	mu       sync.Mutex
	listener net.Listener
	conns    map[*conn]bool // the connections being served: true while idle between requests
	closing  bool           // set by Shutdown
	refusing chan struct{}  // a slot per connection being refused with 503
}

// Serve accepts connections on ln and serves each one in a goroutine of its
// own, so that a slow client no longer holds up the others. When Accept fails,
// for example because Shutdown closed ln, Serve waits for the connections in
// flight to finish and returns the error.
func (s *TCPServer) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.listener, s.conns, s.refusing = ln, make(map[*conn]bool), make(chan struct{}, maxRefusing)
	s.IdleTimeout = cmp.Or(s.IdleTimeout, defaultIdleTimeout)
	s.ReadTimeout = cmp.Or(s.ReadTimeout, defaultReadTimeout)
	s.WriteTimeout = cmp.Or(s.WriteTimeout, defaultWriteTimeout)
	if s.closing {
		ln.Close()
	}
	s.mu.Unlock()
	defer ln.Close()
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	for {
		rwc, err := ln.Accept()
		if err != nil {
			return err
		}
		c := newConn(s, rwc)
		if !s.track(c) {
			select {
			case s.refusing <- struct{}{}:
				inFlight.Add(1)
				go func() {
					defer inFlight.Done()
					defer func() { <-s.refusing }()
					c.refuseBusy()
				}()
			default:
				rwc.Close() // too busy even to say so
			}
			continue
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			s.serveConn(c)
		}()
	}
}

// serveConn serves one connection and then closes it. A panic in the server
// itself (a handler's panic is caught per request) ends this connection only.
func (s *TCPServer) serveConn(c *conn) {
	defer s.untrack(c)
	defer c.rwc.Close()
	defer func() {
		if v := recover(); v != nil {
			log.Printf("panic serving %v: %v\n%s", c.rwc.RemoteAddr(), v, debug.Stack())
		}
	}()
	c.serve()
}

// Shutdown stops the server gracefully: it closes the listener, so no new
// connection is accepted, and closes every idle connection at once. A
// connection in the middle of a request closes after its response, which says
// "Connection: close". Serve returns when the last connection is done.
func (s *TCPServer) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	if s.listener != nil {
		s.listener.Close()
	}
	for c, idle := range s.conns {
		if idle {
			c.rwc.Close()
		}
	}
}

func (s *TCPServer) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// track records a new connection, busy reading its first request. It
// reports false when maxConnections are being served already.
func (s *TCPServer) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns) >= maxConnections {
		return false
	}
	s.conns[c] = false
	return true
}

func (s *TCPServer) untrack(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// setIdle marks c idle (waiting for a request) or busy. It reports false if
// the server is shutting down, and the connection should close.
func (s *TCPServer) setIdle(c *conn, idle bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = idle
	return true
}

// busyResponse is what a client over maxConnections gets. RFC 9110 §6.6.1
// makes Date optional in 5xx responses, so it can be made once.
var busyResponse = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: " + strconv.Itoa(len(busyBody)) + "\r\n" +
	"Retry-After: 1\r\n" +
	"Connection: close\r\n" +
	"\r\n" + busyBody

const busyBody = "Too many connections; retry in a moment.\n"

// refuseBusy answers a connection over maxConnections with busyResponse and
// closes it without a reset destroying the answer (see lingeringClose).
func (c *conn) refuseBusy() {
	c.rwc.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(c.rwc, busyResponse)
	c.lingeringClose()
}
