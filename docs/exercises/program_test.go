//go:build exercises

package exercises

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A target is the folder a check builds: a part, or a learner's copy.
type target struct {
	name string // as the learner wrote it, relative to the repository root: "mypart4"
	dir  string // the absolute path
}

// targetFolder returns the folder to check: the one PART names if it is set,
// otherwise def. missing says what to do when the folder does not exist.
func targetFolder(t *testing.T, def, missing string) target {
	t.Helper()
	name := def
	if part := os.Getenv("PART"); part != "" {
		name, missing = part, ""
	}
	dir := name
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		if missing == "" {
			missing = "PART names a folder relative to the repository root, such as mypart4."
		}
		t.Fatalf("%s has no main.go. %s", name, missing)
	}
	return target{name: filepath.ToSlash(name), dir: dir}
}

// A build is one folder compiled, once per test run.
type build struct {
	once sync.Once
	path string // the executable
	skip string // why the test cannot run here (no race detector)
	err  error  // the compiler's complaint
}

var builds sync.Map // buildKey → *build

type buildKey struct {
	dir  string
	race bool
}

// binary builds tg once per test run, with the race detector if race is
// set, and returns the executable. A folder that does not compile fails the
// test; where the race detector is not available, the test is skipped.
func binary(t *testing.T, tg target, race bool) string {
	t.Helper()
	b := buildOnce(tg, race)
	switch {
	case b.err != nil:
		t.Fatal(b.err)
	case b.skip != "":
		t.Skip(b.skip)
	}
	return b.path
}

func buildOnce(tg target, race bool) *build {
	v, _ := builds.LoadOrStore(buildKey{tg.dir, race}, new(build))
	b := v.(*build)
	b.once.Do(func() {
		noteInputs(tg.dir)
		// .ci/prove-exercises builds every patched copy itself (a mistake
		// must build), and names the executable: DIR=EXECUTABLE.
		if dir, exe, ok := strings.Cut(os.Getenv("EXERCISES_PREBUILT"), "="); ok && !race && dir == tg.dir {
			b.path = exe
			return
		}
		if race {
			// Compile errors first, without the race detector, so that a
			// learner's typo fails the check instead of skipping it.
			if plain := buildOnce(tg, false); plain.err != nil {
				b.err = plain.err
				return
			}
		}
		dir, err := os.MkdirTemp(binDir, "")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, filepath.Base(tg.dir))
		if runtime.GOOS == "windows" {
			b.path += ".exe"
		}
		args := []string{"build", "-o", b.path}
		if race {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir = tg.dir
		out, err := cmd.CombinedOutput()
		switch {
		case err == nil:
		case race:
			b.skip = fmt.Sprintf("this check runs %s built with the race detector, which is not available here "+
				"(it needs cgo: CGO_ENABLED=1 and a C compiler):\n%s", tg.name, out)
		default:
			b.err = fmt.Errorf("go build ./%s:\n%s", tg.name, out)
		}
	})
	return b
}

// noteInputs reads the folder's tree and the module files, so that go
// test's cache, which records what a test opens, knows that the result
// depends on them: an edit to the folder runs the checks again instead of
// printing "(cached)". (go build, which really reads them, runs in a child
// process that go test does not watch.)
func noteInputs(dir string) {
	filepath.WalkDir(dir, func(string, fs.DirEntry, error) error { return nil })
	for _, f := range []string{"go.mod", "go.sum"} {
		os.Stat(filepath.Join(root, f))
	}
}

// A program is the learner's server, running.
type program struct {
	tg     target
	exe    string   // the executable
	args   []string // flags after -addr, for the command that starts it
	setup  string   // a shell command to run before that one, if any: "d=$(mktemp -d) && …"
	cmd    *exec.Cmd
	addr   string // 127.0.0.1:PORT, read from the first line
	stdout *lineLog
	stderr *lockedBuffer
	exited chan struct{} // closed when the process has exited
}

// firstLine is the contract every part keeps: the first line on stdout
// names the real address, once the listener is open.
var firstLine = regexp.MustCompile(`http://(127\.0\.0\.1:[0-9]+)`)

// start runs tg's program with -addr 127.0.0.1:0 and args in an empty
// folder, and returns once it has printed its first line. The program is
// killed when the test ends.
func start(t *testing.T, tg target, args ...string) *program {
	t.Helper()
	return run(t, tg, binary(t, tg, false), args)
}

// startRace is start with the program built with the race detector.
func startRace(t *testing.T, tg target, args ...string) *program {
	t.Helper()
	return run(t, tg, binary(t, tg, true), args)
}

func run(t *testing.T, tg target, exe string, args []string) *program {
	t.Helper()
	if os.Getenv("EXERCISES_KNOWN_FLAGS_ONLY") != "" {
		args = knownFlagsOnly(t, tg, exe, args)
	}
	p := &program{tg: tg, exe: exe, args: args, stdout: newLineLog(), stderr: new(lockedBuffer), exited: make(chan struct{})}
	p.cmd = exec.Command(exe, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Dir = t.TempDir()
	// Race reports go to stderr and the program goes on; no second of delay at exit.
	p.cmd.Env = append(os.Environ(), "GORACE=halt_on_error=0 atexit_sleep_ms=0")
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
	line, ok := p.stdout.wait(0, func(string) bool { return true }, answerTimeout, p.exited)
	m := firstLine.FindStringSubmatch(line)
	if m == nil {
		if !ok {
			line = "nothing"
			select {
			case <-p.exited:
				line += fmt.Sprintf(": the program exited with %v", p.cmd.ProcessState)
			default:
				line += fmt.Sprintf(" within %v", answerTimeout)
			}
		} else {
			line = strconv.Quote(line)
		}
		p.failStart(t, line)
	}
	p.addr = m[1]
	return p
}

// knownFlagsOnly drops from args the flags that the program does not define
// (its -h does not list them), with the value that follows a dropped flag,
// and logs "dropped flag -NAME" for each. .ci/prove-exercises sets
// EXERCISES_KNOWN_FLAGS_ONLY when it runs a checkpoint on the part its
// ladder starts from: that part does not know the flags the ladder adds, and
// the checkpoint must fail there for what it checks, not because the part
// exits with "flag provided but not defined".
func knownFlagsOnly(t *testing.T, tg target, exe string, args []string) []string {
	t.Helper()
	out, _ := exec.Command(exe, "-h").CombinedOutput() // flag's -h exits 0, older programs 2
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-([A-Za-z0-9][\w.-]*)`).FindAllStringSubmatch(string(out), -1) {
		known[m[1]] = true
	}
	var kept []string
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || known[name] {
			kept = append(kept, args[i])
			continue
		}
		t.Logf("dropped flag -%s, which %s does not define (EXERCISES_KNOWN_FLAGS_ONLY)", name, tg.name)
		if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++ // its value
		}
	}
	return kept
}

// runLine is the command that starts the program as a learner would, on
// the default port.
func (p *program) runLine() string {
	pkg := p.tg.name
	if !filepath.IsAbs(pkg) {
		pkg = "./" + pkg
	}
	line := strings.Join(append([]string{"go run " + pkg}, p.args...), " ")
	if p.setup != "" {
		line = p.setup + " && " + line
	}
	return line
}

// signal sends sig to the program. Windows cannot send SIGINT or SIGTERM to
// another process, so there the test is skipped.
func (p *program) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	skipWithoutSignals(t)
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v: %v", sig, err)
	}
}

func skipWithoutSignals(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("this check sends SIGINT and SIGTERM, which Windows cannot send to another process")
	}
}

// waitExit waits up to d for the program to exit and returns its exit code.
func (p *program) waitExit(d time.Duration) (code int, ok bool) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(d):
		return 0, false
	}
}

// A lineLog collects what the program prints, line by line, and lets a
// check wait for a line.
type lineLog struct {
	mu      sync.Mutex
	lines   []string // complete lines, each with its line end
	partial []byte
	changed chan struct{} // closed and replaced when a line is added
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	added := false
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i+1]))
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return len(p), nil
}

// all returns every line so far.
func (l *lineLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// wait returns the first line at index from or later for which match
// reports true. It gives up after d, or once exited is closed and no such
// line came: the program's output is all in by then.
func (l *lineLog) wait(from int, match func(string) bool, d time.Duration, exited <-chan struct{}) (string, bool) {
	timeout := time.After(d)
	for last := false; ; {
		l.mu.Lock()
		for _, line := range l.lines[from:] {
			if match(line) {
				l.mu.Unlock()
				return line, true
			}
		}
		from = len(l.lines)
		changed := l.changed
		l.mu.Unlock()
		if last {
			return "", false
		}
		select {
		case <-changed:
		case <-timeout:
			return "", false
		case <-exited:
			last = true // exec.Cmd.Wait copied all of stdout before it returned: look once more
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the program's output copier and
// the check at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// expectLine waits for a line on the program's stdout for which match
// reports true, and returns it; otherwise the check fails with a report
// that shows what the program printed. what says what was expected, try
// how to see it by hand.
func (p *program) expectLine(t *testing.T, match func(string) bool, what, try string) string {
	t.Helper()
	line, ok := p.stdout.wait(0, match, answerTimeout, p.exited)
	if !ok {
		r := p.missingLine(what, "that line on the server's stdout")
		r.note = try
		p.fail(t, r)
	}
	return line
}

// missingLine is the report on a line that the program did not print on
// stdout within answerTimeout: what was checked, the line expected in
// words, and what the program printed instead. The caller adds how to see
// it: the command sent, or a note.
func (p *program) missingLine(what, expected string) report {
	r := report{
		what:         what,
		expectedNote: expected,
		gotNote:      fmt.Sprintf("no such line within %v", answerTimeout),
		stdout:       strings.Join(p.stdout.all(), ""),
	}
	if r.stdout == "" {
		r.gotNote += ": nothing on stdout"
	}
	return r
}

// failStart ends the check on a program that did not print its first line
// as it started: got says what came instead.
func (p *program) failStart(t *testing.T, got string) {
	t.Helper()
	p.fail(t, report{
		what:         "the program to start and print its first line",
		expectedNote: `a first line on stdout like "Serving HTTP on http://127.0.0.1:PORT ..."`,
		gotNote:      got,
		stderr:       p.stderrShown(),
	})
}

// stderrShown is what the program printed on stderr, for a report:
// "(nothing)" if it printed nothing.
func (p *program) stderrShown() string {
	if s := p.stderr.String(); strings.TrimSpace(s) != "" {
		return s
	}
	return "(nothing)"
}

// expectExit0 checks that the program exits with status 0 within
// answerTimeout, after what happened (a signal, say).
func (p *program) expectExit0(t *testing.T, after, try string) {
	t.Helper()
	code, ok := p.waitExit(answerTimeout)
	if ok && code == 0 {
		return
	}
	got := fmt.Sprintf("%v", p.cmd.ProcessState)
	if !ok {
		got = fmt.Sprintf("still running %v later", answerTimeout)
	}
	p.fail(t, report{
		what:         "the program to exit with status 0 after " + after,
		note:         try,
		expectedNote: "exit status 0",
		gotNote:      got,
		stderr:       p.stderrShown(),
	})
}

// usage runs tg's program with -h and returns what it printed.
func usage(t *testing.T, tg target) string {
	t.Helper()
	cmd := exec.Command(binary(t, tg, false), "-h")
	cmd.Dir = t.TempDir()
	out, _ := cmd.CombinedOutput() // -h exits 0 or 2, as flag's ErrHelp does
	return string(out)
}

// expectUsage checks that the usage tg's program prints for -h has what
// ok looks for; otherwise the check fails with the usage it printed. what
// says what was checked, expected what the usage should show.
func expectUsage(t *testing.T, tg target, ok func(usage string) bool, what, expected string) {
	t.Helper()
	out := usage(t, tg)
	if !ok(out) {
		p := &program{tg: tg}
		failCheck(t, report{
			what:         what,
			sent:         p.runLine() + " -h",
			expectedNote: expected,
			gotNote:      "a usage without it (below)",
			stderr:       out,
		})
	}
}
