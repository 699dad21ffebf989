//go:build exercises

package exercises

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fail ends the check with a report on this client's exchange.
func (c *client) fail(r report) {
	c.t.Helper()
	failCheck(c.t, c.complete(r))
}

// complete fills in what a report on this client's exchange says beside
// what the check found: the command, the server's command line, the bytes
// received, which response it is about, and a missing field named as such.
func (c *client) complete(r report) report {
	r.sent = c.command()
	r.run = c.p.runLine()
	r.note = c.note
	if r.received == nil {
		r.received = c.received.Bytes()
	}
	if c.about > 0 && c.responses > 1 && r.which == "" {
		r.which = ordinal(c.about)
	}
	// A field the response does not have at all, reported as "Name: ".
	if m := bareField.FindStringSubmatch(r.got); m != nil && r.gotNote == "" && c.last != nil {
		if _, ok := c.last.get(m[1]); !ok {
			r.got, r.gotNote = "", "no "+m[1]+" field"
		}
	}
	return r
}

// fail ends the check with a report on something that is not one client's
// exchange (what net/http's client saw, say): r.sent says how to see it.
func (p *program) fail(t *testing.T, r report) {
	t.Helper()
	if r.run == "" {
		r.run = p.runLine()
	}
	failCheck(t, r)
}

// bareField matches a field line without a value: "Date: ".
var bareField = regexp.MustCompile(`^([A-Za-z0-9-]+): ?$`)

// ordinal names response n of a connection: "the second response" for 2.
func ordinal(n int) string {
	words := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if n >= 1 && n <= len(words) {
		return "the " + words[n-1] + " response"
	}
	return fmt.Sprintf("response number %d", n)
}

// failed holds the exercises and checkpoints ("TestPart4/4.2") that have
// printed a report in full: the failures after the first print one line each,
// so that the first stays on screen with the To-do after it.
var failed sync.Map

// failCheck ends the test t with the report r: in full for the first failure
// of its exercise or checkpoint, one line for the others.
func failCheck(t *testing.T, r report) {
	t.Helper()
	parts := strings.SplitN(t.Name(), "/", 3)
	key := strings.Join(parts[:min(2, len(parts))], "/")
	if _, seen := failed.LoadOrStore(key, true); seen && len(parts) == 3 {
		t.Fatal(r.short())
	}
	t.Fatal(r.String())
}

// command is the client's transcript as a shell command that sends the same
// bytes to a server on localhost:8888, with a sleep where the client paused.
func (c *client) command() string { return ncCommand(c.sent) }

func ncCommand(steps []step) string {
	var cmds []string
	var text strings.Builder // literal bytes not yet written out as a printf
	flush := func() {
		if text.Len() > 0 {
			cmds = append(cmds, "printf "+printfQuote(text.String()))
			text.Reset()
		}
	}
	for _, s := range steps {
		if s.pause {
			flush()
			cmds = append(cmds, "sleep 1")
			continue
		}
		for _, p := range s.data {
			if p.n == 0 {
				text.WriteString(p.text)
				continue
			}
			flush()
			cmds = append(cmds, fmt.Sprintf("head -c %d /dev/zero | tr '\\0' %s", p.n, printfQuote(string(p.rep))))
		}
	}
	flush()
	// A trailing pause adds nothing: nc waits for the server anyway.
	for len(cmds) > 0 && cmds[len(cmds)-1] == "sleep 1" {
		cmds = cmds[:len(cmds)-1]
	}
	// nc -N ends the connection when its input ends, so that the command
	// ends by itself, also against a server that would keep the connection
	// open for the next request forever (docs/tools.md, "Netcat").
	if len(cmds) == 1 {
		return cmds[0] + " | nc -N localhost 8888"
	}
	return "{ " + strings.Join(cmds, "; ") + "; } | nc -N localhost 8888"
}

// printfQuote quotes s for the shell as a printf format that prints s:
// single quotes, with CR, LF and tab as \r, \n and \t, other control and
// non-ASCII bytes in octal, and printf's own % and \ escaped.
func printfQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '%':
			b.WriteString(`%%`)
		case c == '\'':
			b.WriteString(`'\''`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// A report is what a learner sees when a check fails: what the check sent,
// as a command to paste; what it expected; what came back; and the first
// byte where the two part.
type report struct {
	what     string // what was checked: "the status line"
	which    string // the response it is about, where there were several: "the second response"
	sent     string // the command that sends the same request
	run      string // how to start the server for that command
	note     string // how to see it, where no single command can
	expected string // the bytes expected ("" for none)
	prefix   bool   // got must start with expected, not equal it
	got      string // the bytes that came instead
	gotNote  string // why got ends where it does: "nothing came within 5s"
	received []byte // everything the server sent on this connection
	// expectedNote says in words what was expected where expected is ""
	// and "nothing" would not say enough: "nothing yet, on a connection
	// that stays open".
	expectedNote string
	// stdout and stderr are what the program printed, where the check is
	// about that: the line it should have printed, why it exited.
	stdout, stderr string
	// extra is more to say after the rest, for a failure that is not about
	// one client's exchange: why it matters, what to look for.
	extra string
}

func (r report) String() string {
	var b strings.Builder
	if r.which != "" {
		fmt.Fprintf(&b, "expected %s, in %s on this connection\n", r.what, r.which)
	} else {
		fmt.Fprintf(&b, "expected %s\n", r.what)
	}
	if r.sent != "" {
		fmt.Fprintf(&b, "  sent:      %s\n", r.sent)
	}
	switch {
	case r.run != "" && r.sent != "":
		fmt.Fprintf(&b, "             (with your server running: %s)\n", r.run)
	case r.run != "":
		fmt.Fprintf(&b, "  run:       %s\n", r.run)
	}
	if r.note != "" {
		fmt.Fprintf(&b, "  try it:    %s\n", strings.ReplaceAll(r.note, "\n", "\n             "))
	}
	diff, differ := firstDiff(r.expected, r.got, r.prefix)
	expected, got := r.expectedAndGot(diff)
	fmt.Fprintf(&b, "  expected:  %s\n", expected)
	fmt.Fprintf(&b, "  got:       %s\n", got)
	if differ && (r.expected != "" || r.expectedNote == "") { // an expectation in words has no bytes to compare
		fmt.Fprintf(&b, "  first difference at byte %d: expected %s, got %s\n", diff, describeByte(r.expected, diff), describeByte(r.got, diff))
	}
	if len(r.received) > 0 && string(r.received) != r.got {
		fmt.Fprintf(&b, "  received (%d bytes):\n%s", len(r.received), showBytes(r.received, "             "))
	}
	if r.stdout != "" {
		fmt.Fprintf(&b, "  stdout:\n%s", showBytes([]byte(r.stdout), "             "))
	}
	if r.stderr != "" {
		fmt.Fprintf(&b, "  stderr:    %s\n", strings.ReplaceAll(firstLines(r.stderr, 40), "\n", "\n             "))
	}
	if r.extra != "" {
		b.WriteString(indentText(r.extra, 30) + "\n")
	}
	return b.String()
}

// expectedAndGot are the report's expected and got, as shown.
func (r report) expectedAndGot(diff int) (expected, got string) {
	expected = quoteShort(r.expected, diff)
	switch {
	case r.expected == "" && r.expectedNote != "":
		expected = r.expectedNote
	case r.expected == "":
		expected = "nothing"
	case r.prefix:
		expected = "a line that starts with " + expected
	}
	got = quoteShort(r.got, diff)
	switch {
	case r.got == "" && r.gotNote != "" && r.expected == "":
		got = r.gotNote // not "nothing (…)", which would read like the expected nothing
	case r.got == "":
		got = "nothing"
		if r.gotNote != "" {
			got += " (" + r.gotNote + ")"
		}
	case r.gotNote != "":
		got += " (" + r.gotNote + ")"
	}
	return expected, got
}

// short is the report in one line, for the failures of a check after its
// first, which is shown in full.
func (r report) short() string {
	diff, _ := firstDiff(r.expected, r.got, r.prefix)
	expected, got := r.expectedAndGot(diff)
	which := ""
	if r.which != "" {
		which = " (" + r.which + ")"
	}
	return fmt.Sprintf("also: expected %s%s: %s; got %s (the first failure, above, shows how to see it)", r.what, which, expected, got)
}

// firstDiff returns the offset of the first byte where got differs from
// want. With prefix, got may go on after want.
func firstDiff(want, got string, prefix bool) (int, bool) {
	n := min(len(want), len(got))
	for i := 0; i < n; i++ {
		if want[i] != got[i] {
			return i, true
		}
	}
	if len(want) == len(got) || (prefix && len(got) > len(want)) {
		return 0, false
	}
	return n, true
}

// describeByte names s[i] so that CR, LF and other invisible bytes show.
func describeByte(s string, i int) string {
	if i >= len(s) {
		return "no byte"
	}
	switch c := s[i]; {
	case c == '\r':
		return `CR '\r'`
	case c == '\n':
		return `LF '\n'`
	case c == ' ':
		return "a space ' '"
	case c < ' ' || c >= 0x7f:
		return fmt.Sprintf("byte 0x%02x", c)
	default:
		return fmt.Sprintf("%q (0x%02x)", c, c)
	}
}

// quoteShort is s as a Go string literal, shortened around offset at to
// about 200 bytes.
func quoteShort(s string, at int) string {
	const limit = 200
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	start := max(0, min(at-limit/2, len(s)-limit))
	q := strconv.Quote(s[start : start+limit])
	if start > 0 {
		q = fmt.Sprintf("(%d bytes) … %s", start, q)
	}
	if start+limit < len(s) {
		q += fmt.Sprintf(" … (%d more bytes)", len(s)-start-limit)
	}
	return q
}

// showBytes renders data line by line with CR and LF shown as ␍ and ␊, as
// the chapters do, each line after indent, at most 30 lines.
func showBytes(data []byte, indent string) string {
	var b strings.Builder
	lines := bytes.SplitAfter(data, []byte("\n"))
	for i, line := range lines {
		if len(line) == 0 {
			continue
		}
		if i == 30 {
			fmt.Fprintf(&b, "%s… (%d more lines)\n", indent, len(lines)-i)
			break
		}
		s := string(line)
		if len(s) > 120 {
			s = fmt.Sprintf("%s… (%d bytes)", s[:100], len(line))
		}
		s = strings.NewReplacer("\r", "␍", "\n", "␊").Replace(s)
		b.WriteString(indent + s + "\n")
	}
	return b.String()
}

// indentText is text indented for a report, at most maxLines lines of it.
func indentText(text string, maxLines int) string {
	return "    " + strings.ReplaceAll(firstLines(text, maxLines), "\n", "\n    ")
}

// firstLines is text without its final line end, cut after maxLines lines.
func firstLines(text string, maxLines int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines], fmt.Sprintf("… (%d more lines)", len(lines)-maxLines))
	}
	return strings.Join(lines, "\n")
}

// nextStep tells a learner where they are on the ladder and what to build.
func nextStep(l Ladder, i int, tg target) string {
	cp := l.Checkpoints[i]
	part := ""
	if os.Getenv("PART") != "" {
		part = "PART=" + tg.name + " "
	}
	return fmt.Sprintf("\n%s is on checkpoint %d of %d of the ladder %s → %s:\n    %s\n\n"+
		"To do:\n%s\n\nRead: %s, section %q.\nCheck this step alone: %sgo test -tags exercises ./docs/exercises -run 'Ladder%s/^%d-'\n",
		tg.name, i+1, len(l.Checkpoints), l.From, l.To, cp.Title,
		wrap(cp.Todo, "    ", 88), l.Chapter, cp.Section, part, l.Name, i+1)
}

// wrap breaks text into lines of at most width bytes, each after indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	return b.String()
}
