package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/http-from-tcp/tutorial/docs/exercises"
)

// TestLadderSectionsGoForward checks that each ladder's Read: pointers (the
// Section of each checkpoint, in docs/exercises/exercises.go) name headings
// of the ladder's chapter, and that they only go forward: a learner who
// climbs the ladder reads the chapter from top to bottom, never back.
func TestLadderSectionsGoForward(t *testing.T) {
	for _, l := range exercises.Ladders {
		t.Run(l.Name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("..", l.Chapter))
			if err != nil {
				t.Fatal(err)
			}
			headings := headingLines(string(page))
			if err := sectionsGoForward(l, headings); err != nil {
				t.Error(err)
			}
		})
	}
}

// headingLines maps the text of every heading of a Markdown page ("##" to
// "####", outside fenced blocks) to its line number.
func headingLines(page string) map[string]int {
	lines := make(map[string]int)
	fenced := false
	for i, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "##") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		if _, dup := lines[text]; !dup {
			lines[text] = i + 1
		}
	}
	return lines
}

// sectionsGoForward says which checkpoint of l points to a heading that is
// missing, or that comes before the previous checkpoint's.
func sectionsGoForward(l exercises.Ladder, headings map[string]int) error {
	prev, prevName := 0, ""
	for i, cp := range l.Checkpoints {
		line, ok := headings[cp.Section]
		if !ok {
			return fmt.Errorf("ladder %s, checkpoint %d-%s: %s has no heading %q", l.Name, i+1, cp.Name, l.Chapter, cp.Section)
		}
		if line < prev {
			return fmt.Errorf("ladder %s, checkpoint %d-%s: %q (line %d) comes before %q (line %d), the section of the checkpoint before it: a learner would read backwards",
				l.Name, i+1, cp.Name, cp.Section, line, prevName, prev)
		}
		prev, prevName = line, cp.Section
	}
	return nil
}

// TestSectionsGoForwardCanFail shows that the check above fails on a ladder
// that points back, and on one that names a missing heading.
func TestSectionsGoForwardCanFail(t *testing.T) {
	headings := headingLines("# T\n## A\n```\n## not a heading\n```\n## B\n")
	tests := []struct {
		sections []string
		ok       bool
	}{
		{[]string{"A", "A", "B"}, true},
		{[]string{"B", "A"}, false},
		{[]string{"A", "not a heading"}, false},
	}
	for _, tt := range tests {
		l := exercises.Ladder{Name: "x", Chapter: "t.md"}
		for _, s := range tt.sections {
			l.Checkpoints = append(l.Checkpoints, exercises.Checkpoint{Name: "c", Section: s})
		}
		if err := sectionsGoForward(l, headings); (err == nil) != tt.ok {
			t.Errorf("sectionsGoForward(%q) = %v, want ok %v", tt.sections, err, tt.ok)
		}
	}
}
