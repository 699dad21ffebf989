// Command progress shows where you are: every exercise of every chapter and
// every checkpoint of every ladder, passed or failed. Run it from anywhere in
// the repository:
//
//	go run ./docs/exercises/progress
//
// It checks the exercises in the parts' own folders (part1-hello, ...), where
// the chapters have you do them, and each ladder in the copy its first step
// makes (mypart2, ... mypart5), if that copy exists. It runs the checks with
// go test, so it takes as long as the slowest of them, about 15 s.
//
// An exercise whose check fails while its part's folder is exactly as
// committed shows as "not started"; once the folder changes, as FAIL.
//
// With -list, it prints the ladders, their checkpoints and the exercises that
// have checks, one a line, for .ci/prove-exercises: the names of the tests,
// patches and folders, so that the naming rules live in exercises.go only.
// A checkpoint line ends with its title.
//
//	ladder 3to4 part3-threaded part4-httpserver 10
//	checkpoint 3to4 4 TestLadder3to4/4-content-length part3-threaded part4-httpserver docs/exercises/mistakes/3to4/4-content-length a body framed by ...
//	exercise 1.1 part1-hello TestPart1/1.1 docs/exercises/solutions/part1-1.patch docs/exercises/mistakes/1.1
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/http-from-tcp/tutorial/docs/exercises"
)

func main() {
	list := flag.Bool("list", false, "list the ladders and the exercises that have checks, one a line, for scripts")
	flag.Parse()
	if *list {
		for _, l := range exercises.Ladders {
			fmt.Printf("ladder %s %s %s %d\n", l.Name, l.From, l.To, len(l.Checkpoints))
			for i, cp := range l.Checkpoints {
				fmt.Printf("checkpoint %s %d %s %s %s %s %s\n", l.Name, i+1, l.CheckpointTest(i), l.From, l.To, l.MistakesDir(i), cp.Title)
			}
		}
		for _, ex := range exercises.Exercises {
			if !ex.Open {
				fmt.Printf("exercise %s %s %s %s %s\n", ex.Number, ex.Part, ex.TestName(), ex.SolutionPatch(), ex.MistakesDir())
			}
		}
		return
	}

	root, err := repositoryRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "progress:", err)
		os.Exit(1)
	}

	// The tests to run: every chapter's exercises, and the ladders that
	// have been started.
	var tests []string
	for _, ex := range exercises.Exercises {
		if test := "TestPart" + ex.Chapter(); !slices.Contains(tests, test) {
			tests = append(tests, test)
		}
	}
	started := map[string]bool{}
	for _, l := range exercises.Ladders {
		if _, err := os.Stat(filepath.Join(root, l.Folder, "main.go")); err == nil {
			started[l.Name] = true
			tests = append(tests, "TestLadder"+l.Name)
		}
	}

	fmt.Fprintln(os.Stderr, "Checking every exercise and every ladder you have started (about 15 s) ...")
	results, err := runChecks(root, tests)
	if err != nil {
		fmt.Fprintln(os.Stderr, "progress:", err)
		os.Exit(1)
	}

	passed, total := 0, 0
	fmt.Println("Exercises, checked in the parts' folders:")
	part := ""
	for _, ex := range exercises.Exercises {
		if ex.Part != part {
			part = ex.Part
			fmt.Printf("  %s\n", part)
		}
		status := "open"
		if !ex.Open {
			status = statusOf(results, ex.TestName())
			total++
			switch {
			case status == "PASS":
				passed++
			case status == "FAIL" && untouched(root, ex.Part):
				status = "not started"
			}
		}
		fmt.Printf("    %-11s  %s  %s\n", status, ex.Number, ex.Title)
	}
	fmt.Printf("  %d of %d pass (\"open\" ones have nothing to check: the chapter says what you should see;\n"+
		"  \"not started\" ones fail in a folder that is exactly as committed).\n", passed, total)

	fmt.Println("\nLadders:")
	for _, l := range exercises.Ladders {
		if !started[l.Name] {
			fmt.Printf("  %s → %s: not started. Start with: cp -r %s %s\n", l.From, l.To, l.From, l.Folder)
			continue
		}
		fmt.Printf("  %s → %s, in %s:\n", l.From, l.To, l.Folder)
		passed := 0
		for i, cp := range l.Checkpoints {
			status := statusOf(results, l.CheckpointTest(i))
			if status == "PASS" {
				passed++
			}
			fmt.Printf("    %-4s  %2d  %s\n", status, i+1, cp.Title)
		}
		fmt.Printf("  %d of %d checkpoints pass.\n", passed, len(l.Checkpoints))
	}

	fmt.Println("\nTo see why a check fails, run it alone:\n" +
		"  go test -tags exercises ./docs/exercises -run Part1/1.2\n" +
		"  go test -tags exercises ./docs/exercises -run Ladder3to4")
}

// statusOf is a check's result, or "?" for one that did not run.
func statusOf(results map[string]string, test string) string {
	if s, ok := results[test]; ok {
		return s
	}
	return "?"
}

// untouched reports whether the folder is exactly as committed: git status
// shows no change in it, and no new file. Without git, nothing is untouched.
func untouched(root, folder string) bool {
	cmd := exec.Command("git", "status", "--porcelain", "--", folder)
	cmd.Dir = root
	out, err := cmd.Output()
	return err == nil && len(bytes.TrimSpace(out)) == 0
}

// repositoryRoot is the folder of the go.mod above the working directory.
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run me inside the tutorial's repository: no go.mod found above here")
		}
		dir = parent
	}
}

// runChecks runs the named tests with go test -json, every ladder
// checkpoint included (-all), and returns PASS, FAIL or SKIP for every
// exercise and checkpoint, by subtest name.
func runChecks(root string, tests []string) (map[string]string, error) {
	cmd := exec.Command("go", "test", "-tags", "exercises", "-count=1", "-json",
		"-run", "^("+strings.Join(tests, "|")+")$", "./docs/exercises", "-all")
	cmd.Dir = root
	// PART would make every check build one folder; progress checks each in its own.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PART=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, err
	}

	results := map[string]string{}
	var output strings.Builder // lines that are not test events: build errors
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			output.WriteString(sc.Text() + "\n")
			continue
		}
		// Exercises and checkpoints are the second level: TestPart1/1.1.
		if strings.Count(ev.Test, "/") != 1 {
			continue
		}
		switch ev.Action {
		case "pass", "fail", "skip":
			results[ev.Test] = strings.ToUpper(ev.Action)
		}
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("go test ran no checks:\n%s%s", output.String(), stderr.String())
	}
	return results, nil
}
