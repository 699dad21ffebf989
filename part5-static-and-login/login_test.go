package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// startApp serves the whole application (API and embedded site) with the
// demo credentials, and returns its address and access log.
func startApp(t *testing.T) (string, *syncBuffer) {
	t.Helper()
	files, err := openSite("")
	if err != nil {
		t.Fatal(err)
	}
	log := new(syncBuffer)
	addr, _ := startTCPServer(t, &Router{API: NewLoginAPI("demo", "gopher"), Files: files}, func(s *TCPServer) {
		s.AccessLog = log
	})
	return addr, log
}

// call sends one request with a body and returns status, Allow, and body.
func call(t *testing.T, addr, method, path, contentType, body string, fields ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, f := range fields {
		name, value, _ := strings.Cut(f, ": ")
		req.Header.Add(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Allow"), string(got)
}

const crossSiteLogout = `{"message":"A page of another site cannot log you out.","code":-1}`

func TestLoginAPI(t *testing.T) {
	addr, _ := startApp(t)
	const json = "application/json"
	good := `{"username": "demo", "password": "gopher"}`
	tests := []struct {
		name                    string
		method, path, ctype, in string
		fields                  []string
		status                  int
		allow                   string
		out                     string
	}{
		{"success", "POST", "/api/login", json, good, nil, 200, "", `{"message":"success","code":0}`},
		{"JSON with a charset", "POST", "/api/login", "application/json; charset=utf-8", good, nil, 200, "", `{"message":"success","code":0}`},
		{"unknown fields are ignored", "POST", "/api/login", json, `{"username":"demo","password":"gopher","remember":true}`, nil, 200, "", `{"message":"success","code":0}`},
		{"wrong password", "POST", "/api/login", json, `{"username":"demo","password":"gopher!"}`, nil, 401, "", `{"message":"Wrong username or password.","code":-1}`},
		{"wrong user", "POST", "/api/login", json, `{"username":"Demo","password":"gopher"}`, nil, 401, "", `{"message":"Wrong username or password.","code":-1}`},
		{"empty strings", "POST", "/api/login", json, `{"username":"","password":""}`, nil, 401, "", `{"message":"Wrong username or password.","code":-1}`},
		{"no password", "POST", "/api/login", json, `{"username":"demo"}`, nil, 400, "", `{"message":"The JSON object needs \"username\" and \"password\".","code":-1}`},
		{"no username", "POST", "/api/login", json, `{"password":"gopher"}`, nil, 400, "", `{"message":"The JSON object needs \"username\" and \"password\".","code":-1}`},
		{"null password", "POST", "/api/login", json, `{"username":"demo","password":null}`, nil, 400, "", `{"message":"The JSON object needs \"username\" and \"password\".","code":-1}`},
		{"password not a string", "POST", "/api/login", json, `{"username":"demo","password":42}`, nil, 400, "", `{"message":"The body is not one JSON object.","code":-1}`},
		{"malformed JSON", "POST", "/api/login", json, `{"username": "demo",`, nil, 400, "", `{"message":"The body is not one JSON object.","code":-1}`},
		{"two objects", "POST", "/api/login", json, good + good, nil, 400, "", `{"message":"The body is not one JSON object.","code":-1}`},
		{"an array", "POST", "/api/login", json, `["demo","gopher"]`, nil, 400, "", `{"message":"The body is not one JSON object.","code":-1}`},
		{"empty body", "POST", "/api/login", json, ``, nil, 400, "", `{"message":"The body is not one JSON object.","code":-1}`},
		{"a form", "POST", "/api/login", "application/x-www-form-urlencoded", "username=demo&password=gopher", nil, 415, "", `{"message":"Send the credentials as application/json.","code":-1}`},
		{"text/plain", "POST", "/api/login", "text/plain", good, nil, 415, "", `{"message":"Send the credentials as application/json.","code":-1}`},
		{"no Content-Type", "POST", "/api/login", "", good, nil, 415, "", `{"message":"Send the credentials as application/json.","code":-1}`},
		{"body over 4 KiB", "POST", "/api/login", json, `{"username":"demo","password":"` + strings.Repeat("x", 5000) + `"}`, nil, 413, "", `{"message":"The request body is larger than 4096 bytes.","code":-1}`},
		{"GET login", "GET", "/api/login", "", "", nil, 405, "POST", `{"message":"/api/login allows POST only.","code":-1}`},
		{"PUT login", "PUT", "/api/login", json, good, nil, 405, "POST", `{"message":"/api/login allows POST only.","code":-1}`},
		{"me without a session", "GET", "/api/me", "", "", nil, 401, "", `{"message":"Not logged in.","code":-1}`},
		{"me with a made-up session", "GET", "/api/me", "", "", []string{"Cookie: session=AAAAAAAAAAAAAAAAAAAAAAAAAA"}, 401, "", `{"message":"Not logged in.","code":-1}`},
		{"POST me", "POST", "/api/me", json, "{}", nil, 405, "GET, HEAD", `{"message":"/api/me allows GET, HEAD only.","code":-1}`},
		{"logout without a session", "POST", "/api/logout", "", "", nil, 200, "", `{"message":"logged out","code":0}`},
		{"GET logout", "GET", "/api/logout", "", "", nil, 405, "POST", `{"message":"/api/logout allows POST only.","code":-1}`},
		{"logout from this site's page", "POST", "/api/logout", "", "", []string{"Sec-Fetch-Site: same-origin", "Origin: http://" + addr}, 200, "", `{"message":"logged out","code":0}`},
		{"logout from this site, an older browser", "POST", "/api/logout", "", "", []string{"Origin: http://" + addr}, 200, "", `{"message":"logged out","code":0}`},
		{"logout from another site's form", "POST", "/api/logout", "application/x-www-form-urlencoded", "", []string{"Sec-Fetch-Site: cross-site", "Origin: https://evil.example"}, 403, "", crossSiteLogout},
		{"logout from another site, an older browser", "POST", "/api/logout", "application/x-www-form-urlencoded", "", []string{"Origin: https://evil.example"}, 403, "", crossSiteLogout},
		{"logout from another host of the same site", "POST", "/api/logout", "", "", []string{"Sec-Fetch-Site: same-site"}, 403, "", crossSiteLogout},
		{"logout from an opaque origin", "POST", "/api/logout", "", "", []string{"Origin: null"}, 403, "", crossSiteLogout},
		{"unknown endpoint", "GET", "/api/users", "", "", nil, 404, "", `{"message":"There is no API endpoint /api/users.","code":-1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, allow, out := call(t, addr, tt.method, tt.path, tt.ctype, tt.in, tt.fields...)
			got := []any{status, allow, out}
			want := []any{tt.status, tt.allow, tt.out + "\n"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %s %.60q: status, Allow, body (-want +got):\n%s", tt.method, tt.path, tt.in, diff)
			}
		})
	}
}

// TestSessionRoundTrip logs in, asks who is logged in, logs out and asks
// again, with Go's own client and a cookie jar, as a browser would.
func TestSessionRoundTrip(t *testing.T) {
	addr, log := startApp(t)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	base := "http://" + addr

	resp, err := client.Post(base+"/api/login", "application/json", strings.NewReader(`{"username":"demo","password":"gopher"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("login set %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	gotCookie := []any{c.Name, len(c.Value), c.Path, c.HttpOnly, c.SameSite, c.MaxAge}
	wantCookie := []any{"session", 26, "/", true, http.SameSiteStrictMode, 3600}
	if diff := cmp.Diff(wantCookie, gotCookie); diff != "" {
		t.Errorf("session cookie: name, length, Path, HttpOnly, SameSite, Max-Age (-want +got):\n%s", diff)
	}

	me := func() (int, string) {
		resp, err := client.Get(base + "/api/me")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := me(); status != 200 || body != `{"user":"demo"}`+"\n" {
		t.Errorf("after login, /api/me = %d %q, want 200 %q", status, body, `{"user":"demo"}`)
	}
	resp, err = client.Post(base+"/api/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(jar.Cookies(resp.Request.URL)) != 0 {
		t.Errorf("after logout the jar still holds %v", jar.Cookies(resp.Request.URL))
	}
	if status, _ := me(); status != 401 {
		t.Errorf("after logout, /api/me = %d, want 401", status)
	}
	// The old token is forgotten by the server too, not only by the client.
	status, _, _ := call(t, addr, "GET", "/api/me", "", "", "Cookie: session="+c.Value)
	if status != 401 {
		t.Errorf("the logged-out token still works: /api/me = %d, want 401", status)
	}
	if strings.Contains(log.String(), "gopher") {
		t.Errorf("the password is in the access log:\n%s", log)
	}
}

func TestSessionTokensDiffer(t *testing.T) {
	s := NewSessions(time.Now)
	seen := make(map[string]bool)
	for range 1000 {
		token := s.Create("demo")
		if seen[token] || len(token) != 26 {
			t.Fatalf("token %q: repeated or not 26 characters (128 bits)", token)
		}
		seen[token] = true
	}
}

func TestSessionsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := NewSessions(func() time.Time { return now })
	token := s.Create("demo")
	now = now.Add(sessionTTL - time.Second)
	if user, ok := s.Lookup(token); !ok || user != "demo" {
		t.Errorf("just before expiry: Lookup = %q, %v; want demo, true", user, ok)
	}
	now = now.Add(time.Second)
	if user, ok := s.Lookup(token); ok {
		t.Errorf("at expiry: Lookup = %q, %v; want the session gone", user, ok)
	}
}

// TestSessionsBounded: at maxSessions live sessions, a login ends the
// oldest session rather than being refused, so that nobody can lock the
// others out by logging in over and over.
func TestSessionsBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := NewSessions(func() time.Time { return now })
	first, second := s.Create("demo"), s.Create("demo")
	s.Delete(second) // logged out: its place in byAge is stale
	for range maxSessions - 1 {
		s.Create("demo")
	}
	if _, ok := s.Lookup(first); !ok {
		t.Fatalf("the first session ended with %d live, want it kept until the cap", maxSessions)
	}
	newest := s.Create("demo")
	_, firstLive := s.Lookup(first)
	_, newestLive := s.Lookup(newest)
	if firstLive || !newestLive {
		t.Errorf("a login past the cap: oldest live = %v, newest live = %v; want false, true", firstLive, newestLive)
	}
	if n := len(s.byToken); n != maxSessions {
		t.Errorf("%d sessions live, want %d", n, maxSessions)
	}
	for range 2 * maxSessions { // log in and out, again and again
		s.Delete(s.Create("demo"))
	}
	if n := len(s.byAge); n > 2*maxSessions {
		t.Errorf("byAge holds %d tokens after many logouts, want at most %d", n, 2*maxSessions)
	}
}

func TestCookieValue(t *testing.T) {
	tests := []struct {
		fields []string
		want   string
	}{
		{nil, ""},
		{[]string{"session=abc"}, "abc"},
		{[]string{"theme=dark; session=abc; lang=en"}, "abc"},
		{[]string{"theme=dark", "session=xyz"}, "xyz"},
		{[]string{"mysession=abc"}, ""},
		{[]string{"session"}, ""},
	}
	for _, tt := range tests {
		r := &Request{}
		for _, f := range tt.fields {
			r.Header.Add("Cookie", f)
		}
		if got := cookieValue(r, "session"); got != tt.want {
			t.Errorf("cookieValue(%q) = %q, want %q", tt.fields, got, tt.want)
		}
	}
}

// TestAccessLog: one Common Log Format line per response, refused requests
// included.
func TestAccessLog(t *testing.T) {
	addr, log := startApp(t)
	exchange(t, addr, "GET /style.css HTTP/1.1\r\nHost: h\r\n\r\nHEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /nope HTTP/1.0\r\n\r\n")
	exchange(t, addr, "GET / HTTP/1.1\r\nHost : h\r\n\r\n")
	exchange(t, addr, "GET /\r\n\r\n")
	lines := strings.SplitAfter(log.String(), "\n")
	lines = lines[:len(lines)-1]
	var got []string
	for _, line := range lines {
		if !commonLogLine.MatchString(line) {
			t.Errorf("not a Common Log Format line: %q", line)
		}
		_, rest, _ := strings.Cut(line, "] ")
		got = append(got, rest)
	}
	files, _ := openSite("")
	css, _ := files.FS.Open("style.css")
	info, _ := css.Stat()
	want := []string{
		fmt.Sprintf("\"GET /style.css HTTP/1.1\" 200 %d\n", info.Size()),
		"\"HEAD / HTTP/1.1\" 200 -\n",
		fmt.Sprintf("\"GET /nope HTTP/1.0\" 404 %d\n", len(appendErrorPage(nil, 404, "There is no file at /nope."))),
		fmt.Sprintf("\"GET / HTTP/1.1\" 400 %d\n", len(appendErrorPage(nil, 400, "A field name is followed by whitespace before its colon."))),
		fmt.Sprintf("\"-\" 400 %d\n", len(appendErrorPage(nil, 400, "The request line is not \"method target version\"."))),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
}

// TestLoginBodies: the API reads bodies framed either way, and answers every
// body it cannot take in JSON with the status its error carries, also past
// the server's own limit (maxBodyBytes) and past 19 digits of Content-Length.
func TestLoginBodies(t *testing.T) {
	addr, _ := startApp(t)
	login := "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nConnection: close\r\n"
	tooLarge := `{"message":"The request body is larger than 4096 bytes.","code":-1}`
	tests := []struct {
		name, send string
		status     int
		out        string
	}{
		{"chunked", login + "Transfer-Encoding: chunked\r\n\r\n" +
			"10\r\n{\"username\":\"dem\r\n17\r\no\",\"password\":\"gopher\"}\r\n0\r\n\r\n",
			200, `{"message":"success","code":0}`},
		{"chunked, over 4 KiB", login + "Transfer-Encoding: chunked\r\n\r\n" + "1001\r\n" + strings.Repeat(" ", 4097) + "\r\n0\r\n\r\n",
			413, tooLarge},
		{"chunked, broken", login + "Transfer-Encoding: chunked\r\n\r\n" + "zz\r\n",
			400, `{"message":"A chunk size is not a hexadecimal number.","code":-1}`},
		{"over the server's limit", login + fmt.Sprintf("Content-Length: %d\r\n\r\n", maxBodyBytes+1), 413, tooLarge},
		{"Content-Length of 20 digits", login + "Content-Length: 99999999999999999999\r\n\r\n", 413, tooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(exchange(t, addr, tt.send))), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), string(body)}
			want := []any{tt.status, "application/json", tt.out + "\n"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, type, body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoginHEADLikeGET: a HEAD gets the fields a GET gets, Content-Length
// included, even when both are refused (RFC 9110 §9.3.2).
func TestLoginHEADLikeGET(t *testing.T) {
	addr, _ := startApp(t)
	get := exchange(t, addr, "GET /api/login HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	head := exchange(t, addr, "HEAD /api/login HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	getHead, _, _ := strings.Cut(get, "\r\n\r\n")
	if diff := cmp.Diff(getHead+"\r\n\r\n", head); diff != "" {
		t.Errorf("HEAD /api/login: GET's head and no content (-want +got):\n%s", diff)
	}
}

// TestLoginSlowBody: a login body that stops arriving gets a JSON 408 once
// ReadTimeout has passed, and the access log says 408.
func TestLoginSlowBody(t *testing.T) {
	log := new(syncBuffer)
	addr, _ := startTCPServer(t, &Router{API: NewLoginAPI("demo", "gopher")}, func(s *TCPServer) {
		s.AccessLog = log
		s.ReadTimeout, s.WriteTimeout = 200*time.Millisecond, 50*time.Millisecond
	})
	got := exchange(t, addr, "POST /api/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"user")
	body := `{"message":"The request body took too long to arrive.","code":-1}` + "\n"
	want := "HTTP/1.1 408 Request Timeout\r\nDate: X\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n" +
		fmt.Sprintf("Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	if line := log.String(); !strings.HasSuffix(line, fmt.Sprintf(`"POST /api/login HTTP/1.1" 408 %d`+"\n", len(body))) {
		t.Errorf("access log = %q, want the 408 that was sent", line)
	}
}

// TestAccessLogRefusal: a client over maxConnections, refused with 503, has
// its line in the access log too.
func TestAccessLogRefusal(t *testing.T) {
	log := new(syncBuffer)
	cs := startCapServer(t, func(s *TCPServer) { s.AccessLog = log })
	cs.holdBusy(t, maxConnections)
	before := log.String()
	if got := exchange(t, cs.addr, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"); got != busyResponse {
		t.Fatalf("a client over the limit got %q, want %q", got, busyResponse)
	}
	line := strings.TrimPrefix(log.String(), before)
	if want := fmt.Sprintf(`] "-" 503 %d`+"\n", len(busyBody)); !commonLogLine.MatchString(line) || !strings.HasSuffix(line, want) {
		t.Errorf("access log after a refusal = %q, want a line ending %q", line, want)
	}
}

// lineWriter passes each Write to a channel: the test waits for a log line
// instead of guessing when it is written.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// TestAccessLogGaps: a response cut short still gets its access log line,
// with the status its head said: a handler that panics after its head went
// out, a response the client went away from, and a handler that set an
// invalid Content-Length and wrote nothing (the server still answers, so it
// still logs).
func TestAccessLogGaps(t *testing.T) {
	var logged syncBuffer
	log.SetOutput(&logged) // the panic's stack
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	lines := make(lineWriter, 4)
	addr, _ := startTCPServer(t, handlerFunc(func(w *ResponseWriter, r *Request) {
		switch r.Path {
		case "/panic-after-head":
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "12345")
			panic("boom")
		case "/client-gone":
			if _, err := io.ReadAll(r.Body); err == nil {
				panic("the client sent its body, and was to reset the connection instead")
			}
			w.Write(make([]byte, 64<<10)) // more than the write buffer: the write fails
		case "/invalid-length":
			w.Header().Set("Content-Length", "ten")
		}
	}), func(s *TCPServer) { s.AccessLog = lines })

	t.Run("panic after the head", func(t *testing.T) {
		got := exchange(t, addr, "GET /panic-after-head HTTP/1.1\r\nHost: h\r\n\r\n")
		if !strings.HasSuffix(got, "\r\n\r\n12345") {
			t.Errorf("response = %q, want a head and 5 bytes of body", got)
		}
		checkLogLine(t, lines, `"GET /panic-after-head HTTP/1.1" 200 5`)
	})
	t.Run("client gone", func(t *testing.T) {
		conn := dial(t, addr).(*net.TCPConn)
		io.WriteString(conn, "POST /client-gone HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n")
		conn.SetLinger(0) // Close sends RST: the handler's read of the body fails, and so does its write
		conn.Close()
		checkLogLine(t, lines, `"POST /client-gone HTTP/1.1" 200 65536`)
	})
	t.Run("invalid Content-Length and no Write", func(t *testing.T) {
		got := exchange(t, addr, "GET /invalid-length HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		if !strings.Contains(got, "\r\nContent-Length: 0\r\n") {
			t.Errorf("response = %q, want an empty body with Content-Length: 0", got)
		}
		checkLogLine(t, lines, `"GET /invalid-length HTTP/1.1" 200 -`) // no body: "-" in the Common Log Format
	})
}

// checkLogLine waits for the next access log line and checks its end.
func checkLogLine(t *testing.T, lines lineWriter, want string) {
	t.Helper()
	select {
	case line := <-lines:
		if !commonLogLine.MatchString(line) || !strings.HasSuffix(line, "] "+want+"\n") {
			t.Errorf("access log line = %q, want one ending %q", line, want)
		}
	case <-time.After(waitTimeout):
		t.Errorf("no access log line after %v, want one ending %q", waitTimeout, want)
	}
}
