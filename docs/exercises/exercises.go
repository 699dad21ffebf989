package exercises

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
	{Number: "4.2", Part: "part4-httpserver", Title: "POST /echo answers with the request body, or with its error's status"},
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
				Title: "-delay is accepted, and every answer is byte for byte part 1's",
				Todo: "Move the accept loop into a TCPServer type with a Serve(net.Listener) method (server.go), " +
					"and the reading and answering into a HelloHandler type with a Handle(net.Conn) method " +
					"(handler.go), behind a one-method Handler interface. Add a -delay flag to main " +
					"(flag.Duration, default 0). Nothing on the wire changes.",
				Section: "What changed from part 1",
			},
			{
				Name:    "delay-waits",
				Title:   "the answer comes -delay after the request",
				Todo:    "Give HelloHandler a Delay field, set it from -delay, and sleep that long after reading the head and before writing the answer.",
				Section: "Watching the line form",
			},
			{
				Name:  "one-at-a-time",
				Title: "still one client at a time",
				Todo: "Serve still calls the handler from the accept loop, so while one client is inside Handle " +
					"the next one waits. If this fails, you went on to part 3 early: take the go statement out again.",
				Section: "Watching the line form",
			},
		},
	},
	{
		Name: "2to3", From: "part2-tcpserver", To: "part3-threaded", Folder: "mypart3",
		Chapter: "docs/part3-threaded.md",
		Checkpoints: []Checkpoint{
			{
				Name:    "together",
				Title:   "a client is answered while eight others are inside their handlers",
				Todo:    "In Serve, hand each connection to a goroutine of its own: go s.serveConn(conn).",
				Section: "What changed from part 2",
			},
			{
				Name:  "graceful-shutdown",
				Title: "Ctrl-C or SIGTERM lets the request in flight finish, then the program exits 0",
				Todo: "Catch SIGINT and SIGTERM with signal.Notify before printing the first line. On a signal, " +
					"close the listener; make Serve wait for the connections in flight (a sync.WaitGroup) " +
					"before it returns, and exit 0 when it has (exit 1 if that takes longer than a bound).",
				Section: "Graceful shutdown",
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
				Section: "Anatomy of a request",
			},
			{
				Name:  "response-head",
				Title: "every response has a status line, Date, Content-Type and an exact Content-Length",
				Todo: "Write every response through one function that takes a status and a body: the status " +
					"line with its reason phrase, Date in IMF-fixdate (time.Now().UTC() formatted with " +
					"\"Mon, 02 Jan 2006 15:04:05 GMT\"), Content-Type, and Content-Length counted from the body. " +
					"/ answers an HTML page that says Hello, World!; an error, a small HTML page that names its status.",
				Section: "Anatomy of a response",
			},
			{
				Name:  "header-fields",
				Title: "header fields are parsed, and an HTTP/1.1 request has exactly one Host",
				Todo: "Split each field line at its first colon: the name may not end in whitespace, the value " +
					"is trimmed of spaces and tabs, names compare case-insensitively. A line without a colon, " +
					"or an HTTP/1.1 request with no Host field or with two, gets 400 Bad Request. " +
					"HTTP/1.0 may leave Host out.",
				Section: "Bad input",
			},
			{
				Name:  "content-length",
				Title: "a body framed by Content-Length is read, and a bad or too large length is refused",
				Todo: "Content-Length is one or more digits (a list of one value repeated, \"5, 5\", is allowed); " +
					"anything else, or two different values, is 400. Read exactly that many bytes after the head. " +
					"Never read more than your body limit (part 4: 1 MiB): past it, answer 413 Content Too Large, " +
					"or answer the request without its body, and close the connection.",
				Section: "Message framing, and how request smuggling happens",
			},
			{
				Name:  "keep-alive",
				Title: "a connection stays open for the next request, and closes when HTTP says so",
				Todo: "Loop: read a request, answer it, read the next. HTTP/1.1 keeps the connection unless the " +
					"request says \"Connection: close\"; HTTP/1.0 closes it unless the request says " +
					"\"Connection: keep-alive\", and then the response says \"Connection: keep-alive\" too. " +
					"The last response before you close says \"Connection: close\".",
				Section: "Keep-alive and pipelining",
			},
			{
				Name:  "pipelining",
				Title: "pipelined requests are answered in order, and a body is never read as a request",
				Todo: "Keep one bufio.Reader for the whole connection, so that the bytes of the next request, " +
					"read along with this one, are not lost. Before reading the next head, skip whatever is " +
					"left of this request's body.",
				Section: "Keep-alive and pipelining",
			},
			{
				Name:  "chunked",
				Title: "chunked request bodies are framed exactly; bodies of unknowable length are refused",
				Todo: "Decode \"Transfer-Encoding: chunked\" (RFC 9112 §7.1): a hex size line (ignore extensions " +
					"after ';'), that many bytes and a CRLF, again until size 0, then trailer lines up to an " +
					"empty line; a bad size line is 400, a body over your limit 413. After the response, skip " +
					"the rest of the body, or say \"Connection: close\" and close. Transfer-Encoding with " +
					"Content-Length too, in HTTP/1.0, or without chunked as its last coding is 400 (RFC 9112 " +
					"§6.1, §6.3); another coding before chunked is 501 Not Implemented.",
				Section: "Message framing, and how request smuggling happens",
			},
			{
				Name:  "bad-input",
				Title: "malformed requests get 400, 414, 431, 501 or 505, and the connection closes",
				Todo: "Refuse what the chapter's table lists: a malformed request line or field line 400, an " +
					"unknown method 501, an HTTP version other than 1.x 505, a request line over your limit " +
					"414, a header section over your limit 431. Send a small HTML page with " +
					"\"Connection: close\" and close: nothing after a bad head can be trusted.",
				Section: "Bad input",
			},
			{
				Name:  "request-timeout",
				Title: "a head that stalls gets 408 Request Timeout (this check takes about 10 s)",
				Todo: "When a request's first byte arrives, set a read deadline (part 4: 10 s; at most 10 s " +
					"here). If the head is not complete in time, answer 408 Request Timeout and close.",
				Section: "Limits and timeouts",
			},
			{
				Name:  "head",
				Title: "HEAD gets GET's head and never a body, error pages included",
				Todo: "For HEAD, write the head that GET would get, Content-Length included, and no body; " +
					"the same for an error: a HEAD request refused with 400 gets the 400 head alone.",
				Section: "Anatomy of a response",
			},
		},
	},
}
