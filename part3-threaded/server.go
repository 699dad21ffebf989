package main

import (
	"log"
	"net"
	"runtime/debug"
	"sync"
)

// A Handler serves one client on one connection. The server closes the
// connection when Handle returns. Handle runs in a goroutine of its own, so
// a Handler that shares state between connections must guard it.
type Handler interface {
	Handle(conn net.Conn)
}

// TCPServer accepts TCP connections and hands each one to its Handler.
type TCPServer struct {
	Handler Handler
}

// Serve accepts connections on ln and serves each one in a goroutine of its
// own, so that a slow client no longer holds up the others. When Accept fails,
// for example because ln was closed to shut the server down, Serve waits for
// the connections in flight to finish and returns the error.
func (s *TCPServer) Serve(ln net.Listener) error {
	defer ln.Close()
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			s.serveConn(conn)
		}()
	}
}

// serveConn runs the handler for one connection and then closes it. A panic
// in the handler ends this connection only: it is logged and the server goes on.
func (s *TCPServer) serveConn(conn net.Conn) {
	defer conn.Close()
	defer func() {
		if v := recover(); v != nil {
			log.Printf("panic serving %v: %v\n%s", conn.RemoteAddr(), v, debug.Stack())
		}
	}()
	s.Handler.Handle(conn)
}
