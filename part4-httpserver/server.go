package main

import (
	"cmp"
	"errors"
	"io"
	"log"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Bounds on connections. At maxConnections, a new client takes the place of
// the connection idle the longest; if none is idle, it gets 503 Service
// Unavailable. Past maxRefusing of those at once, Serve stops accepting
// until one is done: the next clients wait in the kernel's queue.
const (
	maxConnections  = 1000        // connections served at once
	maxRefusing     = 64          // connections being refused with 503 at once
	maxAcceptDelay  = time.Second // the longest wait after a failed Accept
	minAcceptDelay  = 5 * time.Millisecond
	refuseWriteTime = time.Second // how long a 503 may take to write

	// sendBufferBytes caps the kernel's send buffer of each connection
	// (SO_SNDBUF; Linux doubles it, and would otherwise let it grow to
	// 4 MiB). It bounds the kernel memory a slow reader pins, and with it how
	// long one write may wait: a full buffer wakes its writer only once a
	// third of it has drained, about 170 KiB here, so a client reading 32 KiB/s
	// never makes a write wait WriteTimeout. The price: one connection sends
	// at most 512 KiB per round trip, 40 Mbit/s at 100 ms.
	sendBufferBytes = 256 << 10
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

	// Trace, if not nil, gets every byte that every connection reads and
	// writes (trace.go): what -trace shows. Connections write to it at the
	// same time; the server serialises their writes, so any io.Writer will
	// do, a bytes.Buffer too, as long as nobody else writes to it meanwhile.
	Trace io.Writer

	mu       sync.Mutex
	listener net.Listener
	conns    map[*conn]time.Time // the connections being served: when each became idle, zero while busy
	closing  bool                // set by Shutdown
	refusing chan struct{}       // a slot per connection being refused with 503
	traced   int                 // connections traced so far, to number them
	traceOut *lockedWriter       // Trace, one write at a time
}

// Serve accepts connections on ln and serves each one in a goroutine of its
// own, so that a slow client no longer holds up the others. When Accept
// fails for good, for example because Shutdown closed ln, Serve waits for the
// connections in flight to finish and returns the error.
func (s *TCPServer) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.listener, s.conns, s.refusing = ln, make(map[*conn]time.Time), make(chan struct{}, maxRefusing)
	s.IdleTimeout = cmp.Or(s.IdleTimeout, defaultIdleTimeout)
	s.ReadTimeout = cmp.Or(s.ReadTimeout, defaultReadTimeout)
	s.WriteTimeout = cmp.Or(s.WriteTimeout, defaultWriteTimeout)
	if s.Trace != nil {
		s.traceOut = &lockedWriter{w: s.Trace}
	}
	if s.closing {
		ln.Close()
	}
	s.mu.Unlock()
	defer ln.Close()
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	var delay time.Duration // after a failed Accept
	for {
		rwc, err := ln.Accept()
		if err != nil {
			if !isTemporary(err) || s.shuttingDown() {
				return err
			}
			// Out of file descriptors, say: the clients are not to blame, and
			// a server that exits here lets one client take it down. Make
			// room as at maxConnections, by closing the connection idle the
			// longest, then wait (as net/http does: 5 ms, doubling up to
			// 1 s) and try again.
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				s.mu.Lock()
				s.closeIdlest()
				s.mu.Unlock()
			}
			delay = min(max(2*delay, minAcceptDelay), maxAcceptDelay)
			log.Printf("accept: %v; retrying in %v", err, delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if tcp, ok := rwc.(*net.TCPConn); ok {
			tcp.SetWriteBuffer(sendBufferBytes)
		}
		if s.Trace != nil {
			rwc = s.trace(rwc)
		}
		c := newConn(s, rwc)
		if !s.track(c) {
			// A slot to refuse it in; if all are taken, wait for one. The
			// clients behind it wait in the kernel's queue, rather than be
			// cut off with a reset.
			s.refusing <- struct{}{}
			inFlight.Add(1)
			go func() {
				defer inFlight.Done()
				defer func() { <-s.refusing }()
				c.refuseBusy()
			}()
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

// isTemporary reports whether a failed Accept may succeed if tried again:
// the process or the system is out of file descriptors or of memory, or a
// client gave up before its connection was accepted.
func isTemporary(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
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
	for c, idleSince := range s.conns {
		if !idleSince.IsZero() {
			c.rwc.Close()
		}
	}
}

func (s *TCPServer) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// track records a new connection, idle until its first request arrives. At
// maxConnections it closes the connection idle the longest to make room,
// and reports false if every connection is in the middle of a request.
func (s *TCPServer) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A client that connects and sends nothing, a thousand times over, must
	// not lock everyone else out: the idle make room.
	if len(s.conns) >= maxConnections && !s.closeIdlest() {
		return false
	}
	s.conns[c] = time.Now()
	return true
}

// closeIdlest closes the connection idle the longest, to make room for a
// new one, and reports whether there was an idle one. s.mu must be held.
func (s *TCPServer) closeIdlest() bool {
	var oldest *conn
	var oldestSince time.Time // kept, rather than looked up in the map again at every comparison
	for c, idleSince := range s.conns {
		if !idleSince.IsZero() && (oldest == nil || idleSince.Before(oldestSince)) {
			oldest, oldestSince = c, idleSince
		}
	}
	if oldest == nil {
		return false
	}
	delete(s.conns, oldest) // setIdle and setBusy now report false to it
	oldest.rwc.Close()
	return true
}

func (s *TCPServer) untrack(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// setIdle marks c idle, waiting for a request, and setBusy marks it busy with
// one. Each reports false if the connection is to close: the server is
// shutting down, or closed it to make room.
func (s *TCPServer) setIdle(c *conn) bool { return s.setIdleSince(c, time.Now()) }
func (s *TCPServer) setBusy(c *conn) bool { return s.setIdleSince(c, time.Time{}) }

func (s *TCPServer) setIdleSince(c *conn, t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	idleSince, ok := s.conns[c]
	if !ok || s.closing {
		return false
	}
	if t.IsZero() || idleSince.IsZero() { // a new connection is idle since it was accepted
		s.conns[c] = t
	}
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
	c.rwc.SetWriteDeadline(time.Now().Add(refuseWriteTime))
	io.WriteString(c.rwc, busyResponse)
	c.lingeringClose()
}
