//go:build exercises

package exercises

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// entityTag is the syntax of an ETag field's value (RFC 9110 §8.8.3).
var entityTag = regexp.MustCompile(`^(W/)?"[\x21\x23-\x7e\x80-\xff]*"$`)

// checkETag is exercise 5.1: files carry an ETag; If-None-Match that names
// it (weakly, in a list, or as "*") gets 304, one that does not gets 200,
// and If-None-Match decides alone when If-Modified-Since comes with it. A
// changed file gets a new ETag.
func checkETag(t *testing.T, tg target) {
	s := newSite(t)
	s.file("page.txt", "version 1\n")
	p := s.start(".", tg)
	c := p.dial(t)
	c.send(get("/page.txt", "Connection: close"))
	r := c.expectStatus("GET", "HTTP/1.1 200 ")
	etag, _ := r.get("ETag")
	if !entityTag.MatchString(etag) {
		got, note := fieldLine(r, "ETag")
		c.fail(report{what: `an ETag field: an entity tag in double quotes, W/ before it if it is weak (RFC 9110 §8.8.3)`,
			expected: `ETag: "…"`, got: got, gotNote: note})
	}
	lastModified, _ := r.get("Last-Modified")
	// The same tag, weak if it was strong and strong if it was weak:
	// If-None-Match compares weakly, so it names the file all the same.
	twin := "W/" + etag
	if strings.HasPrefix(etag, "W/") {
		twin = etag[2:]
	}
	rows := []struct {
		name   string
		fields []string
		status string
	}{
		{"If-None-Match: the ETag", []string{"If-None-Match: " + etag}, "HTTP/1.1 304 "},
		{"If-None-Match: another", []string{`If-None-Match: "another"`}, "HTTP/1.1 200 "},
		{"If-None-Match: a list that holds it", []string{`If-None-Match: "another", ` + etag}, "HTTP/1.1 304 "},
		{"If-None-Match: two fields, the second holds it", []string{`If-None-Match: "another"`, "If-None-Match: " + etag}, "HTTP/1.1 304 "},
		{"If-None-Match: *", []string{"If-None-Match: *"}, "HTTP/1.1 304 "},
		{"If-None-Match: the weak or strong twin", []string{"If-None-Match: " + twin}, "HTTP/1.1 304 "},
		// RFC 9110 §13.2.2: If-None-Match is evaluated first, and when it is
		// there, If-Modified-Since is not evaluated at all.
		{"If-None-Match: another, If-Modified-Since: Last-Modified", []string{`If-None-Match: "another"`, "If-Modified-Since: " + lastModified}, "HTTP/1.1 200 "},
		{"If-None-Match: the ETag, If-Modified-Since: long ago", []string{"If-None-Match: " + etag, "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"}, "HTTP/1.1 304 "},
	}
	for _, tt := range rows {
		for _, method := range []string{"GET", "HEAD"} {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				c := p.dial(t)
				c.send(method+strings.TrimPrefix(get("/page.txt", tt.fields...), "GET"), get("/page.txt", "Connection: close"))
				r := c.expectStatus(method, tt.status)
				c.expectField(r, "ETag", etag) // a 304 too (RFC 9110 §15.4.5)
				if r.code == 200 && method == "GET" {
					c.expectBody(r, "version 1\n")
				}
				// A body after the 304 would be read here as the next status line.
				c.expectStatus("GET", "HTTP/1.1 200 ")
				c.expectClosed()
			})
		}
	}
	// The bug ETag exists for: an edit that keeps the size, in the same
	// second, which Last-Modified cannot tell from the old version.
	t.Run("a same-size edit in the same second gets a new ETag", func(t *testing.T) {
		name := filepath.Join(s.dir, "page.txt")
		before, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte("version 9\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// The same second as before, another nanosecond.
		old := before.ModTime()
		edited := old.Truncate(time.Second).Add(time.Duration(old.Nanosecond()+500_000_000) % time.Second)
		if err := os.Chtimes(name, edited, edited); err != nil {
			t.Fatal(err)
		}
		if after, err := os.Stat(name); err != nil || after.ModTime().Equal(old) {
			t.Skipf("this file system keeps modification times in whole seconds (%v), so no stat can tell the edit apart", old)
		}
		c := p.dial(t)
		c.note = "save a file of -root twice within one second, keeping its size (printf 'version 1\\n' > $d/page.txt; " +
			"printf 'version 9\\n' > $d/page.txt): a GET with If-None-Match and the first ETag must get the new file"
		c.send(get("/page.txt", "If-None-Match: "+etag, "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectBody(r, "version 9\n")
		if now, _ := r.get("ETag"); now == etag || !entityTag.MatchString(now) {
			c.fail(report{what: "a new ETag for a file edited within the same second, to the same size: " +
				"an ETag from the size and the modification time to the nanosecond",
				expected: "ETag: (anything but " + etag + ")", got: "ETag: " + now})
		}
		if lm, _ := r.get("Last-Modified"); lm != lastModified {
			t.Logf("Last-Modified moved from %s to %s: the edit crossed a second after all", lastModified, lm)
		}
	})
	t.Run("a changed file gets a new ETag", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(s.dir, "page.txt"), []byte("version 2, longer\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c := p.dial(t)
		c.note = "edit a file of -root, so that its size changes; the ETag that GET then gets must differ"
		c.send(get("/page.txt", "If-None-Match: "+etag, "Connection: close"))
		r := c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectBody(r, "version 2, longer\n")
		if now, _ := r.get("ETag"); now == etag || !entityTag.MatchString(now) {
			c.fail(report{what: "a new ETag for a file whose size and content changed", expected: "ETag: (anything but " + etag + ")", got: "ETag: " + now})
		}
	})
}

// checkSlidingSession is exercise 5.2: with -session-ttl 1s, a session that
// is used every quarter of a second lives on past its first second, as seen
// by a client that keeps cookies as a browser does (net/http's cookie jar,
// which drops a cookie when its Max-Age runs out); left unused for more
// than a second, it is gone at the server.
//
// Time passing is the behaviour under test here, so this check waits for it:
// about 3 s in all. Its waits are lower bounds, which a slow machine cannot
// make too short. If the machine stalls for longer than the TTL between two
// uses, the session may rightly expire; the check then starts again, and
// gives up after three such attempts.
func checkSlidingSession(t *testing.T, tg target) {
	t.Run("-h", func(t *testing.T) {
		expectUsage(t, tg, func(out string) bool {
			return regexp.MustCompile(`(?m)^\s*-session-ttl\b`).MatchString(out) && strings.Contains(out, "1h0m0s")
		}, "the usage that -h prints to name -session-ttl and its default, 1h0m0s", "an entry -session-ttl that names its default, 1h0m0s")
	})
	const ttl = time.Second
	p := start(t, tg, "-session-ttl", ttl.String())
	for attempt := 1; !slide(t, p, ttl); attempt++ {
		if attempt == 3 {
			t.Fatalf("this machine stalled for longer than -session-ttl %v between two requests three times: "+
				"the check cannot tell whether the session should still have been alive. Run it again.", ttl)
		}
	}
}

// slide logs in and then uses the session every ttl/4 until more than ttl
// has passed since the login: every /api/me must say who is logged in. It
// then waits more than ttl, and the token must have expired. It reports
// false if a request was answered so late that the session could rightly
// have expired.
func slide(t *testing.T, p *program, ttl time.Duration) bool {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: answerTimeout, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	base, _ := url.Parse("http://" + p.addr)
	try := "in another terminal,\n" +
		`curl -s -c /tmp/jar -H 'Content-Type: application/json' -d '{"username": "demo", "password": "gopher"}' http://localhost:8888/api/login` + "\n" +
		`for i in 1 2 3 4 5 6; do sleep 0.25; curl -si -b /tmp/jar -c /tmp/jar http://localhost:8888/api/me; done`
	var timeline []string
	start := time.Now()
	// fail ends the check: what was expected, in words, and what came, as
	// the timeline of the requests so far.
	fail := func(what, expected string) {
		t.Helper()
		p.fail(t, report{what: what, note: try, expectedNote: expected,
			gotNote: "these answers, the last one wrong (ms since the login was sent):", extra: strings.Join(timeline, "\n")})
	}
	request := func(method, path, body string) *http.Response {
		t.Helper()
		sent := "a cookie"
		if len(jar.Cookies(base)) == 0 {
			sent = "no cookie"
		}
		req, _ := http.NewRequest(method, base.String()+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			timeline = append(timeline, fmt.Sprintf("%4d ms  %s %s: %v", time.Since(start).Milliseconds(), method, path, err))
			fail("an answer to every request", "an answer")
		}
		resp.Body.Close()
		timeline = append(timeline, fmt.Sprintf("%4d ms  %s %s with %s: %s, Set-Cookie: %q",
			time.Since(start).Milliseconds(), method, path, sent, resp.Status, resp.Header.Get("Set-Cookie")))
		return resp
	}

	resp := request("POST", "/api/login", `{"username": "demo", "password": "gopher"}`)
	loggedIn := time.Now()
	var token string
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			token = c.Value
		}
	}
	if resp.StatusCode != 200 || token == "" {
		fail("200 OK and a session cookie from the login", "200 OK with Set-Cookie: session=…")
	}
	for prev := loggedIn; ; {
		time.Sleep(ttl / 4) // time passing is what this check is about
		sent := time.Now()
		resp := request("GET", "/api/me", "")
		if resp.StatusCode != 200 {
			if time.Since(prev) >= ttl {
				t.Logf("inconclusive, starting again: the machine stalled for %v between two uses\n%s",
					time.Since(prev).Round(time.Millisecond), strings.Join(timeline, "\n"))
				return false
			}
			fail(fmt.Sprintf("200 OK from every /api/me while the session is used every %v: each use must move its expiry on, "+
				"and send the cookie again with a Max-Age counted from then, as a browser drops a cookie once its "+
				"Max-Age has run out", ttl/4), "200 OK from every GET /api/me")
		}
		prev = sent
		if sent.Sub(loggedIn) > ttl+ttl/4 {
			break // well past the expiry the login alone gave the session
		}
	}

	lastUse := time.Now()
	time.Sleep(ttl + ttl/4) // unused for longer than its TTL: the session must be gone
	c := p.dial(t)
	c.note = fmt.Sprintf("log in, wait longer than -session-ttl %v, then send GET /api/me with the session cookie", ttl)
	c.send(get("/api/me", "Cookie: session="+token, "Connection: close"))
	r := c.expectResponse("GET")
	if r.code != 401 {
		c.fail(report{what: fmt.Sprintf("401: the session was last used %v ago, more than -session-ttl %v",
			time.Since(lastUse).Round(time.Millisecond), ttl), expected: "HTTP/1.1 401 ", prefix: true, got: r.statusLine})
	}
	return true
}

// checkLoginThrottle is exercise 5.3: after five wrong passwords from one
// address, the next logins from that address get 429 with Retry-After and a
// JSON error, right password or not; another address is not affected.
func checkLoginThrottle(t *testing.T, tg target) {
	p := start(t, tg)
	login := func(password string) string {
		return loginRequest("application/json", `{"username": "demo", "password": "`+password+`"}`)
	}
	note := `for i in 1 2 3 4 5; do curl -s -H 'Content-Type: application/json' -d '{"username": "demo", "password": "wrong"}' http://localhost:8888/api/login; echo; done` +
		"\nthen the same request with the password \"gopher\": it must get 429, as every other attempt for the rest of the minute"
	// Each attempt on a connection of its own, as a client that guesses
	// would: every connection comes from a port of its own.
	for i := 1; i <= 5; i++ {
		c := p.dial(t)
		c.send(login("wrong"))
		c.expectStatus("POST", "HTTP/1.1 401 ")
	}
	for _, password := range []string{"gopher", "wrong again"} {
		c := p.dial(t)
		c.note = note
		c.send(login(password))
		r := c.expectStatus("POST", "HTTP/1.1 429 ")
		retry, _ := r.get("Retry-After")
		if s, err := strconv.Atoi(retry); err != nil || s < 1 || s > 60 {
			c.fail(report{what: "Retry-After with the seconds to wait, from 1 to 60 (RFC 6585 §4, RFC 9110 §10.2.3)",
				expected: "Retry-After: 60", got: "Retry-After: " + retry})
		}
		c.expectAPIMessage(r, -1) // a JSON error like the API's others
		if cookie, ok := r.get("Set-Cookie"); ok {
			c.fail(report{what: "no session for a throttled address, whatever the password", expected: "", got: "Set-Cookie: " + cookie})
		}
	}
	t.Run("another address", func(t *testing.T) {
		// The whole of 127.0.0.0/8 is the loopback on Linux and Windows; on
		// macOS only 127.0.0.1 is, unless more are configured.
		from := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}
		probe, err := net.ListenTCP("tcp", &net.TCPAddr{IP: from.IP})
		if err != nil {
			t.Skipf("this machine cannot connect from 127.0.0.2 (%v): try it by hand from another machine", err)
		}
		probe.Close()
		c := p.dialWith(t, &net.Dialer{Timeout: answerTimeout, LocalAddr: from})
		c.note = "after the five wrong passwords above, log in from another address, with curl --interface 127.0.0.2 " +
			"(Linux): it must succeed, since the failures were not its own"
		c.send(login("gopher"))
		c.expectStatus("POST", "HTTP/1.1 200 ")
	})
}

// checkRanges is exercise 5.4: Range gets 206 with Content-Range and the
// part asked for, 416 with "Content-Range: bytes */size" for a part that is
// not there, and the whole file for what is ignored: several ranges, another
// unit, an If-Range that no longer holds, a HEAD.
func checkRanges(t *testing.T, tg target) {
	const abc = "0123456789abcdefghijklmnopqrstuvwxyz"
	s := newSite(t)
	s.file("abc.txt", abc)
	big := s.numbers("big.txt", 50000) // 288,894 bytes
	p := s.start(".", tg)

	c := p.dial(t)
	c.send(get("/abc.txt", "Connection: close"))
	whole := c.expectStatus("GET", "HTTP/1.1 200 ")
	c.expectField(whole, "Accept-Ranges", "bytes")
	ctype, _ := whole.get("Content-Type")
	lastModified, _ := whole.get("Last-Modified")

	tests := []struct {
		name, file string
		fields     []string
		status     string
		rng        string // the Content-Range field expected; none if empty
		body       string // the body expected, for 200 and 206
	}{
		{"bytes=0-9", "/abc.txt", []string{"Range: bytes=0-9"}, "HTTP/1.1 206 ", "bytes 0-9/36", abc[:10]},
		{"bytes=10-", "/abc.txt", []string{"Range: bytes=10-"}, "HTTP/1.1 206 ", "bytes 10-35/36", abc[10:]},
		{"bytes=-6", "/abc.txt", []string{"Range: bytes=-6"}, "HTTP/1.1 206 ", "bytes 30-35/36", abc[30:]},
		{"bytes=35-35, the last byte", "/abc.txt", []string{"Range: bytes=35-35"}, "HTTP/1.1 206 ", "bytes 35-35/36", "z"},
		{"bytes=30-99, past the end", "/abc.txt", []string{"Range: bytes=30-99"}, "HTTP/1.1 206 ", "bytes 30-35/36", abc[30:]},
		{"bytes=-100, more than the file", "/abc.txt", []string{"Range: bytes=-100"}, "HTTP/1.1 206 ", "bytes 0-35/36", abc},
		{"bytes=100000-199999 of 282 KiB", "/big.txt", []string{"Range: bytes=100000-199999"}, "HTTP/1.1 206 ", "bytes 100000-199999/288894", big[100000:200000]},
		{"bytes=36-, after the end", "/abc.txt", []string{"Range: bytes=36-"}, "HTTP/1.1 416 ", "bytes */36", ""},
		{"bytes=-0", "/abc.txt", []string{"Range: bytes=-0"}, "HTTP/1.1 416 ", "bytes */36", ""},
		{"another unit: ignored", "/abc.txt", []string{"Range: items=0-5"}, "HTTP/1.1 200 ", "", abc},
		{"If-Range: Last-Modified", "/abc.txt", []string{"Range: bytes=0-9", "If-Range: " + lastModified}, "HTTP/1.1 206 ", "bytes 0-9/36", abc[:10]},
		{"If-Range: an older date", "/abc.txt", []string{"Range: bytes=0-9", "If-Range: Sat, 01 Jan 2000 00:00:00 GMT"}, "HTTP/1.1 200 ", "", abc},
		{"If-Range: an entity tag never sent", "/abc.txt", []string{"Range: bytes=0-9", `If-Range: "no-such-tag"`}, "HTTP/1.1 200 ", "", abc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := p.dial(t)
			c.send(get(tt.file, tt.fields...), get("/abc.txt", "Connection: close"))
			r := c.expectStatus("GET", tt.status)
			c.expectFraming(r)
			if tt.rng != "" {
				c.expectField(r, "Content-Range", tt.rng)
			} else if v, ok := r.get("Content-Range"); ok {
				c.fail(report{what: "no Content-Range on the whole file", expected: "", got: "Content-Range: " + v})
			}
			if r.code != 416 {
				if tt.file == "/abc.txt" {
					c.expectField(r, "Content-Type", ctype) // the part's type is the file's
				}
				c.expectBody(r, tt.body)
			}
			// Framing that promised more or less than it sent shows here.
			c.expectStatus("GET", "HTTP/1.1 200 ")
			c.expectClosed()
		})
	}
	// Several ranges have three right answers (RFC 9110 §14.2, §15.3.7):
	// the whole file; one part that covers them all, coalesced; or a
	// multipart/byteranges body with a part for each (or for the coalesced
	// ones). A part that leaves out a range asked for is none of them.
	for _, tt := range []struct{ name, ranges string }{
		{"two ranges", "bytes=0-1,5-6"},
		{"two ranges, the second first", "bytes=20-24,2-3"},
	} {
		t.Run(tt.name+": the whole file, one part that covers both, or multipart/byteranges", func(t *testing.T) {
			c := p.dial(t)
			c.send(get("/abc.txt", "Range: "+tt.ranges), get("/abc.txt", "Connection: close"))
			r := c.expectResponse("GET")
			c.expectFraming(r)
			c.expectRanges(r, tt.ranges, abc, ctype)
			c.expectStatus("GET", "HTTP/1.1 200 ")
			c.expectClosed()
		})
	}
	t.Run("HEAD: Range is for GET only", func(t *testing.T) {
		c := p.dial(t)
		c.send("HEAD /abc.txt HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-9\r\n\r\n", get("/abc.txt", "Connection: close"))
		r := c.expectStatus("HEAD", "HTTP/1.1 200 ")
		c.expectField(r, "Content-Length", "36")
		c.expectStatus("GET", "HTTP/1.1 200 ")
		c.expectClosed()
	})
	t.Run("net/http", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "http://"+p.addr+"/abc.txt", nil)
		req.Header.Set("Range", "bytes=-3")
		const curl = "curl -v -r -3 http://localhost:8888/abc.txt"
		resp, body := httpSend(t, p, req, curl)
		if resp.StatusCode != 206 || string(body) != "xyz" {
			httpFailSent(t, p, curl, "206 Partial Content and the body xyz", resp, body)
		}
	})
}
