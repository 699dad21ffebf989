//go:build exercises

package exercises

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// checkCountHandler is exercise 2.1: with -count, the server answers
// "You are visitor number N", counting from 1, with HelloHandler's head
// and a Content-Length that counts the new body; it prints the request head
// and waits -delay before it answers, as HelloHandler does. Without -count,
// Hello, World! as before.
func checkCountHandler(t *testing.T, tg target) {
	t.Run("with -count", func(t *testing.T) {
		p := start(t, tg, "-count")
		for n := 1; n <= 3; n++ {
			c := p.dial(t)
			c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			r := c.expectStatus("GET", "HTTP/1.1 200 ")
			c.expectBody(r, fmt.Sprintf("You are visitor number %d", n))
			c.expectEnd()
		}
	})
	// HelloHandler's head, field by field: the order of the fields and the
	// case of their names are free (RFC 9110 §5.1, §5.3), and a field more
	// (Date, say) is allowed.
	p := start(t, tg, "-count")
	head := func(t *testing.T) (*client, *response) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		return c, c.expectStatus("GET", "HTTP/1.1 200 ")
	}
	t.Run("Content-Length counts the new body", func(t *testing.T) {
		c, r := head(t)
		c.expectContentLength(r)
		c.expectEnd() // and no byte after it
	})
	t.Run("Content-Type as HelloHandler's", func(t *testing.T) {
		c, r := head(t)
		c.expectField(r, "Content-Type", "text/plain; charset=utf-8")
	})
	t.Run("Connection: close as HelloHandler's", func(t *testing.T) {
		c, r := head(t)
		c.expectField(r, "Connection", "close")
		c.expectEnd()
	})
	t.Run("prints the request head", func(t *testing.T) {
		c := p.dial(t)
		req := []string{"GET /printed-2.1 HTTP/1.1\r\n", "Host: localhost\r\n", "X-Check: 2.1\r\n", "\r\n"}
		c.send(strings.Join(req, ""))
		waitPrinted(t, p, c, req)
		c.expectStatus("GET", "HTTP/1.1 200 ")
	})
	t.Run("-delay after reading the head", func(t *testing.T) {
		expectDelayAfterHead(t, tg, "-count")
	})
	t.Run("without -count", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
}

// expectDelayAfterHead starts tg with args and -delay 400ms and checks that
// the handler prints the request head as it reads it, and answers no sooner
// than the delay after the request, and no sooner than a quarter of it after
// it printed the head (stdout may reach the check a little late). A
// handler that sleeps before it reads the head fails. Lower bounds only: a
// slow machine cannot make a correct program fail them.
func expectDelayAfterHead(t *testing.T, tg target, args ...string) {
	t.Helper()
	const delay = 400 * time.Millisecond
	p := start(t, tg, append(args, "-delay", delay.String())...)
	c := p.dial(t)
	req := []string{"GET /delayed HTTP/1.1\r\n", "Host: localhost\r\n", "\r\n"}
	c.send(strings.Join(req, ""))
	sent := time.Now()
	printed := waitPrinted(t, p, c, req)
	c.expectStatus("GET", "HTTP/1.1 200 ")
	answered := time.Now()
	if took := answered.Sub(sent); took < delay {
		c.fail(report{what: fmt.Sprintf("the answer no sooner than -delay %v after the request", delay),
			expectedNote: fmt.Sprintf("the answer %v or more after the request", delay),
			gotNote:      fmt.Sprintf("the answer after %v", took.Round(time.Millisecond))})
	}
	if gap := answered.Sub(printed); gap < delay/4 {
		c.fail(report{what: fmt.Sprintf("the handler to read and print the request head first, then wait -delay %v, then answer", delay),
			expectedNote: fmt.Sprintf("the head printed at once, the answer -delay %v after it", delay),
			gotNote: fmt.Sprintf("the head printed %v after the request, the answer only %v after that: "+
				"the handler waited before it read the head", printed.Sub(sent).Round(time.Millisecond), gap.Round(time.Millisecond))})
	}
}

// checkConnectionLog is exercise 2.2: once a connection is closed, the
// server prints a line with the client's address and how long the
// connection took, as a Go duration: "127.0.0.1:53412 took 100.5ms".
func checkConnectionLog(t *testing.T, tg target) {
	const delay = 200 * time.Millisecond
	p := start(t, tg, "-delay", delay.String())
	t.Run("the client's address and how long it took", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
		expectConnLine(t, p, c, func(d time.Duration) bool { return d >= delay && d < answerTimeout },
			fmt.Sprintf("at least %v (the -delay)", delay))
	})
	t.Run("a client that leaves without a request", func(t *testing.T) {
		c := p.dial(t)
		c.note = "nc localhost 8888, then Ctrl-C before you type anything: the server must print a line for it too"
		c.conn.Close()
		expectConnLine(t, p, c, func(d time.Duration) bool { return d >= 0 && d < answerTimeout }, "under 5s")
	})
	t.Run("the time is this connection's own", func(t *testing.T) {
		c := p.dial(t)
		dialed := time.Now()
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
		took := time.Since(dialed)
		expectConnLine(t, p, c, func(d time.Duration) bool { return d >= delay && d <= took+delay/4 },
			fmt.Sprintf("from %v (the -delay) to %v (what the client saw, from connecting to the close)", delay, took.Round(time.Millisecond)))
	})
}

// expectConnLine waits for a line on stdout that names c's address and a
// duration for which ok holds.
func expectConnLine(t *testing.T, p *program, c *client, ok func(time.Duration) bool, want string) {
	t.Helper()
	client := c.conn.LocalAddr().String() // the server's RemoteAddr
	if _, found := p.stdout.wait(0, func(line string) bool {
		d, isDuration := durationIn(line)
		return containsAddr(line, client) && isDuration && ok(d)
	}, answerTimeout, p.exited); !found {
		r := p.missingLine(fmt.Sprintf("a line on stdout, once the connection from %s had closed, that names that address "+
			"and how long the connection took as a Go duration (time.Duration's String), %s", client, want),
			fmt.Sprintf("a line such as %q", client+" took 200.52ms"))
		if len(c.sent) > 0 {
			r.sent = c.command()
		}
		r.note = c.note
		p.fail(t, r)
	}
}

// containsAddr reports whether line names addr, "127.0.0.1:53412", as a
// word of its own (not 127.0.0.1:534120).
func containsAddr(line, addr string) bool {
	for _, w := range strings.Fields(line) {
		if strings.Trim(w, "()[],;") == addr {
			return true
		}
	}
	return false
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
// behind it gets its answer; without it, no limit.
func checkReadTimeout(t *testing.T, tg target) {
	const timeout = 300 * time.Millisecond
	p := start(t, tg, "-read-timeout", timeout.String())
	t.Run("a silent client is cut off, and the next one served", func(t *testing.T) {
		silent := p.dial(t) // connects and sends nothing
		next := p.dial(t)
		next.note = "in one terminal, connect and send nothing: nc localhost 8888\n" +
			"in another, curl -v http://localhost:8888/ must be answered once the -read-timeout has passed"
		next.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		next.expectExactly(hello)
		silent.expectClosed()
	})
	t.Run("a prompt client is answered as before", func(t *testing.T) {
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
	t.Run("the whole request within the time, not each line", func(t *testing.T) {
		expectTrickleCut(t, p, timeout)
	})
	t.Run("the answer is not cut off", func(t *testing.T) {
		// A handler slower than the read timeout: the request came in
		// time, so its answer must go out.
		p := start(t, tg, "-read-timeout", timeout.String(), "-delay", (2 * timeout).String())
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
	t.Run("without -read-timeout, no limit", func(t *testing.T) {
		p := start(t, tg)
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\n")
		c.expectSilence("no answer, and no close, while the client takes its time without -read-timeout")
		c.send("Host: localhost\r\n\r\n")
		c.expectExactly(hello)
	})
}

// expectTrickleCut sends a request head one field line every timeout/3,
// each line in time but the whole head never ending, and expects the server
// to close the connection: -read-timeout bounds the whole request.
func expectTrickleCut(t *testing.T, p *program, timeout time.Duration) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", p.addr, answerTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		conn.Write([]byte("GET / HTTP/1.1\r\n"))
		tick := time.NewTicker(timeout / 3)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := fmt.Fprintf(conn, "X-Slow-%d: a\r\n", i); err != nil {
					return
				}
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(answerTimeout))
	buf := make([]byte, 1024)
	for {
		_, err := conn.Read(buf)
		if err == nil {
			continue // whatever the server says before it closes
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			p.fail(t, report{
				what: fmt.Sprintf("the server to close a connection whose request head has not ended %v after it began, "+
					"though a field line comes every %v", timeout, timeout/3),
				sent:         `{ printf 'GET / HTTP/1.1\r\n'; for i in $(seq 50); do printf 'X-Slow: a\r\n'; sleep 0.1; done; } | nc localhost 8888`,
				expectedNote: fmt.Sprintf("the close, %v after the request began", timeout),
				gotNote:      fmt.Sprintf("the connection still open %v later: the deadline must bound the whole request, not each read", answerTimeout),
			})
		}
		return // closed
	}
}
