package docs

// The checks of this file keep the Chinese edition in step with the English
// one beyond structure (TestLanguagesMatch): the figures in the prose, and
// the house style that docs/zh/STYLE.md writes down.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

func init() {
	// Pages that exist in Chinese only (see chinesePages in docs_test.go).
	chinesePages["STYLE.md"] = ""
	chinesePages["interview.md"] = ""
}

// A section that one language has on purpose and the other has not is
// wrapped in these markers (on lines of their own). TestLanguagesMatch and
// the checks below leave it out; the house-style check still reads it.
const (
	onlyStart = "<!-- zh-only -->"
	onlyEnd   = "<!-- end zh-only -->"
)

// withoutLanguageOnly returns page without its language-only sections.
func withoutLanguageOnly(page string) string {
	var out []string
	skip := false
	for _, line := range strings.Split(page, "\n") {
		switch strings.TrimSpace(line) {
		case onlyStart:
			skip = true
			continue
		case onlyEnd:
			skip = false
			continue
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// languagePairs lists each English page with its Chinese counterpart.
func languagePairs(t *testing.T) [][2]string {
	t.Helper()
	english, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for _, en := range english {
		pairs = append(pairs, [2]string{en, filepath.Join("zh", en)})
	}
	for zh, en := range chinesePages {
		if en != "" {
			pairs = append(pairs, [2]string{en, filepath.Join("zh", zh)})
		}
	}
	return pairs
}

// section is the prose under one heading: its heading line and the text up
// to the next heading, without fenced blocks.
type section struct {
	heading string
	line    int // of the heading, 1-based; 0 for the text before the first heading
	prose   []string
	lines   []int
}

// sections splits a page at its headings (outside fenced blocks), after
// leaving out the language-only sections.
func sections(page string) []section {
	out := []section{{heading: "(top of the page)"}}
	inFence := false
	for i, line := range strings.Split(page, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(line, "#") {
			out = append(out, section{heading: line, line: i + 1})
		}
		cur := &out[len(out)-1]
		cur.prose = append(cur.prose, line)
		cur.lines = append(cur.lines, i+1)
	}
	return out
}

const number = `(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)`

var (
	inlineCode  = regexp.MustCompile("`[^`]*`")
	htmlComment = regexp.MustCompile(`<!--.*?-->|<a id="[^"]*"></a>`)
	linkTarget  = regexp.MustCompile(`\]\([^)]*\)|<https?://[^>]*>|https?://[^\s)）]*`)
	// A figure: a number followed by a unit of size, time or share, in
	// either language, with the Chinese measure word 个 allowed between; a
	// range "2 to 5 ms" gives both numbers the unit. The number may carry
	// thousands separators; "7 more bytes" is 7 bytes, and an ordinal (第 7
	// 个字节, byte 7) is no figure. The one-letter units s and h need a space
	// before them, so that "503s" (status codes) is not a duration.
	figure = regexp.MustCompile(`(?:` + number + `\s?(?:to|–|到|至)\s?)?` + number +
		`(?:\s?(?:个|more |extra )?\s?(bytes?|字节|KiB|MiB|GiB|KB|MB|GB|kB|ms|毫秒|µs|微秒|ns|纳秒|seconds?|秒钟?|minutes?|分钟|min|hours?|小时|%|percent)|\s个?\s?(s|h))` +
		`(?:$|[^A-Za-z0-9])`)
	units = map[string]string{
		"byte": "B", "bytes": "B", "字节": "B",
		"毫秒": "ms", "微秒": "µs", "纳秒": "ns",
		"second": "s", "seconds": "s", "秒": "s", "秒钟": "s",
		"minute": "min", "minutes": "min", "分钟": "min",
		"hour": "h", "hours": "h", "小时": "h",
		"percent": "%",
	}
)

// prose returns a line without inline code, comments, anchors and link
// targets: what a reader reads as text.
func proseOf(line string) string {
	line = inlineCode.ReplaceAllString(line, " ")
	line = htmlComment.ReplaceAllString(line, " ")
	return linkTarget.ReplaceAllString(line, "] ")
}

// figures returns the figures of some prose, normalised so that the two
// languages compare: "112 bytes" and "112 字节" are both "112 B", "10 s",
// "10 seconds" and "10 秒" are all "10 s", "1,024" is "1024".
func figures(text string) []string {
	var out []string
	// A figure wrapped at the end of a line ("817\n  bytes", inside a list
	// item) is one figure: fold every run of white space to one space.
	text = strings.Join(strings.Fields(proseOf(text)), " ")
	for _, i := range figure.FindAllStringSubmatchIndex(text, -1) {
		if strings.HasSuffix(strings.TrimSpace(text[:i[0]]), "第") {
			continue // an ordinal
		}
		m := make([]string, len(i)/2)
		for k := range m {
			if i[2*k] >= 0 {
				m[k] = text[i[2*k]:i[2*k+1]]
			}
		}
		unit := m[3] + m[4]
		if u, ok := units[unit]; ok {
			unit = u
		}
		for _, n := range m[1:3] {
			if n != "" {
				out = append(out, strings.ReplaceAll(n, ",", "")+" "+unit)
			}
		}
	}
	return out
}

// figureExceptions lists the figures that one language's prose has on
// purpose and the other's has not, as "page|heading prefix|figure": the
// figure is then left out of that section in both languages.
var figureExceptions = []string{}

func excepted(page, heading, fig string) bool {
	for _, e := range figureExceptions {
		p, rest, _ := strings.Cut(e, "|")
		h, f, _ := strings.Cut(rest, "|")
		if p == page && strings.HasPrefix(heading, h) && f == fig {
			return true
		}
	}
	return false
}

// figureDifferences compares the figures of two versions of a page, section
// by section, and describes each figure that one has and the other has not.
func figureDifferences(page, en, zh string) []string {
	enSecs, zhSecs := sections(withoutLanguageOnly(en)), sections(withoutLanguageOnly(zh))
	if len(enSecs) != len(zhSecs) {
		// TestLanguagesMatch reports the structure; compare the whole page.
		enSecs = []section{{heading: "(whole page)", prose: []string{strings.Join(flatten(enSecs), "\n")}}}
		zhSecs = []section{{heading: "(whole page)", prose: []string{strings.Join(flatten(zhSecs), "\n")}}}
	}
	var out []string
	for i := range enSecs {
		count := func(s section) map[string]int {
			n := map[string]int{}
			for _, f := range figures(strings.Join(s.prose, "\n")) {
				if !excepted(page, strings.TrimSpace(enSecs[i].heading), f) {
					n[f]++
				}
			}
			return n
		}
		enN, zhN := count(enSecs[i]), count(zhSecs[i])
		var keys []string
		for k := range enN {
			keys = append(keys, k)
		}
		for k := range zhN {
			if _, ok := enN[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if enN[k] != zhN[k] {
				out = append(out, fmt.Sprintf("%s, section %q (zh line %d): %q appears %d× in English, %d× in Chinese",
					page, strings.TrimSpace(zhSecs[i].heading), zhSecs[i].line, k, enN[k], zhN[k]))
			}
		}
	}
	return out
}

func flatten(secs []section) []string {
	var out []string
	for _, s := range secs {
		out = append(out, s.prose...)
	}
	return out
}

// TestFiguresMatch checks that the prose of each English page and of its
// Chinese counterpart state the same figures (sizes, durations, shares),
// section by section: a figure changed in one language and not in the
// other fails here.
func TestFiguresMatch(t *testing.T) {
	for _, p := range languagePairs(t) {
		en, err := os.ReadFile(p[0])
		if err != nil {
			t.Fatal(err)
		}
		zh, err := os.ReadFile(p[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range figureDifferences(p[1], string(en), string(zh)) {
			t.Error(d)
		}
	}
}

func TestFiguresMatchCatchesStaleFigures(t *testing.T) {
	en := "# Title\n\nThe response is 112 bytes, sent in 5 ms.\n\n## Next\n\nWait 10 s, or 30 seconds, 15% of the time.\n```console\n$ sleep 99 s\n```\n"
	tests := []struct {
		name string
		zh   string
		want int // differences found
	}{
		{"faithful", "# 标题\n\n响应共 112 字节，5 毫秒发完。\n\n## 下一节\n\n等 10 秒，或 30 秒，15% 的时候如此。\n```console\n$ sleep 99 s\n```\n", 0},
		{"stale figure", "# 标题\n\n响应共 97 字节，5 毫秒发完。\n\n## 下一节\n\n等 10 秒，或 30 秒，15% 的时候如此。\n", 2},
		{"figure moved to another section", "# 标题\n\n响应共 112 字节，5 毫秒发完，等 10 秒。\n\n## 下一节\n\n或 30 秒，15% 的时候如此。\n", 2},
		{"figure dropped", "# 标题\n\n响应共 112 字节，很快发完。\n\n## 下一节\n\n等 10 秒，或 30 秒，15% 的时候如此。\n", 1},
		{"figures in code and zh-only text do not count", "# 标题\n\n响应共 112 字节（`1 s`），5 毫秒发完。\n\n<!-- zh-only -->\n另有 7 秒。\n<!-- end zh-only -->\n\n## 下一节\n\n等 10 秒，或 30 秒，15% 的时候如此。\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := figureDifferences("planted.md", en, tt.zh)
			if len(got) != tt.want {
				t.Errorf("got %d differences, want %d:\n%s", len(got), tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

func TestFigures(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"112 bytes and 112 字节", []string{"112 B", "112 B"}},
		{"10 s, 10 seconds, 10 秒, 10 秒钟", []string{"10 s", "10 s", "10 s", "10 s"}},
		{"3 h 30 min, 3 小时 30 分钟", []string{"3 h", "30 min", "3 h", "30 min"}},
		{"15%, 15 %, 1,024 bytes, 550 KiB, 1.5 ms", []string{"15 %", "15 %", "1024 B", "550 KiB", "1.5 ms"}},
		{"`-delay 1s` and [RFC 9112 §2.2](x.md#2-s) part 4 starts, 503s and 404s", nil},
		{"from 17.6 to 17.1 µs, 17.6 µs 变为 17.1 µs, 7 个字节, 2 h 30\nmin", []string{"17.6 µs", "17.1 µs", "17.6 µs", "17.1 µs", "7 B", "2 h", "30 min"}},
		{"one write of 817\n  bytes carried them", []string{"817 B"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, figures(tt.in)); diff != "" {
			t.Errorf("figures(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// The house style of the Chinese edition is docs/zh/STYLE.md. The rules a
// machine can check are checked here: the forbidden variants listed in its
// table (terms that drift from the glossary), and the typography rules.

// styleRule is one rule of the house style: a pattern that must not occur
// in Chinese prose, unless an allowed pattern covers the occurrence.
type styleRule struct {
	name    string
	bad     *regexp.Regexp
	allowed *regexp.Regexp // nil: no exception
}

const han = `\p{Han}`

// typographyRules are STYLE.md's typography rules (排版).
var typographyRules = []styleRule{
	{name: "B1 中文与拉丁字母、数字、行内代码之间要有空格", bad: regexp.MustCompile(han + "[A-Za-z0-9`]|[A-Za-z0-9`]" + han)},
	{name: "B1 汉字之间不加空格", bad: regexp.MustCompile(han + ` +` + han)},
	{name: "B1 全角标点与拉丁字母、数字、行内代码之间不加空格", bad: regexp.MustCompile(`[，。；：！？、（）“”] +[A-Za-z0-9` + "`" + `]|[A-Za-z0-9` + "`" + `] +[，。；：！？、（）“”]`)},
	{name: "B2 中文里用全角标点", bad: regexp.MustCompile(han + ` ?[,;:?!()]|[,;:?!(] ?` + han)},
	{name: "B2 列举章节号、数值和代码用顿号", bad: regexp.MustCompile("[0-9§`][^\\s,|]*, [0-9§`]")},
	{name: "B3 百分号紧跟数字", bad: regexp.MustCompile(`\d %`)},
	{name: "B5 中文引号用“”，省略号用……", bad: regexp.MustCompile(han + `["']|["']` + han + `|` + han + ` ?\.\.\.|\.\.\. ?` + han)},
}

// durationRule is B4: durations in prose take Chinese units; tables, code
// and output keep s, ms.
var durationRule = styleRule{name: "B4 正文里的时长用中文单位（秒、毫秒……）", bad: regexp.MustCompile(`\d(?:\.\d+)? ?(?:s|ms|µs|ns|h|min)(?:$|[^A-Za-z0-9/])`)}

// termRules reads the forbidden variants from STYLE.md's table: each row
// "| `bad` | use | `allowed` |", the patterns being regular expressions.
func termRules(style string) ([]styleRule, error) {
	_, table, ok := strings.Cut(style, "<!-- forbidden variants -->")
	if !ok {
		return nil, fmt.Errorf("STYLE.md has no <!-- forbidden variants --> table")
	}
	var rules []styleRule
	for _, line := range strings.Split(table, "\n")[1:] {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if len(rules) > 0 || line != "" {
				break
			}
			continue
		}
		// A pipe inside a pattern is written \| in the table.
		cells := strings.Split(strings.ReplaceAll(strings.Trim(line, "|"), `\|`, "\x00"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(strings.Trim(strings.ReplaceAll(strings.TrimSpace(cells[i]), "\x00", "|"), "`"))
		}
		if len(cells) < 3 || !strings.HasPrefix(line, "| `") {
			continue // the header and the separator
		}
		bad := cells[0]
		r := styleRule{name: "A 禁用写法 " + bad + " → " + cells[1]}
		var err error
		if r.bad, err = regexp.Compile(bad); err != nil {
			return nil, fmt.Errorf("STYLE.md: %v", err)
		}
		if a := cells[2]; a != "" && a != "—" {
			if r.allowed, err = regexp.Compile(a); err != nil {
				return nil, fmt.Errorf("STYLE.md: %v", err)
			}
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("STYLE.md: the forbidden-variants table is empty")
	}
	return rules, nil
}

// styleProse returns a line as the style check reads it: inline code becomes
// `…` (so that "`-trace` 标志" can be caught, but not what the code says),
// and comments, anchors and link targets are dropped.
func styleProse(line string) string {
	line = inlineCode.ReplaceAllString(line, "`…`")
	line = htmlComment.ReplaceAllString(line, "")
	return linkTarget.ReplaceAllString(line, "]")
}

// styleViolations checks a Chinese page against the rules, skipping fenced
// blocks; terms says whether the term rules apply (not to the glossary and
// STYLE.md, which name the forbidden variants).
func styleViolations(name, page string, terms []styleRule) []string {
	var out []string
	inFence := false
	for i, raw := range strings.Split(page, "\n") {
		if strings.HasPrefix(strings.TrimSpace(raw), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		line := styleProse(raw)
		if filepath.Base(name) == "glossary.md" && strings.HasPrefix(line, "|") {
			// The glossary's first column is the English term.
			if _, rest, ok := strings.Cut(line[1:], "|"); ok {
				line = "|" + rest
			}
		}
		rules := slices.Clone(typographyRules)
		if !strings.HasPrefix(strings.TrimSpace(raw), "|") {
			rules = append(rules, durationRule)
		}
		rules = append(rules, terms...)
		for _, r := range rules {
			for _, m := range r.bad.FindAllStringIndex(line, -1) {
				if r.allowed != nil && covered(r.allowed, line, m) {
					continue
				}
				out = append(out, fmt.Sprintf("%s:%d: %s: %q", name, i+1, r.name, excerpt(line, m)))
			}
		}
	}
	return out
}

// covered reports whether a match of allowed contains the span m.
func covered(allowed *regexp.Regexp, line string, m []int) bool {
	for _, a := range allowed.FindAllStringIndex(line, -1) {
		if a[0] <= m[0] && m[1] <= a[1] {
			return true
		}
	}
	return false
}

func excerpt(line string, m []int) string {
	r := []rune(line)
	start := len([]rune(line[:m[0]]))
	end := len([]rune(line[:m[1]]))
	return string(r[max(0, start-8):min(len(r), end+8)])
}

func readStyle(t *testing.T) []styleRule {
	t.Helper()
	style, err := os.ReadFile(filepath.Join("zh", "STYLE.md"))
	if err != nil {
		t.Fatal(err)
	}
	terms, err := termRules(string(style))
	if err != nil {
		t.Fatal(err)
	}
	return terms
}

// TestChineseStyle checks every Chinese page against the machine-checkable
// rules of docs/zh/STYLE.md.
func TestChineseStyle(t *testing.T) {
	terms := readStyle(t)
	pages, err := filepath.Glob(filepath.Join("zh", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pageTerms := terms
		if b := filepath.Base(p); b == "glossary.md" || b == "STYLE.md" {
			pageTerms = nil
		}
		for _, v := range styleViolations(p, string(src), pageTerms) {
			t.Error(v)
		}
	}
}

func TestChineseStyleCatchesOffStyle(t *testing.T) {
	terms := readStyle(t)
	tests := []struct {
		name, line string
		want       string // the rule that must fire; "" for none
	}{
		{"on style", "持久连接（keep-alive）让浏览器复用连接，`Connection: keep-alive` 也不例外；等 10 秒，15% 的请求。", ""},
		{"keep-alive in prose", "空闲的 keep-alive 连接会越积越多。", "keep-alive"},
		{"应答", "第九个客户端得到应答。", "应答"},
		{"listener left in English", "传进一个监听空闲端口的 listener。", "listener"},
		{"监听套接字", "而不是关闭监听套接字。", "监听套接字"},
		{"accept 循环", "保留了 accept 循环。", "accept"},
		{"writer in prose", "默认情况下，writer 把响应体留在缓冲区里。", "writer"},
		{"标志 for a flag", "服务器的 `-trace` 标志会打印字节。", "标志"},
		{"Common Log Format bare", "以 Common Log Format 记录。", "Common Log Format"},
		{"开放题", "### 4.5 缓存 Date（开放题）", "开放题"},
		{"双核", "双核 Linux 虚拟机", "双核"},
		{"partN in prose", "part2 把循环分开。", "part"},
		{"no space before Latin", "用curl 访问。", "B1"},
		{"no space after a number", "等了3 秒。", "B1"},
		{"space between Han characters", "等了 0.9 秒 才轮到。", "汉字之间"},
		{"space after full-width punctuation", "他说， `curl` 可以。", "B1"},
		{"half-width comma", "读取请求,写出响应。", "B2"},
		{"half-width parenthesis", "监听队列(backlog) 里。", "B2"},
		{"list of sections", "| RFC 9110 §8.6, §15.5.14 |", "B2"},
		{"list of code", "| `minAcceptDelay`, `maxAcceptDelay` | 5 ms、1 s |", "B2"},
		{"percent with a space", "相差在 15 % 以内。", "B3"},
		{"s in prose", "它会在 2 s 后得到回答。", "B4"},
		{"s in a table is fine", "| 同上，但用 `nc -N` | 0.0 s |", ""},
		{"straight quotes", "所谓\"长连接\"就是它。", "B5"},
		{"code is not prose", "`printf 'a, b' | nc localhost 8888`，然后 `-delay 1s`。", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := styleViolations("planted.md", tt.line, terms)
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("%q: want no violation, got:\n%s", tt.line, strings.Join(got, "\n"))
				}
				return
			}
			if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Errorf("%q: want a violation of %q, got:\n%s", tt.line, tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

// slug is GitHub's anchor for a heading: lower case, letters (CJK included),
// digits, - and _ kept, spaces turned into -, everything else dropped.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(strings.TrimLeft(heading, "#"))) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	mdLink   = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	anchorID = regexp.MustCompile(`<a id="([^"]+)"></a>`)
)

// anchors lists the anchors of a page: its headings' slugs (a repeated one
// numbered as GitHub does) and its explicit <a id> anchors.
func anchors(page string) map[string]bool {
	out := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(line, "#") {
			s := slug(line)
			for n := 1; out[s]; n++ {
				s = fmt.Sprintf("%s-%d", slug(line), n)
			}
			out[s] = true
		}
		for _, m := range anchorID.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
	}
	return out
}

// TestLinks checks that every relative link of the pages, in both
// languages (and the repository's README), leads to a file that exists and,
// with #anchor, to a heading or <a id> of that page: the 面试题 index, the
// solutions pages and the cross-references lead somewhere.
func TestLinks(t *testing.T) {
	english, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	chinese, err := filepath.Glob(filepath.Join("zh", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages := append(append(english, chinese...), filepath.Join("..", "README.md"), filepath.Join("exercises", "README.md"))
	for _, p := range pages {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inFence := false
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inFence = !inFence
			}
			if inFence {
				continue
			}
			for _, m := range mdLink.FindAllStringSubmatch(inlineCode.ReplaceAllString(line, ""), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, anchor, _ := strings.Cut(target, "#")
				path := p
				if file != "" {
					path = filepath.Join(filepath.Dir(p), filepath.FromSlash(file))
				}
				dst, err := os.ReadFile(path)
				if err != nil {
					if _, statErr := os.Stat(path); statErr == nil {
						continue // a folder
					}
					t.Errorf("%s:%d: link %s: %v", p, i+1, target, err)
					continue
				}
				if anchor != "" && !anchors(string(dst))[anchor] {
					t.Errorf("%s:%d: link %s: %s has no anchor %q", p, i+1, target, path, anchor)
				}
			}
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"## 停止服务器": "停止服务器",
		"### 为什么从第 4 部分起 `printf … | nc` 要等 30 秒": "为什么从第-4-部分起-printf---nc-要等-30-秒",
		"## 持久连接（keep-alive）与流水线":                 "持久连接keep-alive与流水线",
		"### 4.1 对 / 的 OPTIONS 请求":                "41-对--的-options-请求",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestChineseChaptersEndWithSummary checks STYLE.md's rule that every
// chapter of the Chinese edition ends with a 小结, marked as zh-only, after
// its questions.
func TestChineseChaptersEndWithSummary(t *testing.T) {
	chapters, err := filepath.Glob(filepath.Join("zh", "part*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(chapters) == 0 {
		t.Fatal("no chapters in zh/")
	}
	for _, c := range chapters {
		src, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		page := string(src)
		summary := strings.LastIndex(page, "\n## 小结\n")
		questions := strings.LastIndex(page, "\n## 思考题\n")
		switch {
		case summary < 0:
			t.Errorf("%s has no ## 小结", c)
		case summary < questions:
			t.Errorf("%s: ## 小结 comes before ## 思考题", c)
		case strings.Contains(withoutLanguageOnly(page), "\n## 小结\n"):
			t.Errorf("%s: ## 小结 is not between %s and %s", c, onlyStart, onlyEnd)
		}
	}
}
