// Wire is a relay that shows the bytes between HTTP clients and a server:
// point a browser, curl or nc at it instead of at the server, and it passes
// every byte on, unchanged, in both directions, while it prints them.
//
//	go run ./docs/wire -to localhost:8888
//	curl http://localhost:8080/
//
// In the terminal, per connection, it prints what part 4's -trace prints
// (CR and LF made visible, long bodies elided with their size), with the time
// since the connection opened and the TCP events: connect, each side's FIN,
// a reset, close (-brief: only these, and each message's first line).
// Connection 1, a curl through the relay to part 4:
//
//	#1 +0.000s -- connected from 127.0.0.1:53112
//	#1 +0.000s -- connected to 127.0.0.1:8888
//	#1 +0.001s -- client sent 78 bytes
//	#1 < GET / HTTP/1.1\r\n
//	#1 < Host: localhost:8080\r\n
//	...
//	#1 +0.001s -- server sent 334 bytes
//	#1 > HTTP/1.1 200 OK\r\n
//	...
//	#1 +0.002s -- client FIN: the client sends no more
//	#1 +0.002s -- server FIN: the server sends no more
//	#1 +0.002s -- closed
//
// With -ui localhost:8081 it also serves a page that draws each connection as
// a live sequence diagram: a client and a server lane, one arrow per chunk of
// bytes, time flowing down, connections that overlap side by side. A click on
// an arrow shows its bytes. The page is built into the binary (embed), so it
// works offline.
//
// The relay is itself a small lesson in three things:
//
//   - io.Copy: each direction of a connection is one io.CopyBuffer from one
//     socket to the other (relay.go), with a reader in between that records
//     what passes;
//   - half-close: when one side sends FIN (io.Copy returns nil at EOF), the
//     relay sends FIN to the other side with CloseWrite and goes on copying
//     the other direction; a reset is passed on as a reset (SetLinger(0),
//     then Close). So a server's lingering close looks the same through the
//     relay as without it;
//   - goroutines: two per connection, one per direction, because each
//     direction blocks in Read on its own.
//
// It is bounded: it keeps the events and bytes of the last keptConns
// connections only, at most keptBytes bytes and keptEvents events of each;
// older ones are printed and forgotten. It listens on localhost unless told
// otherwise. Unlike the five parts, it may use net/http: only for its page.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	listen := flag.String("listen", "localhost:8080", "address the relay listens on, for clients")
	to := flag.String("to", "", "address of the server to relay to, e.g. localhost:8888 (required)")
	ui := flag.String("ui", "", "address of the sequence-diagram page, e.g. localhost:8081 (none if empty)")
	brief := flag.Bool("brief", false, "print only the TCP events and the first line of each message")
	flag.Parse()
	if *to == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: wire -to HOST:PORT [-listen HOST:PORT] [-ui HOST:PORT] [-brief]")
		flag.PrintDefaults()
		os.Exit(2)
	}

	rec := newRecorder(os.Stdout)
	rec.brief = *brief
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Relaying http://%s to %s ...\n", l.Addr(), *to)
	if *ui != "" {
		ul, err := net.Listen("tcp", *ui)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("Sequence diagrams on http://%s/\n", ul.Addr())
		page := &http.Server{Handler: rec.handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			err := page.Serve(ul)
			fmt.Fprintln(os.Stderr, "page:", err)
			os.Exit(1)
		}()
	}

	relay := &Relay{To: *to, rec: rec}
	if err := relay.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
