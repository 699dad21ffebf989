package main

import (
	"bufio"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// secret is the content of a file just outside the served root: no request
// may ever return a byte of it.
const secret = "TOP-SECRET-OUTSIDE-THE-ROOT"

// makeSite builds a served root in a temporary folder, with a secret file and
// symbolic links beside it, and returns the root's path.
func makeSite(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	files := map[string]string{
		"index.html":     "<!DOCTYPE html><title>home</title>",
		"style.css":      "body { color: black }",
		"app.js":         "console.log('hi')",
		"data.json":      `{"a":1}`,
		"notes.txt":      "plain text",
		"image.png":      "\x89PNG\r\n\x1a\n",
		"NOEXT":          "bytes",
		"sub/index.html": "<p>sub</p>",
		"sub/page.html":  "<p>page</p>",
		"empty/.keep":    "",
		"%2e%2e":         "a file whose name is %2e%2e",
		// Dotfiles and dot-folders are never served: a leak shows as the secret.
		".env":                     secret,
		".git/config":              secret,
		"sub/.hidden":              secret,
		".well-known/security.txt": secret,
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(base, "outside")
	os.MkdirAll(outside, 0o755)
	for _, p := range []string{filepath.Join(base, "secret.txt"), filepath.Join(outside, "secret.txt")} {
		if err := os.WriteFile(p, []byte(secret), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if runtime.GOOS != "windows" {
		links := map[string]string{
			"link-out":    filepath.Join(base, "secret.txt"), // absolute, out
			"link-rel":    "../secret.txt",                   // relative, out
			"link-dir":    outside,                           // a folder out
			"link-inside": "notes.txt",                       // stays inside: allowed
		}
		for name, target := range links {
			if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func startStatic(t *testing.T) (addr, root string) {
	t.Helper()
	root = makeSite(t)
	files, err := openSite(root)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ = startTCPServer(t, files, nil)
	return addr, root
}

// get sends one raw request, exactly as written (no client tidies the
// path), and returns the parsed response and its body.
func get(t *testing.T, addr, method, target string, fields ...string) (*http.Response, string) {
	t.Helper()
	conn := dial(t, addr)
	req := method + " " + target + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
	for _, f := range fields {
		req += f + "\r\n"
	}
	io.WriteString(conn, req+"\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestStaticFiles(t *testing.T) {
	addr, _ := startStatic(t)
	tests := []struct {
		target   string
		status   int
		ctype    string
		body     string // exact, for 200
		location string
	}{
		{"/", 200, "text/html; charset=utf-8", "<!DOCTYPE html><title>home</title>", ""},
		{"/index.html", 200, "text/html; charset=utf-8", "<!DOCTYPE html><title>home</title>", ""},
		{"/style.css", 200, "text/css; charset=utf-8", "body { color: black }", ""},
		{"/app.js", 200, "text/javascript; charset=utf-8", "console.log('hi')", ""},
		{"/data.json", 200, "application/json", `{"a":1}`, ""},
		{"/notes.txt", 200, "text/plain; charset=utf-8", "plain text", ""},
		{"/notes.txt?v=2", 200, "text/plain; charset=utf-8", "plain text", ""},
		{"/image.png", 200, "image/png", "\x89PNG\r\n\x1a\n", ""},
		{"/NOEXT", 200, "application/octet-stream", "bytes", ""},
		{"/no%74es.txt", 200, "text/plain; charset=utf-8", "plain text", ""}, // %74 is "t"
		{"/%252e%252e", 200, "application/octet-stream", "a file whose name is %2e%2e", ""},
		{"/sub/", 200, "text/html; charset=utf-8", "<p>sub</p>", ""},
		{"/sub/page.html", 200, "text/html; charset=utf-8", "<p>page</p>", ""},
		{"/sub", 301, "text/html; charset=utf-8", "", "/sub/"},
		{"/sub?x=1", 301, "text/html; charset=utf-8", "", "/sub/?x=1"},
		{"/empty/", 404, "text/html; charset=utf-8", "", ""},
		{"/empty", 301, "text/html; charset=utf-8", "", "/empty/"},
		{"/missing.html", 404, "text/html; charset=utf-8", "", ""},
		{"/notes.txt/", 404, "text/html; charset=utf-8", "", ""},
		{"/index.html/", 404, "text/html; charset=utf-8", "", ""},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			target   string
			status   int
			ctype    string
			body     string
			location string
		}{"/link-inside", 200, "application/octet-stream", "plain text", ""})
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := get(t, addr, "GET", tt.target)
			got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location")}
			want := []any{tt.status, tt.ctype, tt.location}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET %s: status, type, location (-want +got):\n%s", tt.target, diff)
			}
			if tt.status == 200 {
				if body != tt.body {
					t.Errorf("GET %s body = %q, want %q", tt.target, body, tt.body)
				}
				if _, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil {
					t.Errorf("GET %s Last-Modified = %q: %v", tt.target, resp.Header.Get("Last-Modified"), err)
				}
			}
		})
	}
}

func TestStaticHEADAndMethods(t *testing.T) {
	addr, _ := startStatic(t)
	getResp, getBody := get(t, addr, "GET", "/notes.txt")
	headResp, headBody := get(t, addr, "HEAD", "/notes.txt")
	for _, name := range []string{"Content-Type", "Content-Length", "Last-Modified"} {
		if g, h := getResp.Header.Get(name), headResp.Header.Get(name); g != h || g == "" {
			t.Errorf("%s: GET %q, HEAD %q; want the same, not empty", name, g, h)
		}
	}
	if headBody != "" || getBody != "plain text" {
		t.Errorf("bodies: GET %q, HEAD %q", getBody, headBody)
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		resp, _ := get(t, addr, method, "/notes.txt")
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /notes.txt = %d, Allow %q; want 405, %q", method, resp.StatusCode, resp.Header.Get("Allow"), "GET, HEAD")
		}
	}
}

func TestIfModifiedSince(t *testing.T) {
	addr, root := startStatic(t)
	modTime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(root, "notes.txt"), modTime, modTime); err != nil {
		t.Fatal(err)
	}
	lastModified := "Mon, 06 May 2024 07:08:09 GMT"
	tests := []struct {
		name   string
		fields []string
		status int
	}{
		{"no condition", nil, 200},
		{"same time", []string{"If-Modified-Since: " + lastModified}, 304},
		{"later", []string{"If-Modified-Since: Tue, 07 May 2024 00:00:00 GMT"}, 304},
		{"earlier", []string{"If-Modified-Since: Sun, 05 May 2024 00:00:00 GMT"}, 200},
		{"RFC 850 date", []string{"If-Modified-Since: Monday, 06-May-24 07:08:09 GMT"}, 304},
		{"RFC 850 date, year 74 is 2074", []string{"If-Modified-Since: Monday, 01-Jan-74 00:00:00 GMT"}, 304},
		{"RFC 850 date, year 94 is 1994", []string{"If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT"}, 200},
		{"asctime date", []string{"If-Modified-Since: Mon May  6 07:08:09 2024"}, 304},
		{"not a date", []string{"If-Modified-Since: yesterday"}, 200},
		{"If-None-Match wins", []string{"If-Modified-Since: " + lastModified, `If-None-Match: "x"`}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, addr, "GET", "/notes.txt", tt.fields...)
			if resp.StatusCode != tt.status || resp.Header.Get("Last-Modified") != lastModified {
				t.Errorf("status %d, Last-Modified %q; want %d, %q", resp.StatusCode, resp.Header.Get("Last-Modified"), tt.status, lastModified)
			}
			if tt.status == 304 && (body != "" || resp.Header.Get("Content-Length") != "") {
				t.Errorf("304 with body %q, Content-Length %q; want neither", body, resp.Header.Get("Content-Length"))
			}
		})
	}
}

// TestCacheControl checks that static answers say "Cache-Control: no-cache":
// a cache may keep them but must revalidate with Last-Modified each time
// (RFC 9111 §5.2.2.4), instead of guessing a freshness lifetime from
// Last-Modified (RFC 9111 §4.2.2). A 304 carries it too (RFC 9110 §15.4.5).
func TestCacheControl(t *testing.T) {
	addr, _ := startStatic(t)
	const later = "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"
	tests := []struct {
		method, target string
		fields         []string
		status         int
	}{
		{"GET", "/notes.txt", nil, 200},
		{"HEAD", "/notes.txt", nil, 200},
		{"GET", "/notes.txt", []string{later}, 304},
		{"HEAD", "/notes.txt", []string{later}, 304},
		{"GET", "/sub/", nil, 200},
		{"GET", "/sub/", []string{later}, 304},
	}
	for _, tt := range tests {
		resp, _ := get(t, addr, tt.method, tt.target, tt.fields...)
		got := []any{resp.StatusCode, resp.Header.Values("Cache-Control")}
		want := []any{tt.status, []string{"no-cache"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %s %q: status, Cache-Control (-want +got):\n%s", tt.method, tt.target, tt.fields, diff)
		}
	}
}

// TestNoSniff: every static answer, errors and 304 included, tells the
// browser not to guess a type from the bytes.
func TestNoSniff(t *testing.T) {
	addr, _ := startStatic(t)
	tests := []struct {
		method, target string
		fields         []string
		status         int
	}{
		{"GET", "/notes.txt", nil, 200},
		{"HEAD", "/notes.txt", nil, 200},
		{"GET", "/notes.txt", []string{"If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"}, 304},
		{"GET", "/nope.txt", nil, 404},
		{"GET", "/sub", nil, 301},
		{"DELETE", "/notes.txt", nil, 405},
	}
	for _, tt := range tests {
		resp, _ := get(t, addr, tt.method, tt.target, tt.fields...)
		got := []any{resp.StatusCode, resp.Header.Values("X-Content-Type-Options")}
		want := []any{tt.status, []string{"nosniff"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %s %q: status, X-Content-Type-Options (-want +got):\n%s", tt.method, tt.target, tt.fields, diff)
		}
	}
}

// TestParseHTTPDate checks the three date formats of RFC 9110 §5.6.7 and how
// a two-digit RFC 850 year is read: within 50 years after now, or else the
// most recent such year in the past.
func TestParseHTTPDate(t *testing.T) {
	date := func(year int, month time.Month, day, hour, min, sec int) time.Time {
		return time.Date(year, month, day, hour, min, sec, 0, time.UTC)
	}
	now2026 := date(2026, time.May, 6, 12, 0, 0)
	tests := []struct {
		in   string
		now  time.Time
		want time.Time // zero: an error
	}{
		{"Sun, 06 Nov 1994 08:49:37 GMT", now2026, date(1994, time.November, 6, 8, 49, 37)},  // IMF-fixdate
		{"Sunday, 06-Nov-94 08:49:37 GMT", now2026, date(1994, time.November, 6, 8, 49, 37)}, // RFC 850
		{"Sun Nov  6 08:49:37 1994", now2026, date(1994, time.November, 6, 8, 49, 37)},       // asctime
		{"Sun, 06 Nov 2074 08:49:37 GMT", now2026, date(2074, time.November, 6, 8, 49, 37)},
		{"Mon Jan  1 00:00:00 2074", now2026, date(2074, time.January, 1, 0, 0, 0)},

		// RFC 850 years, read against now2026.
		{"Wednesday, 06-May-26 12:00:00 GMT", now2026, date(2026, time.May, 6, 12, 0, 0)},
		{"Saturday, 01-Jan-00 00:00:00 GMT", now2026, date(2000, time.January, 1, 0, 0, 0)},
		{"Tuesday, 01-Jan-69 00:00:00 GMT", now2026, date(2069, time.January, 1, 0, 0, 0)},
		{"Monday, 01-Jan-74 00:00:00 GMT", now2026, date(2074, time.January, 1, 0, 0, 0)},
		{"Wednesday, 06-May-76 12:00:00 GMT", now2026, date(2076, time.May, 6, 12, 0, 0)},   // 50 years ahead: not more
		{"Thursday, 06-May-76 12:00:01 GMT", now2026, date(1976, time.May, 6, 12, 0, 1)},    // a second more than 50
		{"Saturday, 01-Jan-77 00:00:00 GMT", now2026, date(1977, time.January, 1, 0, 0, 0)}, // 51 years ahead
		{"Thursday, 06-May-76 12:00:00 GMT", now2026, date(2076, time.May, 6, 12, 0, 0)},    // 1976's weekday: ignored, the 50 years decide
		{"Wednesday, 31-Dec-25 23:59:59 GMT", now2026, date(2025, time.December, 31, 23, 59, 59)},

		// The same rule in another century.
		{"Wednesday, 01-Jan-10 00:00:00 GMT", date(2090, time.January, 1, 0, 0, 0), date(2110, time.January, 1, 0, 0, 0)},
		{"Tuesday, 01-Jan-41 00:00:00 GMT", date(2090, time.January, 1, 0, 0, 0), date(2041, time.January, 1, 0, 0, 0)},
		{"Thursday, 01-Jan-99 00:00:00 GMT", date(2090, time.January, 1, 0, 0, 0), date(2099, time.January, 1, 0, 0, 0)},
		{"Friday, 01-Jan-00 00:00:00 GMT", date(2099, time.December, 31, 0, 0, 0), date(2100, time.January, 1, 0, 0, 0)},

		// Not HTTP dates.
		{"yesterday", now2026, time.Time{}},
		{"", now2026, time.Time{}},
		{"Sun, 06 Nov 1994 08:49:37 UTC", now2026, time.Time{}},
		{"Sun, 6 Nov 1994 08:49:37 GMT", now2026, time.Time{}},
		{"Sunday, 06-Nov-1994 08:49:37 GMT", now2026, time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseHTTPDate(tt.in, tt.now)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("parseHTTPDate(%q, %v) = %v, want an error", tt.in, tt.now, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseHTTPDate(%q, %v) = %v, %v; want %v", tt.in, tt.now, got, err, tt.want)
		}
	}
}

// TestTraversal tries every way out of the root. Each must get 400, 403 or
// 404, and no byte of the secret file.
func TestTraversal(t *testing.T) {
	addr, root := startStatic(t)
	targets := []string{
		"/../secret.txt",
		"/../../../../../../etc/passwd",
		"/sub/../../secret.txt",
		"/./../secret.txt",
		"/%2e%2e/secret.txt",          // dots encoded once
		"/%2E%2E/secret.txt",          // upper-case hex
		"/.%2e/secret.txt",            // half encoded
		"/%2e%2e%2fsecret.txt",        // slash encoded too
		"/..%2fsecret.txt",            // only the slash encoded
		"/sub%2f..%2f..%2fsecret.txt", // a whole path in one segment
		"/%252e%252e/secret.txt",      // encoded twice: decoded once, a harmless name
		"/%252e%252e%252fsecret.txt",  // likewise
		"/..%5csecret.txt",            // backslash encoded
		"/%5c..%5csecret.txt",         // backslashes encoded
		"/..\\secret.txt",             // a raw backslash: not even a valid target
		"/%00",                        // NUL
		"/notes.txt%00.png",           // NUL to cut a suffix
		"//secret.txt",                // an empty segment
		"//etc/passwd",                // looks absolute
		"/%2fetc%2fpasswd",            // absolute, encoded
		"/" + filepath.ToSlash(root) + "/../secret.txt",
		"http://h/../secret.txt", // absolute-form target
		"http://h/%2e%2e/secret.txt",
		"/sub%2Findex.html", // an encoded slash, even one that stays inside
		"/sub%2findex.html",
		"/sub%2F",
		"/sub%5Cindex.html", // an encoded backslash
		"/.",                // "." segments: refused like ".."
		"/./",
		"/%2e",
		"/%2e/",
		"/sub/.",
		"/sub/./",
		"/sub/./index.html",
		"/.env", // dotfiles and dot-folders, which hold the secret
		"/.git/config",
		"/.git/",
		"/.git",
		"/sub/.hidden",
		"/%2eenv",
		"/.well-known/security.txt",
		"/.well-known/",
		"/empty/.keep",
	}
	if runtime.GOOS != "windows" {
		targets = append(targets,
			"/link-out",            // symlink to an absolute path outside
			"/link-rel",            // symlink to ../secret.txt
			"/link-dir/secret.txt", // through a symlinked folder outside
			"/link-dir/",
		)
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				conn := dial(t, addr)
				io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
				raw, err := io.ReadAll(conn)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(raw), secret) || strings.Contains(string(raw), "root:") {
					t.Fatalf("%s %s leaked a file outside the root:\n%s", method, target, raw)
				}
				status := strings.SplitN(string(raw), " ", 3)
				if len(status) < 2 || (status[1] != "400" && status[1] != "403" && status[1] != "404") {
					t.Errorf("%s %s = %.40q, want 400, 403 or 404", method, target, raw)
				}
			}
		})
	}
}

// TestRefusedPaths pins the exact answer to each kind of path that is not
// served: 400 for a path that is not a file name at all, 404, as if absent,
// for a dotfile or a file inside a dot-folder.
func TestRefusedPaths(t *testing.T) {
	addr, _ := startStatic(t)
	const (
		badSegment   = `The path is not a file name: an empty, "." or ".." segment.`
		encodedSlash = "The path is not a file name: an encoded slash (%2F)."
		backslash    = "The path is not a file name: a backslash or a NUL byte."
	)
	tests := []struct {
		target  string
		status  int
		message string
	}{
		{"/.", 400, badSegment},
		{"/./", 400, badSegment},
		{"/%2e", 400, badSegment},
		{"/%2E/", 400, badSegment},
		{"/sub/.", 400, badSegment},
		{"/sub/./", 400, badSegment},
		{"/sub/./page.html", 400, badSegment},
		{"/..", 400, badSegment},
		{"/sub/..", 400, badSegment},
		{"/sub//page.html", 400, badSegment},
		{"//", 400, badSegment},
		{"/sub%2Findex.html", 400, encodedSlash},
		{"/sub%2findex.html", 400, encodedSlash},
		{"/sub%2F", 400, encodedSlash},
		{"/%2Fsub/", 400, encodedSlash},
		{"/..%2Fsecret.txt", 400, encodedSlash},
		{"/sub%5Cindex.html", 400, backslash},
		{"/sub%5cindex.html", 400, backslash},
		{"/.env", 404, "There is no file at /.env."},
		{"/%2eenv", 404, "There is no file at /%2eenv."},
		{"/.git/config", 404, "There is no file at /.git/config."},
		{"/.git/", 404, "There is no file at /.git/."},
		{"/.git", 404, "There is no file at /.git."}, // not a 301 to /.git/
		{"/sub/.hidden", 404, "There is no file at /sub/.hidden."},
		{"/empty/.keep", 404, "There is no file at /empty/.keep."},
		{"/.well-known/security.txt", 404, "There is no file at /.well-known/security.txt."}, // no exception
		{"/.missing", 404, "There is no file at /.missing."},
		{"/...", 404, "There is no file at /...."},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := get(t, addr, "GET", tt.target)
			got := []any{resp.StatusCode, strings.Contains(html.UnescapeString(body), tt.message)}
			if diff := cmp.Diff([]any{tt.status, true}, got); diff != "" {
				t.Errorf("GET %s: status, page says %q (-want +got):\n%s\npage:\n%s", tt.target, tt.message, diff, body)
			}
			resp, body = get(t, addr, "HEAD", tt.target)
			if resp.StatusCode != tt.status || body != "" {
				t.Errorf("HEAD %s = %d with %d body bytes, want %d and none", tt.target, resp.StatusCode, len(body), tt.status)
			}
		})
	}
}

// TestEmbeddedSite serves the site built into the binary, as go run does.
func TestEmbeddedSite(t *testing.T) {
	files, err := openSite("")
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startTCPServer(t, files, nil)
	for _, tt := range []struct{ target, ctype, contains string }{
		{"/", "text/html; charset=utf-8", `<form id="login"`},
		{"/style.css", "text/css; charset=utf-8", "--accent"},
		{"/app.js", "text/javascript; charset=utf-8", `fetch("/api/login"`},
	} {
		resp, body := get(t, addr, "GET", tt.target)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.ctype || !strings.Contains(body, tt.contains) || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("GET %s = %d %q, Last-Modified %q, body %.60q; want 200 %q containing %q",
				tt.target, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Last-Modified"), body, tt.ctype, tt.contains)
		}
	}
}

// TestLargeFileFlatMemory downloads a file far larger than any buffer of the
// server and checks that it arrives whole while the process allocates almost
// nothing: the body is streamed, never read whole into memory.
func TestLargeFileFlatMemory(t *testing.T) {
	const size = 256 << 20
	root := t.TempDir()
	f, err := os.Create(filepath.Join(root, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(size) // a sparse file: no disk used, reads return zeros
	f.Close()
	files, err := openSite(root)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startTCPServer(t, files, nil)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	conn := dial(t, addr)
	conn.SetDeadline(time.Now().Add(time.Minute))
	io.WriteString(conn, "GET /big.bin HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyBuffer(io.Discard, resp.Body, make([]byte, 64<<10))
	if err != nil || n != size {
		t.Fatalf("downloaded %d bytes, %v; want %d", n, err, size)
	}
	runtime.ReadMemStats(&after)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 8<<20 {
		t.Errorf("serving %d MiB allocated %d KiB; want under 8 MiB, whatever the file's size", size>>20, allocated>>10)
	}
	t.Logf("served %d MiB, allocated %d KiB", size>>20, (after.TotalAlloc-before.TotalAlloc)>>10)
}

// TestSlowFileReader: WriteTimeout bounds a stall, not a transfer. A client
// that keeps reading a large file, slowly, gets all of it, however many
// WriteTimeouts that takes; one that stops reading is dropped. The timing is
// TestSlowReader's (see slowWriteTimeout).
func TestSlowFileReader(t *testing.T) {
	const size = 8 << 20 // 32 reads, 1.6 s: more than three write timeouts
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "big.bin"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := openSite(root)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{}, 2) // a value each time a response has been sent or given up
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		files.ServeHTTP(w, r)
		served <- struct{}{}
	}), func(s *TCPServer) { s.WriteTimeout = slowWriteTimeout })
	get := "GET /big.bin HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"

	t.Run("steady reader", func(t *testing.T) {
		conn := dial(t, addr)
		conn.SetDeadline(time.Now().Add(time.Minute)) // a steady reader may take longer than dial's 10 s on a loaded machine
		io.WriteString(conn, get)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := readSteadily(resp.Body)
		<-served
		if got != size {
			t.Errorf("a client reading steadily got %d bytes in %v, want %d", got, time.Since(start), size)
		}
	})
	t.Run("stalled reader", func(t *testing.T) {
		conn := dial(t, addr)
		conn.(*net.TCPConn).SetReadBuffer(64 << 10)
		io.WriteString(conn, get)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		// Read nothing until the server gives up, after WriteTimeout: then
		// the body ends short.
		select {
		case <-served:
		case <-time.After(10 * slowWriteTimeout):
			t.Fatalf("the server still sends to a client that stopped reading, after %v", 10*slowWriteTimeout)
		}
		got, err := io.Copy(io.Discard, resp.Body)
		if err != io.ErrUnexpectedEOF || got >= size {
			t.Errorf("a client that stopped reading got %d bytes, %v; want fewer than %d and io.ErrUnexpectedEOF", got, err, size)
		}
	})
}
