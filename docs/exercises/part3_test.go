//go:build exercises

package exercises

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// visitor is the body of a CountHandler's answer.
var visitor = regexp.MustCompile(`^You are visitor number ([0-9]+)$`)

// checkCountRace is exercise 3.1: the CountHandler of exercise 2.1, under
// concurrent load in a program built with the race detector, counts every
// visitor once, and the race detector reports nothing.
//
// The clients send their requests at once to a -delay server, so that every
// handler has read its request before any has answered: the increments of
// the counter overlap, and an unguarded one is a race the detector sees.
func checkCountRace(t *testing.T, tg target) {
	const clients = 16
	p := startRace(t, tg, "-count", "-delay", "100ms")
	conns := make([]*client, clients)
	for i := range conns {
		conns[i] = p.dial(t)
		conns[i].note = fmt.Sprintf("go run -race ./%s -count -delay 100ms, then, in another terminal,\n"+
			"for i in $(seq %d); do curl -s http://localhost:8888/ & done; wait", tg.name, clients)
		conns[i].send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	}
	seen := map[int]bool{}
	for _, c := range conns {
		r := c.expectStatus("GET", "HTTP/1.1 200 OK")
		c.expectFraming(r)
		m := visitor.FindSubmatch(r.body)
		if m == nil {
			c.fail(report{what: "the body", expected: "You are visitor number N", got: string(r.body)})
		}
		n, _ := strconv.Atoi(string(m[1]))
		if seen[n] || n < 1 || n > clients {
			t.Errorf("%d clients got the visitor numbers %v and %d: each number from 1 to %d must come once.\n"+
				"A lost update (two handlers read the same count, both add one) gives two visitors the same number.",
				clients, slices.Sorted(maps.Keys(seen)), n, clients)
		}
		seen[n] = true
	}
	// The program has answered everyone; stop it so that its stderr is complete.
	p.cmd.Process.Kill()
	<-p.exited
	if stderr := p.stderr.String(); strings.Contains(stderr, "WARNING: DATA RACE") {
		t.Errorf("expected no data race; the race detector reported one while %d clients were served at once\n"+
			"  try it:    %s\n  stderr:\n%s", clients, strings.ReplaceAll(conns[0].note, "\n", "\n             "), indentText(stderr, 40))
	}
}

// checkMaxConns is exercise 3.2: with -max-conns 2, two clients inside
// their handlers keep a third waiting until one of them is done.
func checkMaxConns(t *testing.T, tg target) {
	p := start(t, tg, "-max-conns", "2")
	a := enter(t, p, "/a")
	b := enter(t, p, "/b")
	c := p.dial(t)
	c.note = "run nc localhost 8888 in two terminals and type one line, GET / HTTP/1.1, in each;\n" +
		"then curl -v http://localhost:8888/ in a third must wait until you end one request with an empty line"
	c.send("GET /c HTTP/1.1\r\nHost: localhost\r\n\r\n")
	c.expectSilence("no answer to a third client while two are being served and -max-conns is 2")

	a.send("Host: localhost\r\n\r\n")
	a.expectExactly(hello)
	c.expectExactly(hello) // a's place is free
	b.send("Host: localhost\r\n\r\n")
	b.expectExactly(hello)
}

// enter connects a client that sends only the request line for path, and
// returns once the server has printed that line: its handler is running,
// waiting for the rest of the head.
func enter(t *testing.T, p *program, path string) *client {
	t.Helper()
	c := p.dial(t)
	line := "GET " + path + " HTTP/1.1\r\n"
	c.send(line)
	if _, ok := p.stdout.wait(0, func(l string) bool { return l == line }, answerTimeout, p.exited); !ok {
		t.Fatalf("expected the server to print the request line %q as it reads it, as the part does, "+
			"within %v of its arrival\n  sent:      %s\n             (with your server running: %s)\n"+
			"  got on stdout:\n%s", line, answerTimeout, c.command(), p.runLine(),
			showBytes([]byte(strings.Join(p.stdout.all(), "")), "             "))
	}
	return c
}

// checkShutdownTimeout is exercise 3.3: on SIGTERM, a request in flight is
// answered; a connection still open when -shutdown-timeout has passed is
// closed by the server; and the program exits 0.
func checkShutdownTimeout(t *testing.T, tg target) {
	skipWithoutSignals(t)
	p := start(t, tg, "-shutdown-timeout", "500ms", "-delay", "200ms")
	idle := enter(t, p, "/idle") // never finishes its request
	busy := p.dial(t)
	busy.send("GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n")
	// The handler prints the head before its delay: the empty line is busy's.
	if _, ok := p.stdout.wait(0, isEmptyLine, answerTimeout, p.exited); !ok {
		t.Fatalf("expected the server to print the request head it read, up to its empty line; stdout:\n%s",
			showBytes([]byte(strings.Join(p.stdout.all(), "")), "    "))
	}
	p.signal(t, syscall.SIGTERM)
	busy.expectExactly(hello)
	idle.note = "run nc localhost 8888 and type GET / HTTP/1.1 (no empty line); then stop the server with Ctrl-C:\n" +
		"once -shutdown-timeout has passed, the server must close that connection and exit with status 0"
	idle.expectClosed()
	code, ok := p.waitExit(answerTimeout)
	if !ok || code != 0 {
		got := fmt.Sprintf("exit status %d", code)
		if !ok {
			got = fmt.Sprintf("still running %v after SIGTERM", answerTimeout)
		}
		t.Fatalf("expected the program to exit with status 0 once it had closed the connection left open\n"+
			"  try it:    %s\n             (with your server running: %s)\n  got:       %s\n  stderr:    %s",
			strings.ReplaceAll(idle.note, "\n", "\n             "), p.runLine(), got, indent(p.stderr.String()))
	}
}

func isEmptyLine(line string) bool { return line == "\r\n" || line == "\n" }
