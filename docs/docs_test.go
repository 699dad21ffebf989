// Package docs holds the tutorial's chapters, in English here and in Chinese
// in zh/. Its test keeps them honest: every diff and code excerpt in a
// chapter, in either language, is generated from the code, and the test
// fails when a chapter no longer matches; it also fails when a page exists
// in one language only, or when the two differ in structure (see
// TestLanguagesMatch). After changing the code, run
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
	"slices"
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
	zh, err := filepath.Glob(filepath.Join("zh", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	chapters = append(chapters, zh...)
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

// chinesePages maps each page of docs/zh to its English counterpart, which
// is the page of the same name in docs/ but for these; "" is a page that
// exists in Chinese only.
var chinesePages = map[string]string{
	"glossary.md":  "",
	"exercises.md": filepath.Join("exercises", "README.md"),
}

// TestLanguagesMatch checks that every page exists in English (docs/) and in
// Chinese (docs/zh/), that each links to its counterpart in its first lines,
// and that the two have the same structure: the same headings at the same
// levels with the same exercise numbers, the same fenced blocks of the same
// kinds (diagrams, transcripts, code), the same tables, the same folded
// answers and the same generated blocks, in the same order. A reader can
// switch language at any heading.
func TestLanguagesMatch(t *testing.T) {
	english, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	chinese, err := filepath.Glob(filepath.Join("zh", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pairs := make(map[string]string) // English page → Chinese page
	for _, en := range english {
		pairs[en] = filepath.Join("zh", en)
	}
	for _, zh := range chinese {
		en, special := chinesePages[filepath.Base(zh)]
		switch {
		case special && en != "":
			pairs[en] = zh
		case !special && !slices.Contains(english, filepath.Base(zh)):
			t.Errorf("%s has no English counterpart docs/%s", zh, filepath.Base(zh))
		}
	}
	for en, zh := range pairs {
		enSrc, err := os.ReadFile(en)
		if err != nil {
			t.Fatal(err)
		}
		zhSrc, err := os.ReadFile(zh)
		if err != nil {
			t.Errorf("%s has no Chinese counterpart: %v", en, err)
			continue
		}
		if rel, _ := filepath.Rel(filepath.Dir(en), zh); !linksTo(string(enSrc), filepath.ToSlash(rel)) {
			t.Errorf("%s does not link to its Chinese counterpart %s in its first lines", en, filepath.ToSlash(rel))
		}
		if rel, _ := filepath.Rel(filepath.Dir(zh), en); !linksTo(string(zhSrc), filepath.ToSlash(rel)) {
			t.Errorf("%s does not link to its English counterpart %s in its first lines", zh, filepath.ToSlash(rel))
		}
		if diff := cmp.Diff(structure(string(enSrc)), structure(string(zhSrc))); diff != "" {
			t.Errorf("%s and %s differ in structure (-English +Chinese):\n%s", en, zh, diff)
		}
	}
}

// linksTo reports whether one of the first lines of page links to target.
func linksTo(page, target string) bool {
	lines := strings.SplitN(page, "\n", 8)
	return strings.Contains(strings.Join(lines[:min(len(lines), 7)], "\n"), "]("+target+")")
}

// exerciseNumber finds an exercise or checkpoint number such as 4.2 in a
// heading.
var exerciseNumber = regexp.MustCompile(`\b\d+\.\d+\b`)

// structure lists what a page is made of, whatever its language: a line per
// heading (its level and any exercise number), fenced block (its language
// tag), table, folded answer (<details>) and generated-block marker. A
// section between <!-- zh-only --> and <!-- end zh-only --> is left out.
func structure(page string) []string {
	page = withoutLanguageOnly(page) // sections one language has on purpose (languages_test.go)
	var out []string
	inFence, inTable := false, false
	for _, line := range strings.Split(page, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			if !inFence {
				out = append(out, "fence "+strings.TrimPrefix(trimmed, "```"))
			}
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		isTable := strings.HasPrefix(trimmed, "|")
		switch {
		case isTable && !inTable:
			out = append(out, "table")
		case strings.HasPrefix(line, "#"):
			level, _, _ := strings.Cut(line, " ")
			out = append(out, strings.TrimSpace(level+" "+strings.Join(exerciseNumber.FindAllString(line, -1), " ")))
		case strings.HasPrefix(trimmed, "<details>"):
			out = append(out, "details")
		case marker.MatchString(trimmed) || trimmed == endMarker:
			out = append(out, trimmed)
		}
		inTable = isTable
	}
	return out
}
