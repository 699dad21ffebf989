//go:build exercises

package exercises

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// all makes a ladder run every checkpoint, in parallel, instead of stopping
// at the first that fails. The progress command and CI use it.
var all = flag.Bool("all", false, "run every checkpoint of a ladder, even after one fails")

var (
	root   string // the repository root
	binDir string // the programs the checks build; removed at the end
)

func TestMain(m *testing.M) {
	flag.Parse()
	wd, err := os.Getwd() // go test runs a package's tests in its folder
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	root = filepath.Dir(filepath.Dir(wd))
	sweepBinDirs()
	if binDir, err = os.MkdirTemp("", fmt.Sprintf("exercises-%d-", os.Getpid())); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if problems := replayCommands(); len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: printed commands that do not end by themselves:\n%s\n", strings.Join(problems, "\n"))
		code = 1
	}
	os.RemoveAll(binDir)
	os.Exit(code)
}

// sweepBinDirs removes the folders of programs that runs killed before
// they could clean up left behind: exercises-PID-* of a PID that is gone.
func sweepBinDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "exercises-*-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.Split(filepath.Base(d), "-")[1])
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(d)
	}
}

// processAlive reports whether a process with this PID runs.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid) // on Unix, always found
	if err != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		return true // found, so it runs
	}
	return p.Signal(syscall.Signal(0)) == nil
}

// exerciseChecks holds the check of every exercise that has one, by number.
var exerciseChecks = map[string]func(*testing.T, target){
	"1.1": check404,
	"1.2": checkHead,
	"1.3": checkEcho,
	"2.1": checkCountHandler,
	"2.2": checkConnectionLog,
	"2.3": checkReadTimeout,
	"3.1": checkCountRace,
	"3.2": checkMaxConns,
	"3.3": checkShutdownTimeout,
	"4.1": checkOptions,
	"4.2": checkMaxBody,
	"4.3": checkMaxRequests,
	"4.4": checkChunkedResponses,
	"5.1": checkETag,
	"5.2": checkSlidingSession,
	"5.3": checkLoginThrottle,
	"5.4": checkRanges,
}

// checkpointChecks holds the check of every ladder checkpoint, by ladder
// and checkpoint name.
var checkpointChecks = map[string]func(*testing.T, target){
	"1to2/delay-flag":    checkDelayFlag,
	"1to2/delay-waits":   checkDelayWaits,
	"1to2/one-at-a-time": checkOneAtATime,

	"2to3/together":          checkTogether,
	"2to3/graceful-shutdown": checkGracefulShutdown,

	"3to4/request-line":    checkRequestLine,
	"3to4/response-head":   checkResponseHead,
	"3to4/header-fields":   checkHeaderFields,
	"3to4/content-length":  checkContentLength,
	"3to4/keep-alive":      checkKeepAlive,
	"3to4/pipelining":      checkPipelining,
	"3to4/chunked":         checkChunked,
	"3to4/bad-input":       checkBadInput,
	"3to4/request-timeout": checkRequestTimeout,
	"3to4/head":            checkHeadRequests,

	"4to5/files":             checkFiles,
	"4to5/folders":           checkFolders,
	"4to5/traversal":         checkTraversal,
	"4to5/if-modified-since": checkIfModifiedSince,
	"4to5/login-api":         checkLoginAPI,
	"4to5/session":           checkSession,
	"4to5/built-in-site":     checkBuiltInSite,
	"4to5/access-log":        checkAccessLog,
}

func TestPart1(t *testing.T) { runExercises(t, "1") }
func TestPart2(t *testing.T) { runExercises(t, "2") }
func TestPart3(t *testing.T) { runExercises(t, "3") }
func TestPart4(t *testing.T) { runExercises(t, "4") }
func TestPart5(t *testing.T) { runExercises(t, "5") }

// runExercises checks every exercise of a chapter that has a check, in
// parallel with each other and with other chapters and ladders: each check
// starts programs of its own.
func runExercises(t *testing.T, chapter string) {
	t.Parallel()
	for _, ex := range Exercises {
		if ex.Open || !strings.HasPrefix(ex.Number, chapter+".") {
			continue
		}
		t.Run(ex.Number, func(t *testing.T) {
			t.Parallel()
			tg := targetFolder(t, ex.Part, "")
			t.Cleanup(func() {
				if t.Failed() {
					chapter, _, _ := strings.Cut(ex.Number, ".")
					t.Logf("Exercise %s, %s, checked in %s.\n"+
						"The hint is in docs/%s.md, under Exercises; the solution, explained, in\n"+
						"docs/solutions-part%s.md#solution-%s; the reference patch is\n"+
						"%s, which %s",
						ex.Number, ex.Title, tg.name, ex.Part, chapter, strings.ReplaceAll(ex.Number, ".", "-"),
						ex.SolutionPatch(), applyAdvice(ex, tg))
				}
			})
			exerciseChecks[ex.Number](t, tg)
		})
	}
}

// applyAdvice says how to apply the exercise's reference patch to the
// folder checked: the shipped part, or a copy that PART names.
func applyAdvice(ex Exercise, tg target) string {
	if tg.name == ex.Part {
		return "`git apply " + ex.SolutionPatch() + "` applies at the repository root."
	}
	// The patch's paths start with a/PART/: -p2 drops "a/PART", and
	// --directory puts the copy's name in its place.
	if filepath.IsAbs(tg.name) {
		return fmt.Sprintf("applies to your copy from the repository root with\n\tgit apply -p2 --unsafe-paths --directory=%s %s", tg.name, ex.SolutionPatch())
	}
	return fmt.Sprintf("applies to your copy from the repository root with\n\tgit apply -p2 --directory=%s %s", tg.name, ex.SolutionPatch())
}

func TestLadder1to2(t *testing.T) { runLadder(t, "1to2") }
func TestLadder2to3(t *testing.T) { runLadder(t, "2to3") }
func TestLadder3to4(t *testing.T) { runLadder(t, "3to4") }
func TestLadder4to5(t *testing.T) { runLadder(t, "4to5") }

// runLadder climbs a ladder: it runs the checkpoints in order and stops at
// the first that fails, saying what to do next. With -all it runs them all.
func runLadder(t *testing.T, name string) {
	t.Parallel()
	l := ladderNamed(name)
	tg := targetFolder(t, l.Folder, fmt.Sprintf("Start the ladder with a copy of %s:\n\n"+
		"\tcp -r %s %s\n\n(in PowerShell: Copy-Item -Recurse %s %s), or name your folder with PART=folder.",
		l.From, l.From, l.Folder, l.From, l.Folder))
	// A folder that does not build is not on checkpoint 1: say so, and
	// where the learner was the last time it built.
	if b := buildOnce(tg, false); b.err != nil {
		place := ""
		if i, ok := loadPlace(l, tg); ok && i == len(l.Checkpoints) {
			place = fmt.Sprintf("\nThe last time it built, %s passed every checkpoint of the ladder %s → %s.\n", tg.name, l.From, l.To)
		} else if ok {
			place = fmt.Sprintf("\nYour place is kept: the last time it built, %s was on checkpoint %d of %d of the ladder %s → %s:\n    %s\n",
				tg.name, i+1, len(l.Checkpoints), l.From, l.To, l.Checkpoints[i].Title)
		}
		t.Fatalf("%s does not build, so no checkpoint can be checked; fix what the compiler says:\n%v\n%s", tg.name, b.err, place)
	}
	ran := 0 // checkpoints that -run selected
	for i, cp := range l.Checkpoints {
		before := ran
		ok := t.Run(checkpointID(i, cp), func(t *testing.T) {
			ran++
			if *all {
				t.Parallel()
			}
			checkpointChecks[l.Name+"/"+cp.Name](t, tg)
		})
		if !ok && !*all {
			savePlace(l, tg, i)
			t.Log(nextStep(l, i, tg))
			return
		}
		if ok && !*all && ran > before {
			// A learner waiting for the slow checkpoints sees each one pass.
			progressLine(t, fmt.Sprintf("ok   %s: checkpoint %d of %d: %s", tg.name, i+1, len(l.Checkpoints), cp.Title))
		}
	}
	if ran == len(l.Checkpoints) && !*all {
		savePlace(l, tg, len(l.Checkpoints))
		msg := fmt.Sprintf("%s passes every checkpoint of the ladder %s → %s: the ladder is green. Compare it with the reference:\n\n\tgit diff --no-index %s %s",
			tg.name, l.From, l.To, tg.name, l.To)
		progressLine(t, msg)
	}
}

// progressLine shows a line as the ladder climbs. go test shows nothing of a
// passing test without -v, not even what it printed, so without -v the line
// goes straight to the terminal, where there is one.
func progressLine(t *testing.T, line string) {
	if testing.Verbose() {
		t.Log(line)
		return
	}
	tty, err := os.OpenFile(terminal(), os.O_WRONLY, 0)
	if err != nil {
		return // no terminal (CI): the summary line says it all
	}
	defer tty.Close()
	fmt.Fprintln(tty, line)
}

func terminal() string {
	if runtime.GOOS == "windows" {
		return "CONOUT$"
	}
	return "/dev/tty"
}

// placeFile is where a ladder remembers the checkpoint a folder is on, so
// that a folder that stops building keeps its place: in the user's cache
// folder, outside the repository.
func placeFile(l Ladder, tg target) (string, bool) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", false
	}
	name := strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(tg.dir)
	return filepath.Join(dir, "http-from-tcp-exercises", "ladder"+l.Name+"-"+name), true
}

func savePlace(l Ladder, tg target, i int) {
	if f, ok := placeFile(l, tg); ok && os.MkdirAll(filepath.Dir(f), 0o755) == nil {
		os.WriteFile(f, []byte(strconv.Itoa(i)), 0o644)
	}
}

func loadPlace(l Ladder, tg target) (int, bool) {
	f, ok := placeFile(l, tg)
	if !ok {
		return 0, false
	}
	data, err := os.ReadFile(f)
	if err != nil {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSpace(string(data)))
	return i, err == nil && i >= 0 && i <= len(l.Checkpoints)
}

// checkpointID is a checkpoint's subtest name: "4-content-length".
func checkpointID(i int, cp Checkpoint) string { return fmt.Sprintf("%d-%s", i+1, cp.Name) }

func ladderNamed(name string) Ladder {
	for _, l := range Ladders {
		if l.Name == name {
			return l
		}
	}
	panic("no ladder " + name)
}

// TestTables checks that every exercise with a check, and every
// checkpoint, has one, that no check is left without its entry, and that
// the chapter sections the checkpoints point to exist.
func TestTables(t *testing.T) {
	seen := map[string]bool{}
	for _, ex := range Exercises {
		if _, ok := exerciseChecks[ex.Number]; ok == ex.Open {
			t.Errorf("exercise %s: open-ended %v, but has a check: %v", ex.Number, ex.Open, ok)
		}
		seen[ex.Number] = true
	}
	for n := range exerciseChecks {
		if !seen[n] {
			t.Errorf("exerciseChecks has %s, which Exercises does not list", n)
		}
	}
	// Each exercise has its section in its chapter, in both languages, and
	// one with a check links its reference solution.
	for _, ex := range Exercises {
		for _, chapter := range []string{"docs/" + ex.Part + ".md", "docs/zh/" + ex.Part + ".md"} {
			text, err := os.ReadFile(filepath.Join(root, chapter))
			if err != nil {
				t.Errorf("exercise %s: %v", ex.Number, err)
				continue
			}
			if !regexp.MustCompile(`(?m)^### ` + regexp.QuoteMeta(ex.Number) + ` `).Match(text) {
				t.Errorf("exercise %s: %s has no section \"### %s …\"", ex.Number, chapter, ex.Number)
			}
			patch := strings.TrimPrefix(ex.SolutionPatch(), "docs/exercises/")
			if !ex.Open && !strings.Contains(string(text), patch) {
				t.Errorf("exercise %s: %s does not link its solution %s", ex.Number, chapter, patch)
			}
		}
		if ex.Open {
			continue
		}
		// The solution itself, explained, is on the chapter's solutions page,
		// under its anchor and with the patch quoted, so that reading the
		// chapter on the way to a check does not give it away.
		n, _, _ := strings.Cut(ex.Number, ".")
		for _, page := range []string{"docs/solutions-part" + n + ".md", "docs/zh/solutions-part" + n + ".md"} {
			text, err := os.ReadFile(filepath.Join(root, page))
			if err != nil {
				t.Errorf("exercise %s: %v", ex.Number, err)
				continue
			}
			anchor := `<a id="solution-` + strings.ReplaceAll(ex.Number, ".", "-") + `"></a>`
			marker := "<!-- patch " + ex.SolutionPatch()
			if !strings.Contains(string(text), anchor) || !strings.Contains(string(text), marker) {
				t.Errorf("exercise %s: %s has no section %s quoting %s", ex.Number, page, anchor, ex.SolutionPatch())
			}
		}
	}
	seen = map[string]bool{}
	for _, l := range Ladders {
		chapter, err := os.ReadFile(filepath.Join(root, l.Chapter))
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range l.Checkpoints {
			if !regexp.MustCompile(`(?m)^##+ ` + regexp.QuoteMeta(cp.Section) + `$`).Match(chapter) {
				t.Errorf("checkpoint %s/%s: %s has no section %q", l.Name, cp.Name, l.Chapter, cp.Section)
			}
			key := l.Name + "/" + cp.Name
			if checkpointChecks[key] == nil {
				t.Errorf("checkpoint %s has no check", key)
			}
			seen[key] = true
		}
	}
	for key := range checkpointChecks {
		if !seen[key] {
			t.Errorf("checkpointChecks has %s, which Ladders does not list", key)
		}
	}
	// Every chapter with a checked exercise, and every ladder, has its
	// top-level test, which go test finds by its name: without it the
	// checks would never run, and only the proof's "did not run" would say so.
	tests := topLevelTests(t)
	want := map[string]string{} // test → what needs it
	for _, ex := range Exercises {
		if !ex.Open {
			name, _, _ := strings.Cut(ex.TestName(), "/")
			want[name] = "the exercises of chapter " + ex.Chapter()
		}
	}
	for _, l := range Ladders {
		if len(l.Checkpoints) > 0 {
			name, _, _ := strings.Cut(l.CheckpointTest(0), "/")
			want[name] = "the checkpoints of the ladder " + l.Name
		}
	}
	for name, who := range want {
		if !tests[name] {
			t.Errorf("%s need a top-level test, func %s(t *testing.T), in main_test.go; there is none", who, name)
		}
	}
}

// topLevelTests returns the names of the package's top-level functions
// whose names start with Test, read from its test files, where go test
// finds them.
func topLevelTests(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*_test.go") // go test runs in the package's folder
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files here: %v", err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				names[fn.Name.Name] = true
			}
		}
	}
	return names
}
