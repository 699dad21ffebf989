//go:build exercises

package exercises

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The tests below check the harness itself: the commands and the byte
// positions a failing check prints must be right, or a learner is misled.

func TestHarnessFirstDiff(t *testing.T) {
	tests := []struct {
		want, got string
		prefix    bool
		at        int
		differ    bool
	}{
		{"HTTP/1.1 404 ", "HTTP/1.1 200 OK", true, 9, true},
		{"HTTP/1.1 404 ", "HTTP/1.1 404 Not Found", true, 0, false},
		{"HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found", false, 0, false},
		{"HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found\r", false, 22, true},
		{"abc", "ab", false, 2, true},
		{"", "H", false, 0, true},
		{"H", "", true, 0, true},
	}
	for _, tt := range tests {
		at, differ := firstDiff(tt.want, tt.got, tt.prefix)
		if at != tt.at || differ != tt.differ {
			t.Errorf("firstDiff(%q, %q, %v) = %d, %v, want %d, %v", tt.want, tt.got, tt.prefix, at, differ, tt.at, tt.differ)
		}
	}
}

func TestHarnessDescribeByte(t *testing.T) {
	got := []string{describeByte("a\r\n \x01", 0), describeByte("a\r\n \x01", 1), describeByte("a\r\n \x01", 2),
		describeByte("a\r\n \x01", 3), describeByte("a\r\n \x01", 4), describeByte("a", 1)}
	want := []string{"'a' (0x61)", `CR '\r'`, `LF '\n'`, "a space ' '", "byte 0x01", "no byte"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("describeByte (-want +got):\n%s", diff)
	}
}

func TestHarnessNcCommand(t *testing.T) {
	tests := []struct {
		steps []step
		want  string
	}{
		{
			[]step{{data: []piece{{text: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"}}}},
			`printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | nc -N localhost 8888`,
		},
		{
			[]step{{data: []piece{{text: "POST / HTTP/1.1\r\n\r\n"}}}, {pause: true}, {data: []piece{{text: "100%"}}}, {pause: true}},
			`{ printf 'POST / HTTP/1.1\r\n\r\n'; sleep 1; printf '100%%'; } | nc -N localhost 8888`,
		},
		{
			[]step{{data: []piece{{text: "GET /"}, repeat('a', 3), {text: " HTTP/1.1\r\n"}}}},
			`{ printf 'GET /'; head -c 3 /dev/zero | tr '\0' 'a'; printf ' HTTP/1.1\r\n'; } | nc -N localhost 8888`,
		},
	}
	for _, tt := range tests {
		if got := ncCommand(tt.steps); got != tt.want {
			t.Errorf("ncCommand(%v) =\n\t%s\nwant\n\t%s", tt.steps, got, tt.want)
		}
	}
}

// TestHarnessPrintfQuote runs the printf commands in a shell: they must
// print the exact bytes.
func TestHarnessPrintfQuote(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run printf in")
	}
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"100% \\ 'quoted' \"double\" $HOME `tick`",
		"tab\there, NUL\x00, DEL\x7f, é, \x01",
	} {
		out, err := exec.Command(sh, "-c", "printf "+printfQuote(s)).Output()
		if err != nil {
			t.Fatalf("printf %s: %v", printfQuote(s), err)
		}
		if string(out) != s {
			t.Errorf("printf %s printed %q, want %q", printfQuote(s), out, s)
		}
	}
}

func TestHarnessReport(t *testing.T) {
	r := report{
		what:     "the status line",
		sent:     "printf 'GET /nope HTTP/1.1\\r\\n\\r\\n' | nc -N localhost 8888",
		run:      "go run ./mypart4",
		expected: "HTTP/1.1 404 ",
		prefix:   true,
		got:      "HTTP/1.1 200 OK",
		received: []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
	}
	want := `expected the status line
  sent:      printf 'GET /nope HTTP/1.1\r\n\r\n' | nc -N localhost 8888
             (with your server running: go run ./mypart4)
  expected:  a line that starts with "HTTP/1.1 404 "
  got:       "HTTP/1.1 200 OK"
  first difference at byte 9: expected '4' (0x34), got '2' (0x32)
  received (40 bytes):
             HTTP/1.1 200 OK␍␊
             Content-Length: 2␍␊
             ␍␊
             hi
`
	if diff := cmp.Diff(want, r.String()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if !strings.Contains(report{expected: "a", got: ""}.String(), "got:       nothing") {
		t.Errorf("a report of nothing received does not say so:\n%s", report{expected: "a"}.String())
	}
}

// TestHarnessReportWording pins the wording of the messages that misled
// learners (issue 13): each case is a report as a check makes it, and what
// its lines must say.
func TestHarnessReportWording(t *testing.T) {
	tests := []struct {
		name string
		r    report
		want []string // lines the report must contain
		not  []string // and must not
	}{
		{
			name: "a closed connection where silence was expected is not nothing/nothing",
			r:    report{what: "no answer yet", expectedNote: "nothing yet, on a connection that stays open", gotNote: "the server closed the connection: connection reset (RST)"},
			want: []string{"  expected:  nothing yet, on a connection that stays open\n", "  got:       the server closed the connection: connection reset (RST)\n"},
			not:  []string{"got:       nothing"},
		},
		{
			name: "which response",
			r:    report{what: "the status line", which: ordinal(2), expected: "HTTP/1.1 404 ", prefix: true, got: "HTTP/1.1 200 OK"},
			want: []string{"expected the status line, in the second response on this connection\n"},
		},
		{
			name: "what the program printed, lined up under the values",
			r: report{what: "the program to exit with status 0", expectedNote: "exit status 0", gotNote: "exit status 1",
				stdout: "Serving HTTP on http://127.0.0.1:8888 ...\nGET / HTTP/1.1\r\n", stderr: "shutdown:\n  2 still open\n"},
			want: []string{"  stdout:\n             Serving HTTP on http://127.0.0.1:8888 ...␊\n             GET / HTTP/1.1␍␊\n",
				"  stderr:    shutdown:\n               2 still open\n"},
		},
		{
			name: "a missing field",
			r:    report{what: "a Date field", expected: "Date: …", gotNote: "no Date field"},
			want: []string{"  got:       nothing (no Date field)\n"},
			not:  []string{`"Date: "`},
		},
	}
	for _, tt := range tests {
		got := tt.r.String()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the report does not say %q:\n%s", tt.name, w, got)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: the report says %q:\n%s", tt.name, w, got)
			}
		}
	}
	if s := (report{what: "the body", expected: "a", got: "b"}).short(); strings.Contains(s, "\n") {
		t.Errorf("short() is more than one line: %q", s)
	}
}

// fakeServer accepts one connection and writes answer to it, then keeps it
// open until the test ends.
func fakeServer(t *testing.T, answer string) *program {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		t.Cleanup(func() { conn.Close() })
		conn.Write([]byte(answer))
	}()
	return &program{tg: target{name: "mypart4"}, addr: ln.Addr().String()}
}

// TestHarnessClientReports checks what a client's reports say about the
// exchange: which response a failure is about, a missing field, and a body
// after a response to HEAD.
func TestHarnessClientReports(t *testing.T) {
	t.Run("the second response, without a Date field", func(t *testing.T) {
		p := fakeServer(t, "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		c := p.dial(t)
		c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectResponse("GET")
		c.expectResponse("GET")
		r := c.complete(report{what: "a Date field", expected: "Date: …", got: "Date: "})
		out := r.String()
		for _, want := range []string{"in the second response on this connection", "got:       nothing (no Date field)", "nc -N localhost 8888"} {
			if !strings.Contains(out, want) {
				t.Errorf("the report does not say %q:\n%s", want, out)
			}
		}
	})
	t.Run("a body after HEAD", func(t *testing.T) {
		p := fakeServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
		c := p.dial(t)
		c.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.expectResponse("HEAD")
		_, err := c.readResponse("GET", time.Second)
		if err == nil || !strings.Contains(err.Error(), "a body after the response to HEAD") {
			t.Errorf("a body after HEAD: readResponse says %v, want it named as a body after the response to HEAD", err)
		}
		if c.about != 1 {
			t.Errorf("a body after HEAD is about response %d, want 1 (the HEAD's)", c.about)
		}
	})
}

func TestHarnessApplyAdvice(t *testing.T) {
	ex := Exercise{Number: "4.2", Part: "part4-httpserver"}
	if got := applyAdvice(ex, target{name: "part4-httpserver"}); !strings.Contains(got, "`git apply docs/exercises/solutions/part4-2.patch`") {
		t.Errorf("for the shipped part: %s", got)
	}
	if got := applyAdvice(ex, target{name: "my4"}); !strings.Contains(got, "git apply -p2 --directory=my4 docs/exercises/solutions/part4-2.patch") {
		t.Errorf("for PART=my4: %s", got)
	}
}

// TestHarnessLadderMessages runs this test binary on a copy of part 2 as a
// learner runs the ladder 1 → 2 (go test -v): a line per checkpoint as it
// passes and a last line that says the ladder is green; then, with the copy
// broken, that it does not build (not "on checkpoint 1"), and where the
// learner was the last time it built.
func TestHarnessLadderMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a copy of part 2")
	}
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f), data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	part := filepath.Join(dir, "mypart2")
	if err := os.CopyFS(part, os.DirFS(filepath.Join(root, "part2-tcpserver"))); err != nil {
		t.Fatal(err)
	}
	// The place is kept in the user's cache folder: this test's own. Go's
	// caches stay where they are, or the copy's build would compile the
	// standard library anew.
	goenv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	env := append(os.Environ(), "PART="+part, "XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
		"HOME="+dir, "LocalAppData="+filepath.Join(dir, "cache"))
	values := strings.Split(strings.ReplaceAll(string(goenv), "\r\n", "\n"), "\n")
	for i, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		env = append(env, name+"="+values[i])
	}
	ladder := func() string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLadder1to2$", "-test.v", "-test.count=1")
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := ladder()
	for _, want := range []string{
		"ok   " + part + ": checkpoint 1 of 3: ",
		"ok   " + part + ": checkpoint 3 of 3: ",
		part + " passes every checkpoint of the ladder part1-hello → part2-tcpserver: the ladder is green",
	} {
		if !strings.Contains(out, filepath.ToSlash(want)) {
			t.Errorf("the ladder on a copy of part 2: no %q in its output:\n%s", want, out)
		}
	}
	if err := os.WriteFile(filepath.Join(part, "broken.go"), []byte("package main\n\nfunc broken() { return 1 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = ladder()
	for _, want := range []string{
		part + " does not build, so no checkpoint can be checked; fix what the compiler says:",
		"The last time it built, " + part + " passed every checkpoint of the ladder part1-hello → part2-tcpserver.",
	} {
		if !strings.Contains(out, filepath.ToSlash(want)) {
			t.Errorf("the ladder on a copy of part 2 that does not build: no %q in its output:\n%s", want, out)
		}
	}
	if strings.Contains(out, "checkpoint 1 of 3") {
		t.Errorf("a copy that does not build is reported as on a checkpoint:\n%s", out)
	}
}
