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
//	<!-- patch docs/exercises/solutions/part1-2.patch -->  (a solution, its tests left out)
//	<!-- patch docs/exercises/solutions/part1-2.patch part1-hello/main.go -->  (one file of it)
//	<!-- patch docs/exercises/solutions/part2-3.patch part2-tcpserver/server.go TCPServer.serveConn -->
//	                     (declarations of a file as the patch leaves it, as Go)
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
var marker = regexp.MustCompile(`^<!-- (diff|code|patch) ([^>]*?) -->$`)

const endMarker = "<!-- end -->"

func TestChaptersMatchCode(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		// .ci/run sets DOCS_REQUIRE_GIT: there, a skip would let the
		// chapters go unchecked while the run says ok.
		if os.Getenv("DOCS_REQUIRE_GIT") != "" {
			t.Fatal("git is not installed, and DOCS_REQUIRE_GIT is set: the chapters' diffs are made with git diff --no-index")
		}
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
			if changed := changedParts(); len(changed) > 0 {
				t.Errorf("%s: %v\n%s", chapter, err, whatToDo(changed))
			} else {
				t.Errorf("%s: %v", chapter, err)
			}
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
		t.Errorf("%s no longer matches the code; %s (-chapter +code):\n%s",
			chapter, whatToDo(changedParts()), cmp.Diff(string(src), got))
	}
	if blocks == 0 {
		t.Error("no generated blocks found in the chapters")
	}
}

// changedParts lists the part folders that differ from the commit (git
// status shows a change or a new file in them): a learner's exercise in
// progress, most likely.
func changedParts() []string {
	cmd := exec.Command("git", "status", "--porcelain", "--", ":(glob)part*/**")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var parts []string
	for _, line := range strings.Split(string(out), "\n") {
		if len(line) < 4 {
			continue
		}
		part, _, _ := strings.Cut(strings.Trim(line[3:], `"`), "/")
		if !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	return parts
}

// whatToDo says how to make a chapter match again. While a part has
// changes, they are most likely an exercise in progress, which -update
// would copy into the chapters: the part goes back first.
func whatToDo(changed []string) string {
	if len(changed) == 0 {
		return "if you changed the code on purpose, run `go test ./docs -update` and read the chapter's prose around what changed"
	}
	return fmt.Sprintf("%s %s changes that are not committed: if that is an exercise in progress, "+
		"the chapters quote the shipped code, so put the part back first (`git stash`, or `git checkout %s` "+
		"to drop the changes, and remove the files you added) and run this again. "+
		"Only if you changed the part's code on purpose, run `go test ./docs -update`",
		strings.Join(changed, " and "), map[bool]string{true: "has", false: "have"}[len(changed) == 1], strings.Join(changed, " "))
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
		case "patch":
			if len(strings.Fields(m[2])) > 2 {
				body, err = patchedCode(m[2])
				lang = "go"
			} else {
				body, err = patchExcerpt(m[2])
				lang = "diff"
			}
		}
		if err != nil {
			return "", n, fmt.Errorf("line %d: %v", i+1, err)
		}
		f := fence(body)
		fmt.Fprintf(&out, "%s%s\n%s%s\n", f, lang, body, f)
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
		cmd := exec.Command("git", append(append(pinnedConfig(), "diff"), append(pinnedDiffFlags, "--", old, parts[1]+"/"+f)...)...)
		cmd.Dir = ".."
		// The user's git configuration must not change the output: not the
		// system's or the user's files, and, for what the clone's own
		// .git/config or the environment (GIT_CONFIG_COUNT) may set, the
		// settings and flags pinned above.
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

// patchExcerpt returns the diffs of a patch file (a solution's, say) for the
// files named, or for every file but the tests: "docs/exercises/solutions/part1-2.patch"
// or "docs/exercises/solutions/part1-2.patch part1-hello/main.go". The
// patch's prose before its first diff is left out.
func patchExcerpt(spec string) (string, error) {
	fields := strings.Fields(spec)
	if len(fields) == 0 {
		return "", fmt.Errorf("patch %q: want \"path [file...]\"", spec)
	}
	src, err := os.ReadFile(filepath.Join("..", fields[0]))
	if err != nil {
		return "", err
	}
	var out strings.Builder
	files := 0
	for i, d := range strings.Split("\n"+string(src), "\ndiff --git ") {
		if i == 0 {
			continue // prose
		}
		header, _, _ := strings.Cut(d, "\n")
		name := strings.TrimPrefix(strings.Fields(header + " b/")[1], "b/") // "a/x b/x": the new name
		want := len(fields) == 1 && !strings.HasSuffix(name, "_test.go") || slices.Contains(fields[1:], name)
		if !want {
			continue
		}
		files++
		out.WriteString("diff --git " + strings.TrimRight(d, "\n") + "\n")
	}
	if files == 0 {
		return "", fmt.Errorf("%s has no diff of %v", fields[0], fields[1:])
	}
	return out.String(), nil
}

// pinnedDiffFlags fix every part of git diff's output that a configuration
// could change, so that the chapters' diffs are the same on every clone.
var pinnedDiffFlags = []string{
	"--no-index", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
	"--src-prefix=a/", "--dst-prefix=b/", // over diff.noprefix and diff.mnemonicPrefix
	"--diff-algorithm=myers", "--indent-heuristic", "-U3", "--inter-hunk-context=0",
	"-O" + os.DevNull, // no diff.orderFile
}

// pinnedConfig is "-c key=value" for the settings that have no flag.
func pinnedConfig() []string {
	var args []string
	for _, kv := range []string{"core.abbrev=7", "diff.suppressBlankEmpty=false", "core.quotePath=true"} {
		args = append(args, "-c", kv)
	}
	return args
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
	return declarations(fields[0], src, fields[1:])
}

// declarations returns the named declarations of a Go file, each with its
// doc comment, a blank line between them.
func declarations(name string, src []byte, names []string) (string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	var out []string
	for _, want := range names {
		found := false
		for _, decl := range file.Decls {
			if declName(decl) == want {
				start := decl.Pos()
				if doc := declDoc(decl); doc != nil {
					start = doc.Pos()
				}
				out = append(out, string(src[fset.Position(start).Offset:fset.Position(decl.End()).Offset])+"\n")
				found = true
				break
			}
		}
		if !found {
			return "", fmt.Errorf("%s has no declaration %s", name, want)
		}
	}
	return strings.Join(out, "\n"), nil
}

// patchedCode returns declarations of a file as a patch leaves it:
// "docs/exercises/solutions/part2-3.patch part2-tcpserver/server.go TCPServer.serveConn".
// The patch is applied with git apply to a copy of that file alone.
func patchedCode(spec string) (string, error) {
	fields := strings.Fields(spec)
	if len(fields) < 3 {
		return "", fmt.Errorf("patch %q: want \"patch file Name...\"", spec)
	}
	patch, file := fields[0], fields[1]
	dir, err := os.MkdirTemp("", "docs-patch-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if src, err := os.ReadFile(filepath.Join("..", file)); err == nil { // a new file has none
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(file)), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, file), src, 0o644); err != nil {
			return "", err
		}
	}
	abs, err := filepath.Abs(filepath.Join("..", patch))
	if err != nil {
		return "", err
	}
	cmd := exec.Command("git", "apply", "--include="+file, abs)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("git apply %s to %s: %v\n%s"+
			"(a patch is made against the shipped part: if the part changed, .ci/refresh-patches %s makes it anew)",
			patch, file, err, out, patch)
	}
	src, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return "", fmt.Errorf("%s does not make %s: %v", patch, file, err)
	}
	return declarations(file, src, fields[2:])
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

// fence returns the backticks that open and close a generated block: three,
// or one more than the longest run of backticks that starts a line of body,
// so that no line of the quoted code can end the block early (CommonMark
// ends a fence at a line of at least as many backticks).
func fence(body string) string {
	n := 3
	for _, line := range strings.Split(body, "\n") {
		run := len(line) - len(strings.TrimLeft(line, "`"))
		n = max(n, run+1)
	}
	return strings.Repeat("`", n)
}

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

func TestWhatToDo(t *testing.T) {
	if got := whatToDo(nil); !strings.Contains(got, "-update") {
		t.Errorf("with no part changed, whatToDo does not point to -update: %s", got)
	}
	got := whatToDo([]string{"part4-httpserver"})
	checkout, update := strings.Index(got, "git checkout part4-httpserver"), strings.Index(got, "-update")
	if checkout < 0 || update < checkout {
		t.Errorf("with part4 changed, whatToDo must say git checkout part4-httpserver before -update: %s", got)
	}
}

func TestPatchExcerpt(t *testing.T) {
	got, err := patchExcerpt("docs/exercises/solutions/part1-1.patch")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "diff --git a/part1-hello/main.go b/part1-hello/main.go\n") || strings.Contains(got, "_test.go") {
		t.Errorf("patchExcerpt of part1-1.patch: want main.go's diff first and no test file, got:\n%s", got)
	}
	if _, err := patchExcerpt("docs/exercises/solutions/part1-1.patch part1-hello/nothing.go"); err == nil {
		t.Error("patchExcerpt of a file the patch does not touch: no error")
	}
}

func TestPatchedCode(t *testing.T) {
	got, err := patchedCode("docs/exercises/solutions/part1-2.patch part1-hello/main.go handle")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := codeExcerpt("part1-hello/main.go handle")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "// handle") || got == shipped {
		t.Errorf("patchedCode: want handle as the patch leaves it, got:\n%s", got)
	}
}

// TestDiffIgnoresGitConfig sets, through the environment, every setting that
// would change the chapters' diffs (as a clone's .git/config may): the
// output must not change.
func TestDiffIgnoresGitConfig(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	const spec = "part1-hello part2-tcpserver: main.go server.go"
	want, err := diffFiles(spec)
	if err != nil {
		t.Fatal(err)
	}
	settings := []string{
		"diff.noprefix=true", "diff.mnemonicPrefix=true", "diff.algorithm=patience", "core.abbrev=12",
		"diff.relative=true", "diff.context=6", "diff.interHunkContext=9", "diff.suppressBlankEmpty=true",
		"diff.indentHeuristic=false", "color.diff=always", "color.ui=always", "diff.external=false",
	}
	t.Setenv("GIT_CONFIG_COUNT", fmt.Sprint(len(settings)))
	for i, kv := range settings {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(fmt.Sprintf("GIT_CONFIG_KEY_%d", i), k)
		t.Setenv(fmt.Sprintf("GIT_CONFIG_VALUE_%d", i), v)
	}
	got, err := diffFiles(spec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("git settings changed the diff (-without +with):\n%s", diff)
	}
}

// TestFence: a quoted block whose code holds a line of backticks (a Go raw
// string with Markdown in it, say) gets a longer fence, or it would end early.
func TestFence(t *testing.T) {
	tests := []struct{ body, want string }{
		{"x := 1\n", "```"},
		{"s := `a`\n", "```"},
		{"const md = `\n```go\n`\n", "````"},
		{"````\n", "`````"},
	}
	for _, tt := range tests {
		if got := fence(tt.body); got != tt.want {
			t.Errorf("fence(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}
