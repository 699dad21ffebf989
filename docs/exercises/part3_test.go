//go:build exercises

package exercises

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// visitor is the body of a CountHandler's answer.
var visitor = regexp.MustCompile(`^You are visitor number ([0-9]+)$`)

// checkCountRace is exercise 3.1: the CountHandler of exercise 2.1, with
// everything 2.1 asks of it, and under concurrent load in a program built
// with the race detector it counts every visitor once, and the race
// detector reports nothing.
//
// The clients send their requests at once to a -delay server, so that every
// handler has read its request before any has answered: the increments of
// the counter overlap, and an unguarded one is a race the detector sees.
func checkCountRace(t *testing.T, tg target) {
	t.Run("as in 2.1", func(t *testing.T) { checkCountHandler(t, tg) })
	const clients = 16
	p := startRace(t, tg, "-count", "-delay", "100ms")
	conns := make([]*client, clients)
	for i := range conns {
		conns[i] = p.dial(t)
		conns[i].note = fmt.Sprintf("go run -race ./%s -count -delay 100ms, then, in another terminal,\n"+
			"for i in $(seq %d); do curl -s http://localhost:8888/ & done; wait", tg.name, clients)
		conns[i].send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	}
	t.Run("16 at once: each number from 1 to 16 once", func(t *testing.T) {
		seen := map[int]bool{}
		for _, c := range conns {
			c.t = t
			r := c.expectStatus("GET", "HTTP/1.1 200 ")
			m := visitor.FindSubmatch(r.body)
			if m == nil {
				c.fail(report{what: "the body", expected: "You are visitor number N", got: string(r.body)})
			}
			n, _ := strconv.Atoi(string(m[1]))
			if seen[n] || n < 1 || n > clients {
				failCheck(t, report{
					what:         fmt.Sprintf("each visitor number from 1 to %d once, for %d clients at once", clients, clients),
					note:         conns[0].note,
					expectedNote: fmt.Sprintf("the numbers 1 to %d, each once", clients),
					gotNote:      fmt.Sprintf("the numbers %v, and then %d", slices.Sorted(maps.Keys(seen)), n),
					extra:        "A lost update (two handlers read the same count, both add one) gives two visitors the same number.",
				})
			}
			seen[n] = true
		}
	})
	t.Run("no data race", func(t *testing.T) {
		for _, c := range conns {
			c.t = t
			c.conn.SetReadDeadline(time.Now().Add(answerTimeout))
			io.Copy(io.Discard, c.conn) // every answer is in: the handlers are done
		}
		// Stop the program so that its stderr is complete.
		p.cmd.Process.Kill()
		<-p.exited
		if stderr := p.stderr.String(); strings.Contains(stderr, "WARNING: DATA RACE") {
			failCheck(t, report{
				what:         "no data race",
				note:         conns[0].note,
				expectedNote: "no report from the race detector",
				gotNote:      fmt.Sprintf("a data race, reported while %d clients were served at once (stderr below)", clients),
				stderr:       stderr,
			})
		}
	})
}

// checkMaxConns is exercise 3.2: with -max-conns 2, two clients inside
// their handlers keep a third waiting until one of them is done; the
// clients over the cap wait in the listen backlog, not accepted, so that
// they cost the server no file descriptor; without -max-conns, no cap.
func checkMaxConns(t *testing.T, tg target) {
	t.Run("the client over the cap waits its turn", func(t *testing.T) {
		p := start(t, tg, "-max-conns", "2")
		a := enter(t, p, "/a")
		b := enter(t, p, "/b")
		c := p.dial(t)
		c.note = "run nc localhost 8888 in two terminals and type one line, GET / HTTP/1.1, in each;\n" +
			"then curl -v http://localhost:8888/ in a third must wait until you end one request with an empty line"
		c.send("GET /c HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectSilence("no answer, and no close, to a third client while two are being served and -max-conns is 2")

		a.send("Host: localhost\r\n\r\n")
		a.expectExactly(hello)
		c.expectExactly(hello) // a's place is free
		b.send("Host: localhost\r\n\r\n")
		b.expectExactly(hello)
		d := p.dial(t) // every place is free again
		d.send("GET /d HTTP/1.1\r\nHost: localhost\r\n\r\n")
		d.expectExactly(hello)
	})
	t.Run("the clients over the cap are not accepted", func(t *testing.T) {
		checkWaitInBacklog(t, tg)
	})
	t.Run("without -max-conns, no cap", func(t *testing.T) {
		p := start(t, tg)
		var held []*client
		for i := range 3 {
			held = append(held, enter(t, p, fmt.Sprintf("/held-%d", i+1)))
		}
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectExactly(hello)
		for _, h := range held {
			h.send("Host: localhost\r\n\r\n")
			h.expectExactly(hello)
		}
	})
}

// checkWaitInBacklog runs the server with -max-conns 2 and room for
// nofile file descriptors (ulimit -n), holds two clients inside their
// handlers and connects waiting more clients than the server has
// descriptors left. A server that takes its slot before Accept leaves them
// in the kernel's listen backlog and serves them all once the two are done;
// one that accepts them first and then waits for a slot runs out of
// descriptors: Accept fails ("too many open files") and the clients it
// could not accept are never served.
func checkWaitInBacklog(t *testing.T, tg target) {
	const nofile, waiting = 24, 40
	p := startLimited(t, tg, nofile, "-max-conns", "2")
	a := enter(t, p, "/a")
	b := enter(t, p, "/b")
	note := fmt.Sprintf("go build -o /tmp/server ./%s && sh -c 'ulimit -n %d && /tmp/server -max-conns 2'; then\n"+
		"run nc localhost 8888 in two terminals and type one line, GET / HTTP/1.1, in each;\n"+
		"in a third: for i in $(seq %d); do curl -s -w '\\n' http://localhost:8888/ & done\n"+
		"and end the two requests with an empty line: every curl must print Hello, World!\n"+
		"A client over the cap must wait in the listen backlog, not accepted: an accepted one holds a file descriptor.",
		tg.name, nofile, waiting)
	var cs []*client
	for range waiting {
		c := p.dial(t)
		c.note = note
		c.send("GET /waiting HTTP/1.1\r\nHost: localhost\r\n\r\n")
		cs = append(cs, c)
	}
	// Time for a server that accepts them to do so, and run out.
	cs[waiting-1].expectSilence("no answer to a client over the cap while two are being served and -max-conns is 2")
	a.send("Host: localhost\r\n\r\n")
	a.expectExactly(hello)
	b.send("Host: localhost\r\n\r\n")
	b.expectExactly(hello)
	for i, c := range cs {
		c.conn.SetReadDeadline(time.Now().Add(answerTimeout))
		got, err := io.ReadAll(c.br)
		if string(got) != hello {
			how := "nothing more"
			if err != nil {
				how = errText(err)
			}
			failCheck(t, report{
				what:     fmt.Sprintf("each of the %d clients over the cap to get Hello, World! once the two before them were done", waiting),
				note:     note,
				expected: hello,
				got:      string(got),
				gotNote:  fmt.Sprintf("client %d of %d, then %s", i+1, waiting, how),
				stderr:   p.stderrShown(),
				extra: fmt.Sprintf("With ulimit -n %d, a server that accepts every client over the cap runs out of file descriptors, "+
					"and Accept fails.", nofile),
			})
		}
	}
}

// checkShutdownTimeout is exercise 3.3: on SIGTERM, a request in flight is
// answered; the connections still open when -shutdown-timeout has passed,
// and not before, are closed by the server; and the program exits 0. Without
// the flag, shutdown waits longer (10 s).
func checkShutdownTimeout(t *testing.T, tg target) {
	skipWithoutSignals(t)
	const timeout = 500 * time.Millisecond
	p := start(t, tg, "-shutdown-timeout", timeout.String(), "-delay", "200ms")
	idle := []*client{enter(t, p, "/idle-1"), enter(t, p, "/idle-2")} // never finish their requests
	note := "run nc localhost 8888 twice and type GET / HTTP/1.1 (no empty line); then stop the server with Ctrl-C:\n" +
		"once -shutdown-timeout has passed, the server must close both connections and exit with status 0"
	busy := p.dial(t)
	busy.send("GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n")
	// The handler prints the head before its delay: the empty line is busy's.
	p.expectLine(t, isEmptyLine, "the server to print the request head it read, up to its empty line", note)
	p.signal(t, syscall.SIGTERM)
	signalled := time.Now()
	t.Run("a request in flight is answered", func(t *testing.T) {
		busy.t = t
		busy.expectExactly(hello)
	})
	t.Run("every connection still open is closed", func(t *testing.T) {
		for _, c := range idle {
			c.t = t
			c.note = note
			c.expectClosed()
		}
	})
	t.Run("not before -shutdown-timeout", func(t *testing.T) {
		if took := time.Since(signalled); took < timeout {
			p.fail(t, report{
				what:         fmt.Sprintf("the connections left open to be closed once -shutdown-timeout %v had passed, not before", timeout),
				note:         note,
				expectedNote: fmt.Sprintf("the close %v or more after SIGTERM", timeout),
				gotNote:      fmt.Sprintf("closed %v after SIGTERM", took.Round(time.Millisecond)),
			})
		}
	})
	t.Run("the program exits 0", func(t *testing.T) {
		p.expectExit0(t, "SIGTERM, once it had closed the connections left open", note)
	})
	t.Run("without the flag, shutdown waits longer", func(t *testing.T) {
		p := start(t, tg)
		c := enter(t, p, "/idle")
		c.note = "run nc localhost 8888 and type GET / HTTP/1.1 (no empty line); then stop the server with Ctrl-C:\n" +
			"without -shutdown-timeout, the connection must stay open for 10 s"
		p.signal(t, syscall.SIGTERM)
		c.expectSilence("the connection still open right after SIGTERM: -shutdown-timeout is 10 s by default")
	})
}
