package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// parsed is what the tests compare of a Request.
type parsed struct {
	Method, Target, Path, RawQuery, Proto, Host string
	ProtoMinor                                  int
	Header                                      Header
	ContentLength                               int64
	Close, ExpectContinue                       bool
	Body                                        string
}

// readers feeds a request to the parser whole and one byte at a time
// (every line then spans many reads).
var readers = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"one byte at a time", iotest.OneByteReader},
}

// parseOne reads one request from raw, body included: an error is the
// head's or the body's.
func parseOne(t *testing.T, wrap func(io.Reader) io.Reader, raw string) (parsed, error) {
	t.Helper()
	br := bufio.NewReader(wrap(strings.NewReader(raw)))
	req, _, err := readRequest(br, nil)
	if err != nil {
		return parsed{}, err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return parsed{}, err
	}
	if rest, _ := io.ReadAll(br); len(rest) > 0 {
		t.Fatalf("readRequest(%q) left %q unread after the body", raw, rest)
	}
	return parsed{
		req.Method, req.Target, req.Path, req.RawQuery, req.Proto, req.Host,
		req.ProtoMinor, req.Header, req.ContentLength, req.close, req.expectContinue, string(body),
	}, nil
}

func TestReadRequest(t *testing.T) {
	// getRoot is "GET / HTTP/1.1" with "Host: h", however it is written.
	getRoot := parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h", Header: Header{{"Host", "h"}}}
	tests := []struct {
		name string
		raw  string
		want parsed
	}{
		{
			name: "curl",
			raw:  "GET / HTTP/1.1\r\nHost: localhost:8888\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "localhost:8888",
				Header: Header{{"Host", "localhost:8888"}, {"User-Agent", "curl/8.5.0"}, {"Accept", "*/*"}}},
		},
		{
			name: "path and query",
			raw:  "GET /a/b%20c?x=1&y=%2F HTTP/1.1\r\nHost: h\r\n\r\n",
			want: parsed{Method: "GET", Target: "/a/b%20c?x=1&y=%2F", Path: "/a/b%20c", RawQuery: "x=1&y=%2F",
				Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h", Header: Header{{"Host", "h"}}},
		},
		{
			name: "optional whitespace trimmed, names kept as sent, repeats in order",
			raw:  "GET / HTTP/1.1\r\nhost:h\r\nX-A: \t one \t\r\nx-a:two\r\nX-Empty:\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"host", "h"}, {"X-A", "one"}, {"x-a", "two"}, {"X-Empty", ""}}},
		},
		{
			name: "body by Content-Length",
			raw:  "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
			want: parsed{Method: "POST", Target: "/form", Path: "/form", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Content-Length", "5"}}, ContentLength: 5, Body: "hello"},
		},
		{
			name: "identical Content-Length values are one (RFC 9110 §8.6)",
			raw:  "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
			want: parsed{Method: "POST", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Content-Length", "3, 3"}, {"Content-Length", "3"}}, ContentLength: 3, Body: "abc"},
		},
		{
			name: "chunked body (RFC 9112 §7.1)",
			raw:  "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
			want: parsed{Method: "POST", Target: "/up", Path: "/up", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}, ContentLength: -1, Body: "hello, world"},
		},
		{
			name: "chunked: hex sizes, extensions dropped, trailers dropped",
			raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n" +
				"0A ; name=value;flag\r\n0123456789\r\n000b;q=\"a;b\"\r\nabcdefghijk\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n",
			want: parsed{Method: "POST", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Transfer-Encoding", "Chunked"}}, ContentLength: -1, Body: "0123456789abcdefghijk"},
		},
		{
			name: "chunked: empty body",
			raw:  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			want: parsed{Method: "POST", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}, ContentLength: -1},
		},
		{
			name: "chunked: a body of exactly maxBodyBytes",
			raw: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
				fmt.Sprintf("%x\r\n%s\r\n", maxBodyBytes-1, strings.Repeat("a", maxBodyBytes-1)) + "1\r\nb\r\n0\r\n\r\n",
			want: parsed{Method: "POST", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Transfer-Encoding", "chunked"}}, ContentLength: -1, Body: strings.Repeat("a", maxBodyBytes-1) + "b"},
		},
		{
			name: "a body of exactly maxBodyBytes",
			raw:  fmt.Sprintf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s", maxBodyBytes, strings.Repeat("a", maxBodyBytes)),
			want: parsed{Method: "POST", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Content-Length", fmt.Sprint(maxBodyBytes)}}, ContentLength: maxBodyBytes, Body: strings.Repeat("a", maxBodyBytes)},
		},
		{
			name: "bare LF line ends (RFC 9112 §2.2)",
			raw:  "GET / HTTP/1.1\nHost: h\n\n",
			want: getRoot,
		},
		{
			name: "empty lines before the request line are skipped (RFC 9112 §2.2)",
			raw:  "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
			want: getRoot,
		},
		{
			name: "absolute-form: the target's host wins (RFC 9112 §3.2.2)",
			raw:  "GET http://example.com:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n",
			want: parsed{Method: "GET", Target: "http://example.com:8080/p?q", Path: "/p", RawQuery: "q",
				Proto: "HTTP/1.1", ProtoMinor: 1, Host: "example.com:8080", Header: Header{{"Host", "other"}}},
		},
		{
			name: "absolute-form without a path",
			raw:  "GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
			want: parsed{Method: "GET", Target: "HTTPS://example.com", Path: "/",
				Proto: "HTTP/1.1", ProtoMinor: 1, Host: "example.com", Header: Header{{"Host", "example.com"}}},
		},
		{
			name: "OPTIONS *",
			raw:  "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
			want: parsed{Method: "OPTIONS", Target: "*", Path: "*", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h", Header: Header{{"Host", "h"}}},
		},
		{
			name: "HTTP/1.0 closes by default, needs no Host",
			raw:  "GET / HTTP/1.0\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.0", Header: Header{}, Close: true},
		},
		{
			name: "HTTP/1.0 keep-alive",
			raw:  "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.0", Header: Header{{"Connection", "Keep-Alive"}}},
		},
		{
			name: "HTTP/1.1 Connection: close among other options",
			raw:  "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, CLOSE\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Connection", "upgrade, CLOSE"}}, Close: true},
		},
		{
			name: "a Unicode look-alike of close (long s) is not close",
			raw:  "GET / HTTP/1.1\r\nHost: h\r\nConnection: clo\u017Fe\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Connection", "clo\u017Fe"}}},
		},
		{
			name: "a Unicode look-alike of keep-alive (Kelvin sign) does not keep HTTP/1.0 open",
			raw:  "GET / HTTP/1.0\r\nConnection: \u212Aeep-alive\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.0", Header: Header{{"Connection", "\u212Aeep-alive"}}, Close: true},
		},
		{
			name: "HTTP/1.2 is read as 1.1 (RFC 9110 §6.2)",
			raw:  "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.2", ProtoMinor: 1, Host: "h", Header: Header{{"Host", "h"}}},
		},
		{
			name: "Expect: 100-continue",
			raw:  "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-Continue\r\n\r\nok",
			want: parsed{Method: "PUT", Target: "/f", Path: "/f", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"Content-Length", "2"}, {"Expect", "100-Continue"}}, ContentLength: 2, ExpectContinue: true, Body: "ok"},
		},
		{
			name: "obs-text and tabs in a field value",
			raw:  "GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf\xc3\xa9\tau lait\r\n\r\n",
			want: parsed{Method: "GET", Target: "/", Path: "/", Proto: "HTTP/1.1", ProtoMinor: 1, Host: "h",
				Header: Header{{"Host", "h"}, {"X-Name", "caf\xc3\xa9\tau lait"}}},
		},
		{
			// An empty Host is for a URI without an authority (RFC 9110
			// §7.2), which no http URI is: refused (malformedRequests),
			// but beside an absolute-form target, whose host wins.
			name: "empty Host beside an absolute-form target (RFC 9112 §3.2.2)",
			raw:  "GET http://h/ HTTP/1.1\r\nHost:\r\n\r\n",
			want: parsed{Method: "GET", Target: "http://h/", Path: "/", Proto: "HTTP/1.1", Host: "h", ProtoMinor: 1, Header: Header{{"Host", ""}}},
		},
	}
	for _, rd := range readers {
		for _, tt := range tests {
			t.Run(rd.name+"/"+tt.name, func(t *testing.T) {
				got, err := parseOne(t, rd.wrap, tt.raw)
				if err != nil {
					t.Fatalf("readRequest(%q) error: %v", tt.raw, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("readRequest(%q) (-want +got):\n%s", tt.raw, diff)
				}
			})
		}
	}
}

// malformedRequests are requests the server must refuse, with the status
// each gets. The server tests send them over a socket too.
var malformedRequests = []struct {
	name   string
	raw    string
	status int
}{
	// The request line (RFC 9112 §3).
	{"no target", "GET\r\nHost: h\r\n\r\n", 400},
	{"no version", "GET /\r\nHost: h\r\n\r\n", 400},
	{"two spaces", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"tab as separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"trailing space", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400},
	{"leading space", " GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"method not a token", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400},
	{"version with two digits", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400},
	{"version without minor", "GET / HTTP/1\r\nHost: h\r\n\r\n", 400},
	{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
	{"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
	{"HTTP/3.0", "GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505},
	{"unknown method", "BREW / HTTP/1.1\r\nHost: h\r\n\r\n", 501},
	{"methods are case-sensitive", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 501},
	{"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501},
	{"target not a path", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"* without OPTIONS", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"fragment in target", "GET /#top HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"cut percent-encoding", "GET /% HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"non-ASCII in target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"NUL in target", "GET /\x00 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"absolute-form without host", "GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"absolute-form, other scheme", "GET ftp://h/p HTTP/1.1\r\nHost: h\r\n\r\n", 400},
	{"request line too long", "GET /" + strings.Repeat("a", maxRequestLineBytes) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414},
	{"method of 1,000 bytes", strings.Repeat("A", 1000) + " / HTTP/1.1\r\nHost: h\r\n\r\n", 501},
	{"method past the request line limit", strings.Repeat("A", maxRequestLineBytes+1) + " / HTTP/1.1\r\nHost: h\r\n\r\n", 501},
	{"version past the request line limit", "GET / HTTP/1.1" + strings.Repeat("1", maxRequestLineBytes) + "\r\nHost: h\r\n\r\n", 400},
	{"too many empty lines first", strings.Repeat("\r\n", maxEmptyLines+1) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400},

	// Line ends and control characters (RFC 9112 §2.2, RFC 9110 §5.5).
	{"bare CR in request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400},
	{"bare CR in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400},
	{"bare CR ends the head", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400},
	{"NUL in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n", 400},
	{"control character in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n", 400},
	{"DEL in a field value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7fb\r\n\r\n", 400},

	// Field lines (RFC 9112 §5).
	{"space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},
	{"tab before colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400},
	{"no colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400},
	{"empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400},
	{"field name not a token", "GET / HTTP/1.1\r\nHost: h\r\nX(y): v\r\n\r\n", 400},
	{"whitespace before the first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400},
	{"obsolete line folding", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400},
	{"header section too large", "GET / HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 431},
	{"too many fields", "GET / HTTP/1.1\r\nHost: h\r\n" + strings.Repeat("X: y\r\n", maxHeaderFields) + "\r\n", 431},

	// Host (RFC 9112 §3.2).
	{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400},
	{"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
	{"two Host fields, same value", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400},
	{"invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
	{"empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400},
	{"Host with a port and no host", "GET / HTTP/1.1\r\nHost: :8888\r\n\r\n", 400},
	{"empty Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost:\r\n\r\n", 400},
	{"Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
	{"absolute-form still needs Host in 1.1", "GET http://h/ HTTP/1.1\r\n\r\n", 400},

	// Framing (RFC 9112 §6, RFC 9110 §8.6).
	{"negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
	{"signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\nx", 400},
	{"Content-Length not a number", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ten\r\n\r\n", 400},
	{"Content-Length in hex", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", 400},
	{"empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400},
	{"conflicting Content-Length fields", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", 400},
	{"conflicting Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nx", 400},
	{"Content-Length list with a hole", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,,1\r\n\r\nx", 400},
	{"Transfer-Encoding and Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400},
	{"Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400},
	{"final coding not chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
	{"chunked, then another coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
	{"chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
	{"empty transfer coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", 400},
	{"chunked misspelt", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunk\r\n\r\n0\r\n\r\n", 400},
	{"Unicode look-alike of chunked (Kelvin sign)", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chun\u212Aed\r\n\r\n0\r\n\r\n", 400},
	{"unknown coding before chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
	{"Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
	{"unknown expectation", "GET / HTTP/1.1\r\nHost: h\r\nExpect: the-unexpected\r\n\r\n", 417},
}

// chunkedPost starts a POST whose body is chunked: malformedBodies append
// the chunks.
const chunkedPost = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"

// malformedBodies are bodies that Request.Body refuses, too large or with
// broken chunked framing (RFC 9112 §7.1), with the status each gets. Their
// heads are fine: the error comes to a handler that reads the body.
var malformedBodies = []struct {
	name   string
	raw    string
	status int
}{
	{"Content-Length of 19 digits", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000000000000000\r\n\r\n", 413},
	{"Content-Length past an int64", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", 413},
	{"body too large", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n", 413},
	{"size not hex", chunkedPost + "g\r\nx\r\n0\r\n\r\n", 400},
	{"size with 0x", chunkedPost + "0x3\r\nabc\r\n0\r\n\r\n", 400},
	{"negative size", chunkedPost + "-3\r\nabc\r\n0\r\n\r\n", 400},
	{"no size", chunkedPost + "\r\nabc\r\n0\r\n\r\n", 400},
	{"space after the size", chunkedPost + "3 \r\nabc\r\n0\r\n\r\n", 400},
	{"junk after the size", chunkedPost + "3x\r\nabc\r\n0\r\n\r\n", 400},
	{"size line ends in bare LF", chunkedPost + "3\nabc\r\n0\r\n\r\n", 400},
	{"bare CR in an extension", chunkedPost + "3;a=\rb\r\nabc\r\n0\r\n\r\n", 400},
	{"control character in an extension", chunkedPost + "3;a=\x01\r\nabc\r\n0\r\n\r\n", 400},
	{"size line too long", chunkedPost + "3;" + strings.Repeat("a", maxChunkLineBytes) + "\r\nabc\r\n0\r\n\r\n", 400},
	{"data longer than its size", chunkedPost + "3\r\nabcd\r\n0\r\n\r\n", 400},
	{"data without its CRLF", chunkedPost + "3\r\nabc0\r\n\r\n", 400},
	{"data ends in bare LF", chunkedPost + "3\r\nabc\n0\r\n\r\n", 400},
	{"trailer without a colon", chunkedPost + "0\r\nNoColon\r\n\r\n", 400},
	{"trailer with bare CR", chunkedPost + "0\r\nX: a\rb\r\n\r\n", 400},
	{"trailer ends in bare LF", chunkedPost + "0\r\nX: a\n\r\n", 400},
	{"too many trailer fields", chunkedPost + "0\r\n" + strings.Repeat("X: y\r\n", maxHeaderFields+1) + "\r\n", 431},
	{"trailer section too large", chunkedPost + "0\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 431},
	{"one chunk over the limit", chunkedPost + fmt.Sprintf("%x\r\n", maxBodyBytes+1), 413},
	{"chunks over the limit together", chunkedPost + fmt.Sprintf("%x\r\n%s\r\n", maxBodyBytes, strings.Repeat("a", maxBodyBytes)) + "1\r\nb\r\n0\r\n\r\n", 413},
	{"size of 16 hex digits", chunkedPost + "1000000000000000\r\n", 413},
	{"size past an int64", chunkedPost + "fffffffffffffffffff\r\n", 413},
}

func TestReadRequestErrors(t *testing.T) {
	for _, rd := range readers {
		for _, tt := range append(malformedRequests, malformedBodies...) {
			t.Run(rd.name+"/"+tt.name, func(t *testing.T) {
				_, err := parseOne(t, rd.wrap, tt.raw)
				var reqErr *requestError
				if !errors.As(err, &reqErr) {
					t.Fatalf("readRequest(%q) error = %v, want status %d", tt.raw, err, tt.status)
				}
				if reqErr.status != tt.status {
					t.Errorf("readRequest(%q) status = %d (%s), want %d", tt.raw, reqErr.status, reqErr.reason, tt.status)
				}
			})
		}
	}
}

func TestReadRequestIncomplete(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"nothing", "", io.EOF},
		{"half a request line", "GET / HT", io.ErrUnexpectedEOF},
		{"no empty line", "GET / HTTP/1.1\r\nHost: h\r\n", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readRequest(bufio.NewReader(strings.NewReader(tt.raw)), nil)
			if err != tt.want {
				t.Errorf("readRequest(%q) error = %v, want %v", tt.raw, err, tt.want)
			}
		})
	}
}

// TestBodyCutShort: a client that closes in the middle of a body is gone,
// not wrong: io.ErrUnexpectedEOF, which nobody answers.
func TestBodyCutShort(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nonly5", "only5"},
		{"in a chunk", chunkedPost + "a\r\nonly5", "only5"},
		{"before the CRLF of a chunk", chunkedPost + "5\r\nonly5", "only5"},
		{"in a size line", chunkedPost + "5\r\nonly5\r\n1", "only5"},
		{"before the last chunk", chunkedPost + "5\r\nonly5\r\n", "only5"},
		{"in the trailers", chunkedPost + "5\r\nonly5\r\n0\r\nX: y\r\n", "only5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _, err := readRequest(bufio.NewReader(strings.NewReader(tt.raw)), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(req.Body)
			if string(got) != tt.want || err != io.ErrUnexpectedEOF {
				t.Errorf("ReadAll(Body) = %q, %v; want %q, %v", got, err, tt.want, io.ErrUnexpectedEOF)
			}
		})
	}
}

// TestMethodOfRefusedRequest: when a head is refused after its request line
// was read, readRequest still says which method it was, so that a response
// to HEAD can leave out its content (RFC 9110 §9.3.2).
func TestMethodOfRefusedRequest(t *testing.T) {
	tests := []struct {
		raw, wantMethod string
	}{
		{"HEAD / HTTP/1.1\r\n\r\n", "HEAD"},                                                 // no Host: 400
		{"HEAD / HTTP/2.0\r\nHost: h\r\n\r\n", "HEAD"},                                      // 505
		{"HEAD / HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", maxHeaderBytes), "HEAD"}, // 431, read no further
		{"HEAD / HTTP/1.1\r\nHost: h\r\nExpect: nothing\r\n\r\n", "HEAD"},                   // 417
		{"HEAD / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", "HEAD"},                           // 400, bare CR in a field
		{"HEAD\t/ HTTP/1.1\r\nHost: h\r\n\r\n", ""},                                         // not a request line
		{"HE(AD / HTTP/1.1\r\nHost: h\r\n\r\n", ""},                                         // the method is not a token
		{"HEAD /" + strings.Repeat("a", maxRequestLineBytes) + " HTTP/1.1\r\n\r\n", "HEAD"}, // 414: never read whole
		{"HEAD /\r HTTP/1.1\r\nHost: h\r\n\r\n", "HEAD"},                                    // 400: a stray CR in the request line
		{strings.Repeat("A", maxRequestLineBytes+1), ""},                                    // 414 before a space
	}
	for _, tt := range tests {
		req, _, err := readRequest(bufio.NewReader(strings.NewReader(tt.raw)), nil)
		if err == nil {
			t.Errorf("readRequest(%.40q) accepted it", tt.raw)
			continue
		}
		method := ""
		if req != nil {
			method = req.Method
		}
		if method != tt.wantMethod {
			t.Errorf("readRequest(%.40q) = request with method %q, %v; want %q", tt.raw, method, err, tt.wantMethod)
		}
	}
}

// FuzzReadRequest checks that no input makes the parser panic, and that what
// it accepts holds together: a Host for HTTP/1.1, a path that is a path, a
// body no longer than the limit.
func FuzzReadRequest(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
	f.Add("POST /f?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
	f.Add("GET http://h:80/p HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	for _, tt := range append(malformedRequests, malformedBodies...) {
		if len(tt.raw) < 256 {
			f.Add(tt.raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req, _, err := readRequest(bufio.NewReader(strings.NewReader(raw)), nil)
		if err == nil {
			var n int64
			n, err = io.Copy(io.Discard, req.Body)
			if err == nil && (n > maxBodyBytes || req.ContentLength >= 0 && n != req.ContentLength) {
				t.Errorf("read a body of %d bytes (Content-Length %d) from %q", n, req.ContentLength, raw)
			}
		}
		if err != nil {
			var reqErr *requestError
			if errors.As(err, &reqErr) && (reqErr.status < 400 || reqErr.status > 505) {
				t.Errorf("status %d for %q", reqErr.status, raw)
			}
			return
		}
		if req.ProtoMinor == 1 && len(req.Header.Values("Host")) != 1 {
			t.Errorf("accepted an HTTP/1.1 request without Host: %q", raw)
		}
		if req.Path != "*" && !strings.HasPrefix(req.Path, "/") {
			t.Errorf("accepted path %q in %q", req.Path, raw)
		}
		if req.ContentLength < 0 && req.Header.Get("Transfer-Encoding") == "" {
			t.Errorf("accepted a chunked body without Transfer-Encoding in %q", raw)
		}
		if strings.ContainsAny(req.Target, " \r\n\x00") {
			t.Errorf("accepted target %q", req.Target)
		}
	})
}

func TestEqualFold(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"chunked", "chunked", true},
		{"Chunked", "cHUNKED", true},
		{"chun\u212Aed", "chunked", false}, // Kelvin sign: strings.EqualFold says true
		{"clo\u017Fe", "close", false},     // long s
		{"close", "closed", false},
		{"a-b", "A-B", true},
		{"[", "{", false}, // 0x5b and 0x7b differ by 0x20 but are not letters
	}
	for _, tt := range tests {
		if got := equalFold(tt.a, tt.b); got != tt.want {
			t.Errorf("equalFold(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
