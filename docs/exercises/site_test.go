//go:build exercises

package exercises

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// A site is a folder that a check serves with -root, made in a temporary
// folder, and the shell commands that make the same folder by hand, in $d,
// for the command a failing check prints.
type site struct {
	t     *testing.T
	dir   string
	shell []string
}

func newSite(t *testing.T) *site {
	return &site{t: t, dir: t.TempDir(), shell: []string{"d=$(mktemp -d)"}}
}

// file writes a file, its name slash-separated and relative to the site's
// folder, making the folders it is in.
func (s *site) file(name, content string) {
	s.t.Helper()
	full := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
	if dir := path.Dir(name); dir != "." {
		s.shell = append(s.shell, "mkdir -p $d/"+dir)
	}
	if len(content) > 200 {
		panic("site.file: " + name + " is too long to print as a command; use site.numbers")
	}
	s.shell = append(s.shell, fmt.Sprintf("printf %s > $d/%s", printfQuote(content), name))
}

// numbers writes a file of the numbers 1 to n, one a line, as seq prints
// them, and returns its content: a large file whose every byte the
// command a failing check prints makes the same, and in which a part taken
// from the wrong offset shows.
func (s *site) numbers(name string, n int) string {
	s.t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	full := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.WriteFile(full, []byte(b.String()), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.shell = append(s.shell, fmt.Sprintf("seq 1 %d > $d/%s", n, name))
	return b.String()
}

// start starts tg's program serving the folder root of the site (a
// slash-separated name in it, or "."), with args after -root.
func (s *site) start(root string, tg target, args ...string) *program {
	s.t.Helper()
	p := start(s.t, tg, append([]string{"-root", filepath.Join(s.dir, filepath.FromSlash(root))}, args...)...)
	p.args = append([]string{"-root", path.Join("$d", root)}, args...)
	p.setup = strings.Join(s.shell, " && ")
	return p
}

// link makes a symbolic link in the site. It reports false where the
// system does not let this process make one (Windows without the
// privilege), and the check leaves those cases out.
func (s *site) link(name, target string) bool {
	s.t.Helper()
	if err := os.Symlink(filepath.FromSlash(target), filepath.Join(s.dir, filepath.FromSlash(name))); err != nil {
		s.t.Logf("no symbolic links here, so the cases that use them are left out: %v", err)
		return false
	}
	s.shell = append(s.shell, fmt.Sprintf("ln -s %s $d/%s", target, name))
	return true
}

// mkfifo makes a named pipe in the site with the mkfifo command. It
// reports false where there is none (Windows), and the check leaves that
// case out.
func (s *site) mkfifo(name string) bool {
	s.t.Helper()
	if err := exec.Command("mkfifo", filepath.Join(s.dir, filepath.FromSlash(name))).Run(); err != nil {
		s.t.Logf("no mkfifo here, so the case of a FIFO is left out: %v", err)
		return false
	}
	s.shell = append(s.shell, "mkfifo $d/"+name)
	return true
}
