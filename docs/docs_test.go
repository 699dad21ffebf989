// Package docs holds the tutorial's chapters. Its test keeps them honest: every
// diff and code excerpt in a chapter is generated from the code, and the test
// fails when a chapter no longer matches. After changing the code, run
//
//	go test ./docs -update
//
// and read the chapters' prose again around what changed.
//
// A chapter marks generated text with an HTML comment (invisible on GitHub),
// then a fenced block, then <!-- end -->:
//
//	<!-- diff part1-hello part2-tcpserver: main.go server.go handler.go -->
//	<!-- code part3-threaded/server.go -->                (the whole file)
//	<!-- code part3-threaded/server.go TCPServer.Serve --> (one declaration)
package docs

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated parts of the chapters")

// marker matches the comment that opens a generated block.
var marker = regexp.MustCompile(`^<!-- (diff|code) ([^>]*?) -->$`)

const endMarker = "<!-- end -->"

func TestChaptersMatchCode(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the chapters' diffs are made with git diff --no-index")
	}
	chapters, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for _, chapter := range chapters {
		src, err := os.ReadFile(chapter)
		if err != nil {
			t.Fatal(err)
		}
		got, n, err := regenerate(string(src))
		if err != nil {
			t.Errorf("%s: %v", chapter, err)
			continue
		}
		blocks += n
		if got == string(src) {
			continue
		}
		if *update {
			if err := os.WriteFile(chapter, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("updated %s", chapter)
			continue
		}
		t.Errorf("%s no longer matches the code; run `go test ./docs -update` (-chapter +code):\n%s",
			chapter, cmp.Diff(string(src), got))
	}
	if blocks == 0 {
		t.Error("no generated blocks found in the chapters")
	}
}

// regenerate returns the chapter with every generated block made anew from
// the code, and how many blocks it holds.
func regenerate(chapter string) (string, int, error) {
	var out strings.Builder
	lines := strings.SplitAfter(chapter, "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		m := marker.FindStringSubmatch(strings.TrimRight(lines[i], "\r\n"))
		if m == nil {
			continue
		}
		end := i + 1
		for end < len(lines) && strings.TrimRight(lines[end], "\r\n") != endMarker {
			end++
		}
		if end == len(lines) {
			return "", n, fmt.Errorf("line %d: %q has no %s", i+1, lines[i], endMarker)
		}
		var body, lang string
		var err error
		switch m[1] {
		case "diff":
			body, err = diffFiles(m[2])
			lang = "diff"
		case "code":
			body, err = codeExcerpt(m[2])
			lang = "go"
		}
		if err != nil {
			return "", n, fmt.Errorf("line %d: %v", i+1, err)
		}
		fmt.Fprintf(&out, "```%s\n%s```\n", lang, body)
		out.WriteString(lines[end])
		i = end
		n++
	}
	return out.String(), n, nil
}

// diffFiles runs git diff --no-index for each named file of two parts, as in
// "part1-hello part2-tcpserver: main.go server.go". A file the older part
// does not have is shown as new.
func diffFiles(spec string) (string, error) {
	dirs, files, ok := strings.Cut(spec, ":")
	parts := strings.Fields(dirs)
	if !ok || len(parts) != 2 || len(strings.Fields(files)) == 0 {
		return "", fmt.Errorf("diff %q: want \"partA partB: file...\"", spec)
	}
	var all bytes.Buffer
	for _, f := range strings.Fields(files) {
		old := parts[0] + "/" + f
		if _, err := os.Stat(filepath.Join("..", old)); errors.Is(err, os.ErrNotExist) {
			old = "/dev/null"
		}
		cmd := exec.Command("git", "diff", "--no-index", "--no-color", "--no-ext-diff", "--", old, parts[1]+"/"+f)
		cmd.Dir = ".."
		// The user's git configuration must not change the output.
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: the files differ
			return "", fmt.Errorf("git diff %s %s/%s: %v", old, parts[1], f, err)
		}
		all.Write(out)
	}
	return all.String(), nil
}

// codeExcerpt returns a Go file, or one of its declarations with its doc
// comment: "part3-threaded/server.go" or "part3-threaded/server.go TCPServer.Serve".
func codeExcerpt(spec string) (string, error) {
	fields := strings.Fields(spec)
	if len(fields) == 0 || len(fields) > 2 {
		return "", fmt.Errorf("code %q: want \"path [Name or Type.Method]\"", spec)
	}
	src, err := os.ReadFile(filepath.Join("..", fields[0]))
	if err != nil {
		return "", err
	}
	if len(fields) == 1 {
		return string(src), nil
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, fields[0], src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, decl := range file.Decls {
		if declName(decl) == fields[1] {
			start := decl.Pos()
			if doc := declDoc(decl); doc != nil {
				start = doc.Pos()
			}
			return string(src[fset.Position(start).Offset:fset.Position(decl.End()).Offset]) + "\n", nil
		}
	}
	return "", fmt.Errorf("%s has no declaration %s", fields[0], fields[1])
}

// declName is "Name" for a function, type, constant or variable declaration
// (the first name it declares) and "Type.Name" for a method.
func declName(decl ast.Decl) string {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil || len(d.Recv.List) == 0 {
			return d.Name.Name
		}
		typ := d.Recv.List[0].Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		if id, ok := typ.(*ast.Ident); ok {
			return id.Name + "." + d.Name.Name
		}
	case *ast.GenDecl:
		if len(d.Specs) == 0 {
			return ""
		}
		switch s := d.Specs[0].(type) {
		case *ast.TypeSpec:
			return s.Name.Name
		case *ast.ValueSpec:
			return s.Names[0].Name
		}
	}
	return ""
}

func declDoc(decl ast.Decl) *ast.CommentGroup {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}
