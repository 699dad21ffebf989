package main

import (
	"net"
)

// A Handler serves one client on one connection. The server closes the
// connection when Handle returns.
type Handler interface {
	Handle(conn net.Conn)
}

// TCPServer accepts TCP connections and hands each one to its Handler.
type TCPServer struct {
	Handler Handler
}

// Serve accepts connections on ln and passes them to s.Handler one at a time:
// while one client is being served, the next waits in the listener's backlog.
// Serve closes ln and returns when Accept fails.
func (s *TCPServer) Serve(ln net.Listener) error {
	defer ln.Close()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		s.serveConn(conn)
	}
}

// serveConn runs the handler for one connection and then closes it.
func (s *TCPServer) serveConn(conn net.Conn) {
	defer conn.Close()
	s.Handler.Handle(conn)
}
