//go:build exercises

package exercises

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Helpers of the checks of chapters 1 to 3 and of the ladders 1 → 2 and
// 2 → 3.

// expectSameHead checks that r, a response to HEAD, has the status line and
// the header fields of get, the response to the same GET: the same fields
// with the same values, in any order and with names in any case (RFC 9110
// §5.1, §9.3.2).
func (c *client) expectSameHead(r, get *response) {
	c.t.Helper()
	if r.statusLine != get.statusLine {
		c.fail(report{what: "the status line GET gets", expected: get.statusLine, got: r.statusLine})
	}
	for _, f := range get.fields {
		if got, ok := r.get(f.name); !ok || got != f.value {
			line, note := fieldLine(r, f.name)
			c.fail(report{what: "the " + f.name + " field GET gets", expected: f.name + ": " + f.value, got: line, gotNote: note})
		}
	}
	for _, f := range r.fields {
		if _, ok := get.get(f.name); !ok {
			c.fail(report{what: "only the fields GET gets", expected: "", got: f.name + ": " + f.value,
				gotNote: "a field that GET's response does not have"})
		}
	}
}

// expectContentLength checks that r has a Content-Length field and that it
// counts r's body.
func (c *client) expectContentLength(r *response) {
	c.t.Helper()
	if _, ok := r.get("Content-Length"); !ok {
		c.fail(report{what: "a Content-Length field that counts the body's bytes",
			expected: fmt.Sprintf("Content-Length: %d", len(r.body)), gotNote: "no Content-Length field"})
	}
	c.expectFraming(r)
}

// waitPrinted waits until the program has printed want, a request head
// line by line, on stdout, and returns when the last line came. It fails
// the test if the lines do not come, in order, within answerTimeout.
func waitPrinted(t *testing.T, p *program, c *client, want []string) time.Time {
	t.Helper()
	k := 0
	_, ok := p.stdout.wait(0, func(line string) bool {
		if k < len(want) && line == want[k] {
			k++
		}
		return k == len(want)
	}, answerTimeout, p.exited)
	if !ok {
		r := p.missingLine("the server to print the request head it read, as HelloHandler does, line by line",
			"these lines, in order: "+strconv.Quote(strings.Join(want, "")))
		r.sent = c.command()
		p.fail(t, r)
	}
	return time.Now()
}

// startLimited is start with the program allowed at most nofile open file
// descriptors (sh's ulimit -n, the same for soft and hard limit, so that the
// Go runtime cannot raise it). Windows has no such limit: there the test is
// skipped.
func startLimited(t *testing.T, tg target, nofile int, args ...string) *program {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("this check limits the server's file descriptors with ulimit -n, which Windows does not have")
	}
	exe := binary(t, tg, false)
	p := &program{tg: tg, args: args, stdout: newLineLog(), stderr: new(lockedBuffer), exited: make(chan struct{})}
	p.cmd = exec.Command("sh", append([]string{"-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile),
		exe, "-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Dir = t.TempDir()
	p.cmd.Env = os.Environ()
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	line, _ := p.stdout.wait(0, func(string) bool { return true }, answerTimeout, p.exited)
	m := firstLine.FindStringSubmatch(line)
	if m == nil {
		p.failStart(t, fmt.Sprintf("%q, with ulimit -n %d", line, nofile))
	}
	p.addr = m[1]
	return p
}

// expectEnd checks that nothing follows the response just read, not even
// bytes that came along with it and wait in the client's buffer, and that
// the server closes the connection.
func (c *client) expectEnd() {
	c.t.Helper()
	if n := c.br.Buffered(); n > 0 {
		extra, _ := c.br.Peek(n)
		c.fail(report{what: "nothing after the response: Content-Length counts the body, and a response to HEAD has none",
			expected: "", got: string(extra), gotNote: "bytes after the end of the response"})
	}
	c.expectClosed()
}
