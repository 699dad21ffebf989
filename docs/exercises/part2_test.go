//go:build exercises

package exercises

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// checkCountHandler is exercise 2.1: with -count, the server answers
// "You are visitor number N", counting from 1; without it, Hello, World!.
func checkCountHandler(t *testing.T, tg target) {
	t.Run("with -count", func(t *testing.T) {
		p := start(t, tg, "-count")
		for n := 1; n <= 3; n++ {
			c := p.dial(t)
			c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			r := c.expectStatus("GET", "HTTP/1.1 200 OK")
			c.expectFraming(r)
			c.expectBody(r, fmt.Sprintf("You are visitor number %d", n))
			c.expectClosed()
		}
	})
	t.Run("without -count", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
}

// checkConnectionLog is exercise 2.2: once a connection is closed, the
// server prints a line with the client's address and how long the
// connection took, as a Go duration: "127.0.0.1:53412 took 100.5ms".
func checkConnectionLog(t *testing.T, tg target) {
	const delay = 100 * time.Millisecond
	p := start(t, tg, "-delay", delay.String())
	c := p.dial(t)
	c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	c.expectExactly(hello)

	client := c.conn.LocalAddr().String() // the server's RemoteAddr
	if _, ok := p.stdout.wait(0, func(line string) bool {
		d, ok := durationIn(line)
		return strings.Contains(line, client) && ok && d >= delay && d < answerTimeout
	}, answerTimeout, p.exited); !ok {
		t.Fatalf("expected a line on stdout, once the connection from %s had closed, that names that address and how long\n"+
			"the connection took as a Go duration of at least %v (the -delay), such as\n\n\t%s took 100.52ms\n\n"+
			"  sent:      %s\n             (with your server running: %s)\n"+
			"  got on stdout, after the first line, within %v:\n%s",
			client, delay, client, c.command(), p.runLine(), answerTimeout, showBytes([]byte(strings.Join(p.stdout.all()[1:], "")), "             "))
	}
}

// durationIn returns the first word of line that parses as a Go duration.
func durationIn(line string) (time.Duration, bool) {
	for _, w := range strings.Fields(line) {
		if d, err := time.ParseDuration(strings.Trim(w, "()[],;")); err == nil {
			return d, true
		}
	}
	return 0, false
}

// checkReadTimeout is exercise 2.3: with -read-timeout, a client that has
// not sent its request head in time is disconnected, and the client waiting
// behind it gets its answer.
func checkReadTimeout(t *testing.T, tg target) {
	p := start(t, tg, "-read-timeout", "200ms")
	silent := p.dial(t) // connects and sends nothing
	next := p.dial(t)
	next.note = "in one terminal, connect and send nothing: nc localhost 8888\n" +
		"in another, curl -v http://localhost:8888/ must be answered once the -read-timeout has passed"
	next.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	next.expectExactly(hello)
	silent.expectClosed()

	t.Run("a prompt client is answered as before", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
}
