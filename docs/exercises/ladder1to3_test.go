//go:build exercises

package exercises

import (
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The ladder from part 1 to part 2 is a refactoring: the bytes on the wire
// stay the same, and -delay is the only thing a client can see change.

// checkDelayFlag: -delay is accepted (a flag.Duration, default 0), and
// every request gets part 1's answer, byte for byte, however its bytes
// arrive, once its head has ended.
func checkDelayFlag(t *testing.T, tg target) {
	p := start(t, tg, "-delay", "0s")
	tests := []struct {
		name   string
		pieces []string // written one after another
	}{
		{"curl GET", []string{"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"}},
		{"any path", []string{"GET /no/such/page?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"}},
		{"HTTP/1.0 without header fields", []string{"GET / HTTP/1.0\r\n\r\n"}},
		{"bare LF line ends", []string{"GET / HTTP/1.1\nHost: localhost\n\n"}},
		{"head in small writes", []string{"GE", "T / HT", "TP/1.1\r", "\nHost: local", "host\r\n", "\r", "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			for _, piece := range tt.pieces {
				c.send(piece)
			}
			c.expectExactly(hello)
		})
	}
	t.Run("no answer before the empty line", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n")
		c.expectSilence("no answer, and no close, before the empty line that ends the head")
		c.send("\r\n")
		c.expectExactly(hello)
	})
	t.Run("without -delay", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
	t.Run("-h names -delay, a duration with default 0", func(t *testing.T) {
		expectUsage(t, tg, func(out string) bool {
			var entry string
			for _, block := range strings.Split(out, "\n  -")[1:] {
				if strings.HasPrefix(block, "delay ") {
					entry = block
				}
			}
			return strings.HasPrefix(entry, "delay duration") && !strings.Contains(entry, "(default")
		}, "-h to list -delay, a flag.Duration whose default is 0",
			`an entry "-delay duration" with no "(default ...)": flag prints none for a zero value`)
	})
}

// checkDelayWaits: the handler reads and prints the request head, then
// waits -delay, then answers.
func checkDelayWaits(t *testing.T, tg target) {
	expectDelayAfterHead(t, tg)
}

// checkOneAtATime: while one client is inside its handler, a second one,
// connected and with its request sent, gets nothing; it is answered once the
// first is done.
func checkOneAtATime(t *testing.T, tg target) {
	p := start(t, tg, "-delay", "0s")
	first := enter(t, p, "/first")
	second := p.dial(t)
	second.note = "run nc localhost 8888 and type GET / HTTP/1.1 (no empty line); meanwhile\n" +
		"curl -v http://localhost:8888/ in another terminal must wait until you end the first request"
	second.send("GET /second HTTP/1.1\r\nHost: localhost\r\n\r\n")
	second.expectSilence("no answer to a second client while the first is being served")
	first.send("Host: localhost\r\n\r\n")
	first.expectExactly(hello)
	second.expectExactly(hello)
}

// The ladder from part 2 to part 3 makes the server concurrent.

// checkTogether: eight clients that have sent only their request line are
// all inside their handlers at once (each handler prints the line as it
// reads it: that is the barrier), a ninth is answered meanwhile, and the
// eight are answered once they finish their requests.
func checkTogether(t *testing.T, tg target) {
	const held = 8
	p := start(t, tg)
	var clients []*client
	for i := range held {
		path := fmt.Sprintf("/held-%d", i+1)
		c := p.dial(t)
		line := "GET " + path + " HTTP/1.1\r\n"
		c.send(line)
		p.expectLine(t, func(l string) bool { return l == line },
			fmt.Sprintf("client %d's request line on the server's stdout while %d other clients are inside their handlers", i+1, i),
			"run nc localhost 8888 in two terminals and type one line, GET / HTTP/1.1, in each:\n"+
				"both lines must show on the server's output at once")
		clients = append(clients, c)
	}
	c := p.dial(t)
	c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	c.expectExactly(hello)
	for _, c := range clients {
		c.send("Host: localhost\r\n\r\n")
	}
	for _, c := range clients {
		c.expectExactly(hello)
	}
}

// checkGracefulShutdown: SIGINT (Ctrl-C) or SIGTERM while a request is in
// flight: the request is answered, the program exits 0 and frees its port.
func checkGracefulShutdown(t *testing.T, tg target) {
	skipWithoutSignals(t)
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			p := start(t, tg, "-delay", "500ms")
			c := p.dial(t)
			c.note = "run curl -v http://localhost:8888/ and, within half a second, " + howToSend(sig) +
				":\ncurl must get Hello, World!, and the server exit with status 0"
			c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			// The handler prints the head before its delay: once the empty
			// line is out, the request is in flight.
			p.expectLine(t, isEmptyLine, "the server to print the request head it read, up to its empty line", c.note)
			p.signal(t, sig)
			c.expectExactly(hello)
			p.expectExit0(t, signalName(sig)+", once the request in flight was answered", c.note)
			ln, err := net.Listen("tcp", p.addr)
			if err != nil {
				t.Fatalf("expected the port to be free once the program exited: %v", err)
			}
			ln.Close()
		})
	}
	t.Run("the listener closes at the signal", func(t *testing.T) {
		p := start(t, tg, "-delay", "2s")
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.note = "run curl -v http://localhost:8888/ and, within two seconds, send the server SIGTERM\n" +
			"(kill -TERM with its process id; Ctrl-C sends SIGINT, which must do the same);\n" +
			"a second curl meanwhile must get \"Connection refused\""
		p.expectLine(t, isEmptyLine, "the server to print the request head it read, up to its empty line", c.note)
		p.signal(t, syscall.SIGTERM)
		// While the request is in flight (2 s), a new client must be refused.
		deadline := time.Now().Add(time.Second)
		for {
			conn, err := net.DialTimeout("tcp", p.addr, time.Second)
			if err != nil {
				break // refused: the listener is closed
			}
			conn.Close()
			if time.Now().After(deadline) {
				p.fail(t, report{
					what:         "the listener to be closed at the signal, so that new clients are refused",
					note:         c.note,
					expectedNote: "a new connection refused once SIGTERM has come",
					gotNote:      "connections still accepted a second after SIGTERM, with the request in flight",
				})
			}
			time.Sleep(20 * time.Millisecond)
		}
		c.expectExactly(hello)
	})
}

// howToSend says how a learner sends sig to the server by hand.
func howToSend(sig os.Signal) string {
	if sig == syscall.SIGINT {
		return "press Ctrl-C in the server's terminal (Ctrl-C sends SIGINT)"
	}
	return "send the server SIGTERM from another terminal: kill -TERM with its process id (Ctrl-C would send SIGINT)"
}

func signalName(sig os.Signal) string {
	if sig == syscall.SIGINT {
		return "SIGINT"
	}
	return "SIGTERM"
}
