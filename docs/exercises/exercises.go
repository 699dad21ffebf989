package exercises

import (
	"fmt"
	"strings"
)

// An Exercise is one numbered exercise at the end of a chapter.
type Exercise struct {
	Number string // "1.2": chapter 1, exercise 2; the subtest is TestPart1/1.2
	Part   string // the folder the exercise changes, and the one its check builds by default
	Title  string
	// Open marks an open-ended exercise: there is nothing to check, and the
	// chapter says what you should see.
	Open bool
}

// Exercises lists every exercise of every chapter, in order.
var Exercises = []Exercise{
	{Number: "1.1", Part: "part1-hello", Title: "404 Not Found for every path but /"},
	{Number: "1.2", Part: "part1-hello", Title: "HEAD gets GET's head and no body"},
	{Number: "1.3", Part: "part1-hello", Title: "echo a request body framed by Content-Length"},
	{Number: "1.4", Part: "part1-hello", Title: "lie about Content-Length and watch curl", Open: true},

	{Number: "2.1", Part: "part2-tcpserver", Title: "a CountHandler behind a -count flag"},
	{Number: "2.2", Part: "part2-tcpserver", Title: "one log line per connection, with how long it took"},
	{Number: "2.3", Part: "part2-tcpserver", Title: "a -read-timeout that frees the server from a silent client"},

	{Number: "3.1", Part: "part3-threaded", Title: "the CountHandler under concurrent load, without a data race"},
	{Number: "3.2", Part: "part3-threaded", Title: "a -max-conns cap: the client over it waits its turn"},
	{Number: "3.3", Part: "part3-threaded", Title: "shutdown closes what is still open after -shutdown-timeout"},

	{Number: "4.1", Part: "part4-httpserver", Title: "OPTIONS / answers with the methods / allows"},
	{Number: "4.2", Part: "part4-httpserver", Title: "a -max-body limit: 413, before the body is read, for both framings"},
	{Number: "4.3", Part: "part4-httpserver", Title: "a -max-requests limit on the requests of one connection"},
	{Number: "4.4", Part: "part4-httpserver", Title: "GET /stream: a body of unknown length goes out in chunks"},
	{Number: "4.5", Part: "part4-httpserver", Title: "cache the Date field, and measure what it saves", Open: true},

	{Number: "5.1", Part: "part5-static-and-login", Title: "ETag, and If-None-Match answered with 304"},
	{Number: "5.2", Part: "part5-static-and-login", Title: "sessions that slide: each use extends them"},
	{Number: "5.3", Part: "part5-static-and-login", Title: "429 Too Many Requests after five wrong passwords from one address"},
	{Number: "5.4", Part: "part5-static-and-login", Title: "Range requests: 206, 416, and If-Range"},
}

// A Ladder climbs from one part to the next in small checkpoints. You copy
// the part you start from and change the copy until every checkpoint
// passes; the next part is the reference solution.
type Ladder struct {
	Name        string // "3to4": the test is TestLadder3to4
	From        string // the part you copy: "part3-threaded"
	To          string // the part that is the reference solution: "part4-httpserver"
	Folder      string // your copy, the folder checked by default: "mypart4"
	Chapter     string // the chapter that teaches the step: "docs/part4-httpserver.md"
	Checkpoints []Checkpoint
}

// A Checkpoint is one step of a ladder. Its check fails on the part the
// ladder starts from and passes on the part it ends at.
type Checkpoint struct {
	Name    string // "request-line"; the subtest is "1-request-line"
	Title   string // what holds once the checkpoint passes
	Todo    string // what to build to get there
	Section string // the section of the ladder's chapter that teaches it
}

// Ladders lists the ladders between neighbouring parts.
var Ladders = []Ladder{
	{
		Name: "1to2", From: "part1-hello", To: "part2-tcpserver", Folder: "mypart2",
		Chapter: "docs/part2-tcpserver.md",
		Checkpoints: []Checkpoint{
			{
				Name:  "delay-flag",
				Title: "-delay is accepted, and every answer is byte for byte part 1's, once the head has ended",
				Todo: "Move the accept loop into a TCPServer type with a Serve(net.Listener) method (server.go), " +
					"and the reading and answering into a HelloHandler type with a Handle(net.Conn) method " +
					"(handler.go), behind a one-method Handler interface. Add a -delay flag to main " +
					"(flag.Duration, default 0: -h shows no default for it). Nothing on the wire changes: " +
					"Handle still reads the head up to its empty line before it answers.",
				Section: "Checkpoint 1: a TCPServer, a Handler and a -delay flag",
			},
			{
				Name:    "delay-waits",
				Title:   "the head is read and printed at once, and the answer comes -delay after it",
				Todo:    "Give HelloHandler a Delay field, set it from -delay, and sleep that long after reading (and printing) the head and before writing the answer.",
				Section: "Checkpoint 2: the answer waits -delay",
			},
			{
				Name:  "one-at-a-time",
				Title: "still one client at a time: a client held inside Handle by -delay keeps the next one waiting",
				Todo: "Serve still calls the handler from the accept loop, so while one client is inside Handle " +
					"the next one waits, connected, and is answered once the first is done: never turned away. " +
					"If this fails, you went on to part 3 early: take the go statement out again.",
				Section: "Checkpoint 3: still one client at a time",
			},
		},
	},
	{
		Name: "2to3", From: "part2-tcpserver", To: "part3-threaded", Folder: "mypart3",
		Chapter: "docs/part3-threaded.md",
		Checkpoints: []Checkpoint{
			{
				Name:  "together",
				Title: "a client is answered while eight others are inside their handlers",
				Todo: "In Serve, hand each connection to a goroutine of its own: go s.serveConn(conn), and go on " +
					"to Accept at once. No pool of workers and no lock around Handle: every handler runs at the same time.",
				Section: "Checkpoint 1: clients served together",
			},
			{
				Name:  "graceful-shutdown",
				Title: "Ctrl-C or SIGTERM refuses new clients, lets the request in flight finish, then the program exits 0",
				Todo: "Catch SIGINT and SIGTERM with signal.Notify before printing the first line. On a signal, " +
					"close the listener at once, so that new clients are refused; make Serve wait for the " +
					"connections in flight (a sync.WaitGroup) before it returns, and exit 0 when it has " +
					"(exit 1 if that takes longer than a bound; the check does not wait for it).",
				Section: "Checkpoint 2: a graceful shutdown",
			},
		},
	},
	{
		Name: "3to4", From: "part3-threaded", To: "part4-httpserver", Folder: "mypart4",
		Chapter: "docs/part4-httpserver.md",
		Checkpoints: []Checkpoint{
			{
				Name:  "request-line",
				Title: "the request line is parsed: 404 for other paths, 405 for other methods",
				Todo: "Split the request line into method, target and version (one space between them); " +
					"the path is the target up to any '?'. GET / gets the hello answer as before; any other " +
					"path 404 Not Found; " +
					"another method on / 405 Method Not Allowed with the field \"Allow: GET, HEAD\".",
				Section: "Checkpoint 1: the request line",
			},
			{
				Name:  "response-head",
				Title: "every response has a status line, Date, Content-Type and an exact Content-Length",
				Todo: "Write every response through one function that takes a status and a body: the status " +
					"line with its reason phrase, Date in IMF-fixdate (time.Now().UTC() formatted with " +
					"\"Mon, 02 Jan 2006 15:04:05 GMT\"), Content-Type, and Content-Length counted from the body. " +
					"/ answers an HTML page that says Hello, World!; an error, a small HTML page that names its status.",
				Section: "Checkpoint 2: the response head",
			},
			{
				Name:  "header-fields",
				Title: "header fields are parsed, and an HTTP/1.1 request has exactly one Host",
				Todo: "Split each field line at its first colon: the name may not end in whitespace, the value " +
					"is trimmed of spaces and tabs, names compare case-insensitively. A line without a colon, " +
					"or an HTTP/1.1 request with no Host field or with two, gets 400 Bad Request. " +
					"HTTP/1.0 may leave Host out.",
				Section: "Checkpoint 3: header fields, and one Host",
			},
			{
				Name:  "content-length",
				Title: "a body framed by Content-Length is read exactly, echoed by POST /echo, and a bad or too large length is refused",
				Todo: "Add POST /echo: it reads the request's body and answers 200 with it, byte for byte, and with the " +
					"request's Content-Type (application/octet-stream when it has none); other methods on /echo get 405 " +
					"with Allow: POST. The head ends at the empty line; the body is the Content-Length bytes after it, " +
					"counted in bytes, however many reads they take to arrive (and none without Content-Length). " +
					"Content-Length is one or more digits (a list of one value repeated, \"5, 5\", is allowed); " +
					"anything else, or two different values, is 400. Never read more than your body limit (part 4: 1 MiB): " +
					"past it, /echo answers 413 Content Too Large, a route that reads no body may answer without it, " +
					"and the connection closes.",
				Section: "Checkpoint 4: a body framed by Content-Length",
			},
			{
				Name:  "keep-alive",
				Title: "a connection stays open for the next request, and closes when HTTP says so",
				Todo: "Loop: read a request, answer it, read the next. HTTP/1.1 keeps the connection unless the " +
					"request says \"Connection: close\"; HTTP/1.0 closes it unless the request says " +
					"\"Connection: keep-alive\", and then the response says \"Connection: keep-alive\" too. " +
					"The last response before you close says \"Connection: close\".",
				Section: "Checkpoint 5: keep-alive",
			},
			{
				Name:  "pipelining",
				Title: "pipelined requests are answered in order, and a body is never read as a request",
				Todo: "Keep one bufio.Reader for the whole connection, so that the bytes of the next request, " +
					"read along with this one, are not lost. Before reading the next head, skip whatever is " +
					"left of this request's body.",
				Section: "Checkpoint 6: pipelining",
			},
			{
				Name:  "chunked",
				Title: "chunked request bodies are decoded exactly; broken or unknowable ones are refused",
				Todo: "Decode \"Transfer-Encoding: chunked\" (RFC 9112 §7.1): a size line in hex (ignore extensions " +
					"after ';'), that many bytes and a CRLF, again until size 0, then trailer lines up to an " +
					"empty line. POST /echo answers with the data of the chunks; a bad size line, or data not " +
					"followed by CRLF, is 400, a body over your limit 413, and the connection closes. On a route " +
					"that reads no body, skip the rest of it after the response, or say \"Connection: close\" and " +
					"close. Transfer-Encoding with Content-Length too, in HTTP/1.0, or without chunked as its last " +
					"coding is 400 (RFC 9112 §6.1, §6.3); another coding before chunked is 501 Not Implemented.",
				Section: "Checkpoint 7: chunked bodies",
			},
			{
				Name:  "bad-input",
				Title: "malformed requests get 400, 414, 431, 501 or 505, and the connection closes",
				Todo: "Refuse what the chapter's table lists: a malformed request line or field line 400, an " +
					"unknown method 501, an HTTP version other than 1.x 505, a request line over your limit " +
					"414, a header section over your limit 431. Send a small HTML page with " +
					"\"Connection: close\" and close: nothing after a bad head can be trusted.",
				Section: "Checkpoint 8: bad input",
			},
			{
				Name:  "request-timeout",
				Title: "a head that stalls gets 408 Request Timeout (this check takes about 10 s)",
				Todo: "When a request's first byte arrives, set a read deadline (part 4: 10 s; at most 10 s " +
					"here). If the head is not complete in time, answer 408 Request Timeout and close. " +
					"The 408 must still be writable: set the write deadline when you write the answer, " +
					"not together with the read deadline, which has passed by then.",
				Section: "Checkpoint 9: a head that stalls gets 408",
			},
			{
				Name:  "head",
				Title: "HEAD gets GET's head and never a body, error pages included",
				Todo: "For HEAD, write the head that GET would get, Content-Length included, and no body; " +
					"the same for an error: a HEAD request refused with 400, or with 414 for a target over 8 KiB " +
					"(keep the method, which came first, even when the request line is too long to read whole), " +
					"gets that head alone.",
				Section: "Checkpoint 10: HEAD",
			},
		},
	},
	{
		Name: "4to5", From: "part4-httpserver", To: "part5-static-and-login", Folder: "mypart5",
		Chapter: "docs/part5-static-and-login.md",
		Checkpoints: []Checkpoint{
			{
				Name:  "files",
				Title: "the files of a -root folder, with their media type, Content-Length and Last-Modified",
				Todo: "Add a -root DIR flag and a handler that serves DIR's files for GET and HEAD: os.OpenRoot(dir).FS() " +
					"gives an fs.FS that never leaves the folder. Decode the path once (url.PathUnescape), drop the " +
					"leading slash, fs.Stat the name, open only a regular file, and send it with Content-Type from " +
					"its extension (a table of your own; text types say charset=utf-8; unknown ones " +
					"application/octet-stream), Content-Length from its size and Last-Modified from its " +
					"modification time. A missing file is 404.",
				Section: "Checkpoint 1: files, with their media type",
			},
			{
				Name:  "folders",
				Title: "a folder's index.html, a 301 that adds the slash, and no listings",
				Todo: "A path that names a folder and ends in a slash serves the folder's index.html; a folder " +
					"without one is 404, never a list of its files. A folder asked for without the slash is " +
					"301 Moved Permanently with Location: the path, a slash, and the query if there was one. " +
					"A file asked for with a slash after it is 404. Other methods than GET and HEAD get 405 " +
					"with Allow: GET, HEAD.",
				Section: "Checkpoint 2: folders",
			},
			{
				Name:  "traversal",
				Title: "nothing outside the root, whatever the path holds",
				Todo: "Refuse, with 400, a path that decodes to a backslash, a NUL, or an empty, \".\" or \"..\" " +
					"segment (fs.ValidPath checks most), and one with an encoded slash (%2F). Give dotfiles " +
					"and dot-folders, at any depth, 404. Decode once only: %252e is the name \"%2e\", served as " +
					"such, not \"..\". os.Root refuses symbolic links that lead out; answer that, and any other " +
					"error, with 404 (403 for a permission error), saying nothing about what lies outside. The " +
					"check takes 400, 403 or 404 for each of these: what it requires is that no byte from " +
					"outside the root, and no dotfile, comes back.",
				Section: "Checkpoint 3: nothing outside the root",
			},
			{
				Name:  "if-modified-since",
				Title: "If-Modified-Since gets 304 while the file has not changed",
				Todo: "Compare If-Modified-Since, in any of HTTP's three date formats (IMF-fixdate, RFC 850, " +
					"asctime), with the file's modification time in whole seconds: not after it, answer " +
					"304 Not Modified with Last-Modified and no body. A date that does not parse is ignored.",
				Section: "Checkpoint 4: 304 for If-Modified-Since",
			},
			{
				Name:  "login-api",
				Title: "POST /api/login answers in JSON, 200 or the status of what is wrong",
				Todo: "Route /api/ to a login API. Add -user and -password flags. POST /api/login with " +
					"Content-Type: application/json and {\"username\": …, \"password\": …}: 200 and " +
					"{\"message\":\"success\",\"code\":0} for the right ones (compare in constant time), " +
					"401 for wrong ones, 400 for malformed JSON or a missing field, 415 for another content " +
					"type, 413 for a body over your limit, 405 with Allow: POST for other methods. Every error " +
					"is application/json, {\"message\": \"…\", \"code\": -1}.",
				Section: "Checkpoint 5: the login API",
			},
			{
				Name:  "session",
				Title: "a session cookie, /api/me, and a logout that ends the session",
				Todo: "On a login, make a token of 128 bits from crypto/rand (rand.Text), keep it in a map behind " +
					"a mutex with the user and an expiry, and send it in Set-Cookie with Path=/, HttpOnly and " +
					"SameSite=Strict. GET /api/me with the cookie: 200 {\"user\":\"NAME\"}; without a live " +
					"session: 401 in JSON. POST /api/logout forgets the session and clears the cookie " +
					"(Max-Age=0).",
				Section: "Checkpoint 6: a session cookie",
			},
			{
				Name:  "built-in-site",
				Title: "without -root, the login page is served from the binary, from any folder",
				Todo: "Copy part5-static-and-login/site into your folder (or write your own page with a login " +
					"form) and build it into the binary with //go:embed site and an embed.FS; fs.Sub(site, " +
					"\"site\") is the tree to serve when -root is not given. Its files have no modification " +
					"time: use the binary's.",
				Section: "Checkpoint 7: the site in the binary",
			},
			{
				Name:  "access-log",
				Title: "one line per request on stdout, in the Common Log Format",
				Todo: "After each response, write one line to stdout: the client's address, \"- -\", the time as " +
					"[02/Jan/2006:15:04:05 -0700], the request line in double quotes, the status sent, and the " +
					"body's bytes (\"-\" for none, as for HEAD). Requests refused for a bad field are logged " +
					"too. Build the line in a buffer and write it with one Write, so that lines from " +
					"concurrent connections never mix; print nothing else per request.",
				Section: "Checkpoint 8: the access log",
			},
		},
	},
}

// The names below are the one place the naming rules live: the checks, the
// progress command and .ci/prove-exercises (through progress -list) use them.

// Chapter is the exercise's chapter: "1" for 1.2.
func (ex Exercise) Chapter() string {
	chapter, _, _ := strings.Cut(ex.Number, ".")
	return chapter
}

// TestName is the exercise's subtest as go test -v prints it: "TestPart1/1.2".
func (ex Exercise) TestName() string { return "TestPart" + ex.Chapter() + "/" + ex.Number }

// SolutionPatch is the file of the exercise's reference solution, from the
// repository root: "docs/exercises/solutions/part1-2.patch" for 1.2.
func (ex Exercise) SolutionPatch() string {
	return "docs/exercises/solutions/part" + strings.Replace(ex.Number, ".", "-", 1) + ".patch"
}

// MistakesDir is the folder of the exercise's wrong answers, from the
// repository root: "docs/exercises/mistakes/1.2".
func (ex Exercise) MistakesDir() string { return "docs/exercises/mistakes/" + ex.Number }

// CheckpointID is checkpoint i's (from 0) subtest name below the ladder's
// test: "4-content-length".
func (l Ladder) CheckpointID(i int) string { return fmt.Sprintf("%d-%s", i+1, l.Checkpoints[i].Name) }

// CheckpointTest is checkpoint i's (from 0) subtest as go test -v prints it:
// "TestLadder3to4/4-content-length".
func (l Ladder) CheckpointTest(i int) string { return "TestLadder" + l.Name + "/" + l.CheckpointID(i) }

// MistakesDir is the folder of checkpoint i's (from 0) wrong answers, from
// the repository root: "docs/exercises/mistakes/3to4/4-content-length".
// They apply to the part the ladder ends at.
func (l Ladder) MistakesDir(i int) string {
	return "docs/exercises/mistakes/" + l.Name + "/" + l.CheckpointID(i)
}
