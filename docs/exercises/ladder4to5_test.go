//go:build exercises

package exercises

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The ladder from part 4 to part 5 puts two applications on part 4's
// server: static files from a folder, safely, and a JSON login API with a
// session cookie; then the site built into the binary, and an access log.
// The file checks serve folders they make (-root), so that they know every
// byte to expect.

// checkFiles: the files of a -root folder, each with the media type of its
// extension, an exact Content-Length and a Last-Modified date; HEAD gets the
// same head; a missing file 404.
func checkFiles(t *testing.T, tg target) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	files := []struct{ name, content, mediaType string }{
		{"index.html", "<!DOCTYPE html>\n<title>Home</title>\n", "text/html"},
		{"style.css", "body { margin: 0 }\n", "text/css"},
		{"app.js", "console.log(\"hi\");\n", "text/javascript"},
		{"notes.txt", "plain text, é\n", "text/plain"},
		{"data.json", "{\"a\": 1}\n", "application/json"},
		{"logo.png", png, "image/png"},
		{"blob.xyz", "\x00\x01\x02", "application/octet-stream"},
	}
	s := newSite(t)
	for _, f := range files {
		s.file(f.name, f.content)
	}
	fifo := s.mkfifo("fifo")
	p := s.start(".", tg)
	for _, f := range files {
		t.Run("GET /"+f.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(get("/"+f.name), "HEAD /"+f.name+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			r := c.expectStatus("GET", "HTTP/1.1 200 ")
			c.expectMediaType(r, f.mediaType)
			c.expectFraming(r)
			c.expectBody(r, f.content)
			lm, _ := r.get("Last-Modified")
			if _, err := http.ParseTime(lm); err != nil {
				got, note := fieldLine(r, "Last-Modified")
				c.fail(report{what: "a Last-Modified date, in IMF-fixdate (RFC 9110 §8.8.2)",
					expected: "Last-Modified: " + time.Now().UTC().Format(http.TimeFormat), got: got, gotNote: note})
			}
			head := c.expectStatus("HEAD", "HTTP/1.1 200 ")
			for _, name := range []string{"Content-Type", "Content-Length", "Last-Modified"} {
				want, _ := r.get(name)
				c.expectField(head, name, want)
			}
			c.expectClosed() // HEAD's answer has no body
		})
	}
	checkRows(t, p, []row{{"GET /missing.txt", []any{get("/missing.txt", "Connection: close")}, "HTTP/1.1 404 "}}, nil)
	if fifo {
		// Opening a FIFO waits for a writer that never comes: only a
		// regular file may be opened.
		checkRows(t, p, []row{{"GET /fifo: not a regular file", []any{get("/fifo", "Connection: close")}, "HTTP/1.1 404 "}}, nil)
	}
}

// checkFolders: a folder's index.html, a 301 that adds the slash, no
// listing of a folder without an index, and 405 for other methods.
func checkFolders(t *testing.T, tg target) {
	s := newSite(t)
	s.file("index.html", "<p>the root</p>\n")
	s.file("sub/index.html", "<p>the sub folder</p>\n")
	s.file("plain/notes.txt", "a folder without an index\n")
	p := s.start(".", tg)
	rows := []row{
		{"GET /", []any{get("/", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /sub/", []any{get("/sub/", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /sub", []any{get("/sub", "Connection: close")}, "HTTP/1.1 301 "},
		{"GET /sub?x=1", []any{get("/sub?x=1", "Connection: close")}, "HTTP/1.1 301 "},
		{"GET /plain/: no listing", []any{get("/plain/", "Connection: close")}, "HTTP/1.1 404 "},
		{"GET /plain/notes.txt/: a file named as a folder", []any{get("/plain/notes.txt/", "Connection: close")}, "HTTP/1.1 404 "},
		{"POST /index.html", []any{"POST /index.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}, "HTTP/1.1 405 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		switch r.name {
		case "GET /":
			c.expectBody(resp, "<p>the root</p>\n")
		case "GET /sub/":
			c.expectBody(resp, "<p>the sub folder</p>\n")
		case "GET /sub":
			c.expectField(resp, "Location", "/sub/")
		case "GET /sub?x=1":
			c.expectField(resp, "Location", "/sub/?x=1")
		case "GET /plain/: no listing":
			if strings.Contains(string(resp.body), "notes.txt") {
				c.fail(report{what: "no list of the folder's files", expected: "", got: string(resp.body)})
			}
		case "POST /index.html":
			c.expectAllow(resp, "GET", "HEAD")
		}
	})
}

// checkTraversal: the files inside the root are served, and nothing
// outside it, whatever the path holds: 400, 403 or 404, and never a byte of
// the secret that lies beside the root.
func checkTraversal(t *testing.T, tg target) {
	const secret = "TOP SECRET 4f8a"
	s := newSite(t)
	s.file("secret.txt", secret+"\n")
	s.file("root/inside.txt", "inside\n")
	s.file("root/sub/page.txt", "a page\n")
	s.file("root/.env", secret+" in a dotfile\n")
	s.file("root/sub/.git/config", secret+" in a dot-folder\n")
	s.file("root/%2e.txt", "a name with a percent sign\n") // decoded once, /%252e.txt names it
	links := s.link("root/link-out", "../secret.txt") && s.link("root/link-dir", "..")
	p := s.start("root", tg)
	checkRows(t, p, []row{
		{"GET /inside.txt", []any{get("/inside.txt", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /sub/page.txt", []any{get("/sub/page.txt", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /%252e.txt, decoded once", []any{get("/%252e.txt", "Connection: close")}, "HTTP/1.1 200 "},
	}, func(t *testing.T, c *client, r row, resp *response) {
		if r.name == "GET /%252e.txt, decoded once" {
			c.expectBody(resp, "a name with a percent sign\n")
		}
	})
	targets := []string{
		"/../secret.txt",
		"/sub/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/..%2fsecret.txt",
		"/sub%2f..%2f..%2fsecret.txt",
		"/%252e%252e/secret.txt",
		"/..%5csecret.txt",
		"/inside.txt%00.png",
		"/.env",
		"/sub/.git/config",
		filepath.ToSlash(filepath.Join(s.dir, "secret.txt")), // the secret's absolute path
	}
	if links {
		targets = append(targets, "/link-out", "/link-dir/secret.txt")
	}
	for _, target := range targets {
		t.Run("GET "+target, func(t *testing.T) {
			c := p.dial(t)
			c.send(get(target, "Connection: close"))
			r := c.expectResponse("GET")
			if r.code != 400 && r.code != 403 && r.code != 404 {
				c.fail(report{what: "400, 403 or 404 for a path that leads outside the root, or to a dotfile",
					expected: "HTTP/1.1 404 ", prefix: true, got: r.statusLine})
			}
			if strings.Contains(string(r.body), "TOP SECRET") {
				c.fail(report{what: "not a byte of a file outside the root", expected: "", got: string(r.body)})
			}
		})
	}
}

// checkIfModifiedSince: If-Modified-Since with the file's date, or a later
// one, in any of HTTP's three date formats, gets 304 without a body; an
// earlier date, or one that is not a date, gets the file.
func checkIfModifiedSince(t *testing.T, tg target) {
	s := newSite(t)
	s.file("page.html", "<p>a page</p>\n")
	p := s.start(".", tg)
	c := p.dial(t)
	c.send(get("/page.html", "Connection: close"))
	r := c.expectStatus("GET", "HTTP/1.1 200 ")
	lm, _ := r.get("Last-Modified")
	modified, err := http.ParseTime(lm)
	if err != nil {
		got, note := fieldLine(r, "Last-Modified")
		c.fail(report{what: "a Last-Modified date, in IMF-fixdate (RFC 9110 §8.8.2)",
			expected: "Last-Modified: " + time.Now().UTC().Format(http.TimeFormat), got: got, gotNote: note})
	}
	rows := []struct{ name, since, status string }{
		{"the file's date", lm, "HTTP/1.1 304 "},
		{"an hour later", modified.Add(time.Hour).Format(http.TimeFormat), "HTTP/1.1 304 "},
		{"the file's date, RFC 850", modified.Format("Monday, 02-Jan-06 15:04:05 GMT"), "HTTP/1.1 304 "},
		{"the file's date, asctime", modified.Format(time.ANSIC), "HTTP/1.1 304 "},
		{"a second earlier", modified.Add(-time.Second).Format(http.TimeFormat), "HTTP/1.1 200 "},
		{"not a date", "yesterday", "HTTP/1.1 200 "},
	}
	for _, tt := range rows {
		for _, method := range []string{"GET", "HEAD"} {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				c := p.dial(t)
				c.send(method+" /page.html HTTP/1.1\r\nHost: localhost\r\nIf-Modified-Since: "+tt.since+"\r\n\r\n",
					get("/page.html", "Connection: close"))
				r := c.expectStatus(method, tt.status)
				c.expectField(r, "Last-Modified", lm)
				c.expectStatus("GET", "HTTP/1.1 200 ") // a body after the 304 would be read here
				c.expectClosed()
			})
		}
	}
}

// checkLoginAPI: POST /api/login answers in JSON, with 200 for the right
// credentials and 400, 401, 405, 413 or 415 for the wrong ones.
func checkLoginAPI(t *testing.T, tg target) {
	p := start(t, tg, "-user", "ada", "-password", "lovelace")
	const json = "application/json"
	rows := []row{
		{"the right credentials", []any{loginRequest(json, `{"username": "ada", "password": "lovelace"}`)}, "HTTP/1.1 200 "},
		{"a wrong password", []any{loginRequest(json, `{"username": "ada", "password": "babbage"}`)}, "HTTP/1.1 401 "},
		{"malformed JSON", []any{loginRequest(json, `{"username": "ada",`)}, "HTTP/1.1 400 "},
		{"no password", []any{loginRequest(json, `{"username": "ada"}`)}, "HTTP/1.1 400 "},
		{"a form, not JSON", []any{loginRequest("application/x-www-form-urlencoded", "username=ada&password=lovelace")}, "HTTP/1.1 415 "},
		{"2 MiB of body", []any{"POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{"}, "HTTP/1.1 413 "},
		{"GET /api/login", []any{get("/api/login", "Connection: close")}, "HTTP/1.1 405 "},
	}
	checkRows(t, p, rows, func(t *testing.T, c *client, r row, resp *response) {
		code := -1
		if resp.code == 200 {
			code = 0
		}
		if msg := c.expectAPIMessage(resp, code); code == 0 && msg != "success" {
			c.fail(report{what: "the login's success message", expected: `{"message":"success","code":0}`, got: string(resp.body)})
		}
		if resp.code == 405 {
			c.expectAllow(resp, "POST")
		}
	})
}

// checkSession: a login sets a session cookie (HttpOnly, SameSite=Strict,
// Path=/, a value nobody can guess); /api/me says who has it; logout ends
// the session at the server too.
func checkSession(t *testing.T, tg target) {
	p := start(t, tg, "-user", "ada", "-password", "lovelace")
	login := func(t *testing.T) (*client, string, string) {
		c := p.dial(t)
		c.send(loginRequest("application/json", `{"username": "ada", "password": "lovelace"}`))
		r := c.expectStatus("POST", "HTTP/1.1 200 ")
		setCookie, _ := r.get("Set-Cookie")
		name, value, _ := strings.Cut(strings.SplitN(setCookie, ";", 2)[0], "=")
		cookie, err := http.ParseSetCookie(setCookie)
		if err != nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || len(value) < 16 {
			got, note := fieldLine(r, "Set-Cookie")
			c.fail(report{what: "a session cookie: HttpOnly, SameSite=Strict, Path=/, and a value of 128 random bits (16 characters or more)",
				expected: "Set-Cookie: session=ZCSY3RJ3A7H5QDD5L5VEWN6SYR; Path=/; HttpOnly; SameSite=Strict", got: got, gotNote: note})
		}
		return c, name, value
	}
	_, name, value := login(t)
	_, _, again := login(t)
	if again == value {
		t.Fatalf("expected a new session value for each login; two logins both got %s=%s", name, value)
	}
	cookie := "Cookie: " + name + "=" + value
	t.Run("GET /api/me with the cookie", func(t *testing.T) {
		c := p.dial(t)
		c.send(get("/api/me", cookie, "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectJSON(r, `{"user":"ada"}`)
	})
	checkRows(t, p, []row{
		{"GET /api/me without a cookie", []any{get("/api/me", "Connection: close")}, "HTTP/1.1 401 "},
		{"GET /api/me with a made-up session", []any{get("/api/me", "Cookie: "+name+"=AAAAAAAAAAAAAAAAAAAAAAAAAA", "Connection: close")}, "HTTP/1.1 401 "},
	}, func(t *testing.T, c *client, r row, resp *response) { c.expectAPIMessage(resp, -1) })
	t.Run("POST /api/logout", func(t *testing.T) {
		c := p.dial(t)
		c.send("POST /api/logout HTTP/1.1\r\nHost: localhost\r\n" + cookie + "\r\nContent-Length: 0\r\n\r\n")
		r := c.expectStatus("POST", "HTTP/1.1 200 ")
		setCookie, _ := r.get("Set-Cookie")
		if cleared, err := http.ParseSetCookie(setCookie); err != nil || cleared.Name != name || cleared.MaxAge >= 0 && cleared.Expires.After(time.Now()) {
			got, note := fieldLine(r, "Set-Cookie")
			c.fail(report{what: "the session cookie cleared: Max-Age=0, or an Expires in the past",
				expected: "Set-Cookie: " + name + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", got: got, gotNote: note})
		}
		c.pause()
		c.send(get("/api/me", cookie, "Connection: close"))
		c.expectStatus("GET", "HTTP/1.1 401 ") // forgotten by the server, not only by the browser
	})
}

// checkBuiltInSite: without -root, started in an empty folder, the program
// serves its own site: a login page, its style sheet and its script.
func checkBuiltInSite(t *testing.T, tg target) {
	p := start(t, tg)
	checkRows(t, p, []row{
		{"GET /", []any{get("/", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /style.css", []any{get("/style.css", "Connection: close")}, "HTTP/1.1 200 "},
		{"GET /app.js", []any{get("/app.js", "Connection: close")}, "HTTP/1.1 200 "},
	}, func(t *testing.T, c *client, r row, resp *response) {
		switch r.name {
		case "GET /":
			c.expectMediaType(resp, "text/html")
			// Embedded files have no modification time: the binary's stands in.
			if lm, err := http.ParseTime(func() string { v, _ := resp.get("Last-Modified"); return v }()); err != nil || time.Since(lm) > 24*time.Hour || time.Until(lm) > time.Minute {
				got, note := fieldLine(resp, "Last-Modified")
				c.fail(report{what: "a Last-Modified date for an embedded file: the time the binary was built (the check built it just now)",
					expected: "Last-Modified: " + time.Now().UTC().Format(http.TimeFormat), got: got, gotNote: note})
			}
			if page := string(resp.body); !strings.Contains(page, "<form") || !strings.Contains(page, `type="password"`) {
				c.fail(report{what: `a login page: a <form> with an <input type="password">`, expected: `<form …><input … type="password" …>`, got: page})
			}
		case "GET /style.css":
			c.expectMediaType(resp, "text/css")
		case "GET /app.js":
			c.expectMediaType(resp, "text/javascript")
		}
	})
}

// commonLog is a line of the Common Log Format:
//
//	127.0.0.1 - - [20/Nov/2026:23:46:41 +0000] "GET /style.css HTTP/1.1" 200 1288
var commonLog = regexp.MustCompile(`^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" ([0-9]{3}) ([0-9]+|-)\r?\n$`)

// checkAccessLog: every request gets one line on stdout in the Common Log
// Format, with its request line, the status sent and the body's bytes.
func checkAccessLog(t *testing.T, tg target) {
	p := start(t, tg)
	tests := []struct {
		name    string
		request string
		line    string // the request line the log must quote
	}{
		{"a file", get("/style.css", "Connection: close"), "GET /style.css HTTP/1.1"},
		{"a file, HEAD", "HEAD /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", "HEAD /style.css HTTP/1.1"},
		{"a missing file", get("/nope?x=1", "Connection: close"), "GET /nope?x=1 HTTP/1.1"},
		{"a wrong password", loginRequest("application/json", `{"username": "ada", "password": "wrong"}`), "POST /api/login HTTP/1.1"},
		{"two Host fields", "GET /twice HTTP/1.1\r\nHost: localhost\r\nHost: example.com\r\n\r\n", "GET /twice HTTP/1.1"},
	}
	for _, tt := range tests {
		ok := t.Run(tt.name, func(t *testing.T) {
			method, _, _ := strings.Cut(tt.line, " ")
			from := len(p.stdout.all())
			c := p.dial(t)
			c.send(tt.request)
			r := c.expectResponse(method)
			answered := time.Now()
			quoted := strconv.Quote(tt.line)
			line, ok := p.stdout.wait(from, func(l string) bool { return strings.Contains(l, quoted) }, answerTimeout, p.exited)
			m := commonLog.FindStringSubmatch(line)
			bytes := strconv.Itoa(len(r.body))
			if len(r.body) == 0 {
				bytes = "-"
			}
			want := fmt.Sprintf(`127.0.0.1 - - [%s] %s %d %s`, answered.Format("02/Jan/2006:15:04:05 -0700"), quoted, r.code, bytes)
			if !ok || m == nil || m[1] != "127.0.0.1" || m[6] != strconv.Itoa(r.code) || m[7] != bytes && !(bytes == "-" && m[7] == "0") || !nearNow(m[4]) {
				got := strings.TrimRight(line, "\r\n")
				if !ok {
					got = strings.Join(p.stdout.all()[from:], "")
				}
				c.fail(report{what: fmt.Sprintf("one line on stdout in the Common Log Format, within %v of the answer: "+
					"client address, -, -, [time], the request line quoted, the status sent, the body's bytes (- for none)", answerTimeout),
					expected: want, got: got})
			}
			// Lines that name the request's target and are not log lines
			// (the start-up lines may still be arriving: they are not counted).
			_, target, _ := strings.Cut(tt.line, " ")
			target, _, _ = strings.Cut(target, " ")
			for _, l := range p.stdout.all()[from:] {
				if strings.Contains(l, target) && !commonLog.MatchString(l) {
					c.fail(report{what: "one log line per request on stdout, and nothing else",
						expectedNote: "only log lines about the request " + quoted,
						gotNote:      "a line that names it and is not a log line: " + strconv.Quote(l),
						stdout:       strings.Join(p.stdout.all()[from:], "")})
				}
			}
			if n := count(p.stdout.all()[from:], quoted); n > 1 {
				c.fail(report{what: "one log line per request on stdout",
					expectedNote: "one log line for the request " + quoted,
					gotNote:      fmt.Sprintf("%d log lines for it", n),
					stdout:       strings.Join(p.stdout.all()[from:], "")})
			}
		})
		if !ok {
			return // the next requests would show the same
		}
	}
}

// nearNow reports whether a Common Log Format time is within ten minutes of now.
func nearNow(s string) bool {
	tm, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
	return err == nil && time.Since(tm).Abs() < 10*time.Minute
}

// count returns how many of lines contain s.
func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}
