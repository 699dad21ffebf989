//go:build exercises

package exercises

import (
	"fmt"
	"os"
	"path/filepath"
)

// The site type, newSite and its other methods are in part5_test.go.

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
