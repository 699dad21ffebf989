package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Limits on a request head. A request over one of them is refused with the
// status named beside it, and the connection is closed. The body's limit is
// in body.go.
const (
	maxRequestLineBytes = 8 << 10  // request line; 414 URI Too Long, or 501 for a method that long (RFC 9112 §3)
	maxHeaderBytes      = 32 << 10 // header section after the request line; 431 (RFC 6585 §5)
	maxHeaderFields     = 100      // header field lines; 431
	maxEmptyLines       = 4        // empty lines skipped before a request line (RFC 9112 §2.2)
)

// A Request is one HTTP request, parsed from its head. The handler reads the
// body, if any, from Body.
type Request struct {
	Method     string // "GET", as sent: methods are case-sensitive
	Target     string // the request-target as sent: "/a/b?x=1", "http://host/a", "*"
	Path       string // the target's path, still percent-encoded: "/a/b"
	RawQuery   string // the target's query without the '?': "x=1"
	Proto      string // "HTTP/1.1"
	ProtoMinor int    // 1 for HTTP/1.1, 0 for HTTP/1.0
	Host       string // from the Host field, or from an absolute-form target
	Header     Header // every field line, in the order received

	// ContentLength is the body's length in bytes: 0 without a body, -1 for
	// a chunked body, whose length is known only at its end. Body reads the
	// body, within maxBodyBytes (body.go).
	ContentLength int64
	Body          io.Reader

	RemoteAddr string

	close          bool // the connection closes after this request
	expectContinue bool // the client waits for "100 Continue" before it sends the body
	body           body
	fields         [16]Field // Header's first backing array: no allocation for most requests
}

// A requestError is a request the server refuses: status is the response
// code that says why (RFC 9110 §15), reason a sentence for the error page.
type requestError struct {
	status int
	reason string
}

func (e *requestError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, StatusText(e.status), e.reason)
}

func badRequest(reason string) error { return &requestError{400, reason} }

// errLineTooLong is returned by appendLine for a line over its limit.
var errLineTooLong = errors.New("line too long")

// readRequest reads a request head from br and parses it. head is scratch
// space for the head's bytes, reused from request to request; readRequest
// returns it, grown if it had to. The body is left in br for Request.Body.
//
// It returns io.EOF if the connection closed before the first byte, and
// io.ErrUnexpectedEOF if it closed in the middle of the head. With an error,
// the request is nil unless the head began with a method: the method decides
// whether the error response has content (none for HEAD, RFC 9110 §9.3.2).
// Its other fields are set only if the whole request line was read.
func readRequest(br *bufio.Reader, head []byte) (*Request, []byte, error) {
	req := new(Request)
	req.Header = req.fields[:0]
	head, lineEnd, err := readHead(br, head[:0])
	if err != nil {
		if lineEnd > 0 {
			req.parseRequestLine(trimCR(string(head[:lineEnd-1])))
		} else if method, _, ok := strings.Cut(string(head), " "); ok && isToken(method) {
			req.Method = method // a request line too long, or with a stray CR: its method is known
		}
		return req.ifMethodKnown(), head, err
	}
	if err := req.parse(string(head)); err != nil { // one allocation for every string in the head
		return req.ifMethodKnown(), head, err
	}
	req.body = body{r: br, chunked: req.ContentLength < 0, remaining: max(req.ContentLength, 0)}
	req.Body = &req.body
	return req, head, nil
}

// ifMethodKnown returns r if its request line was parsed far enough to name
// the method, and nil if not.
func (r *Request) ifMethodKnown() *Request {
	if r.Method == "" {
		return nil
	}
	return r
}

// readHead appends the request line and the field lines to head, up to and
// including the empty line that ends them, enforcing the limits. lineEnd is
// the length of the request line with its line end, once it was read whole.
func readHead(br *bufio.Reader, head []byte) (_ []byte, lineEnd int, _ error) {
	for empty := 0; ; empty++ {
		var err error
		head, err = appendLine(br, head[:0], maxRequestLineBytes)
		if err == errLineTooLong {
			return head, 0, requestLineTooLong(head)
		}
		if err != nil {
			return head, 0, err
		}
		if hasBareCR(head) {
			return head, 0, badRequest("The request line holds a CR that does not end it.")
		}
		if !isEmptyLine(head) {
			break
		}
		// RFC 9112 §2.2: a server SHOULD ignore at least one empty line
		// received before the request line.
		if empty == maxEmptyLines {
			return head, 0, badRequest("Too many empty lines before the request line.")
		}
	}
	lineEnd = len(head)
	fields := 0
	for {
		lineStart := len(head)
		var err error
		head, err = appendLine(br, head, maxHeaderBytes-(len(head)-lineEnd))
		if err == errLineTooLong {
			return head, lineEnd, &requestError{431, fmt.Sprintf("The header section is longer than %d bytes.", maxHeaderBytes)}
		}
		if err != nil {
			return head, lineEnd, err
		}
		if hasBareCR(head[lineStart:]) {
			return head, lineEnd, badRequest("A field line holds a CR that does not end it.")
		}
		if isEmptyLine(head[lineStart:]) {
			return head, lineEnd, nil
		}
		if fields++; fields > maxHeaderFields {
			return head, lineEnd, &requestError{431, fmt.Sprintf("The request has more than %d header fields.", maxHeaderFields)}
		}
	}
}

// requestLineTooLong names the part of a request line over
// maxRequestLineBytes, from the start of it that was read: a target too long
// is 414 URI Too Long (RFC 9110 §15.5.15), but a method is no URI, and one
// longer than any the server implements gets 501 (RFC 9112 §3).
func requestLineTooLong(start []byte) error {
	_, rest, methodEnded := bytes.Cut(start, []byte(" "))
	switch {
	case !methodEnded:
		return &requestError{501, "The method is longer than any this server implements."}
	case bytes.IndexByte(rest, ' ') < 0:
		return &requestError{414, fmt.Sprintf("The request line is longer than %d bytes.", maxRequestLineBytes)}
	}
	return badRequest(fmt.Sprintf("The request line is longer than %d bytes.", maxRequestLineBytes))
}

// appendLine reads one line, up to and including its LF, and appends it to
// buf. A line of more than limit bytes is errLineTooLong.
func appendLine(br *bufio.Reader, buf []byte, limit int) ([]byte, error) {
	start := len(buf)
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)-start+len(frag) > limit {
			return buf, errLineTooLong
		}
		buf = append(buf, frag...)
		switch {
		case err == nil:
			return buf, nil
		case err == bufio.ErrBufferFull:
			continue // a line longer than br's buffer: read on
		case err == io.EOF && len(buf) > 0:
			return buf, io.ErrUnexpectedEOF
		default:
			return buf, err
		}
	}
}

// hasBareCR reports whether line holds a CR other than the one of its CRLF.
// RFC 9112 §2.2: a recipient MUST treat a bare CR as invalid (or replace it).
func hasBareCR(line []byte) bool {
	i := bytes.IndexByte(line, '\r')
	return i >= 0 && i != len(line)-2
}

func isEmptyLine(line []byte) bool {
	return string(line) == "\r\n" || string(line) == "\n"
}

// parse parses a request head: the request line, the field lines and the
// empty line, each ending in CRLF or a bare LF.
func (r *Request) parse(head string) error {
	line, rest, _ := strings.Cut(head, "\n")
	if err := r.parseRequestLine(trimCR(line)); err != nil {
		return err
	}
	// RFC 9112 §2.2: whitespace between the request line and the first field
	// line MUST be rejected or ignored; RFC 9112 §5.2: so must a field line
	// that starts with whitespace (obsolete line folding). We reject both.
	if rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		return badRequest("A field line starts with whitespace.")
	}
	for {
		line, rest, _ = strings.Cut(rest, "\n")
		line = trimCR(line)
		if line == "" {
			break
		}
		f, err := parseFieldLine(line)
		if err != nil {
			return err
		}
		r.Header = append(r.Header, f)
	}
	return r.interpretFields()
}

// trimCR removes the CR of a CRLF line end. RFC 9112 §2.2 lets a recipient
// accept a bare LF as a line end, as nc without -C sends.
func trimCR(line string) string {
	return strings.TrimSuffix(line, "\r")
}

// parseRequestLine parses "method SP request-target SP HTTP-version"
// (RFC 9112 §3), with exactly one space between the parts.
func (r *Request) parseRequestLine(line string) error {
	method, rest, ok1 := strings.Cut(line, " ")
	target, version, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 {
		return badRequest("The request line is not \"method target version\".")
	}
	if !isToken(method) {
		return badRequest("The method is not a token.")
	}
	r.Method, r.Target, r.Proto = method, target, version // known from here on, even if the rest is wrong

	// RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
	if len(version) != 8 || version[:5] != "HTTP/" || !isDigit(version[5]) || version[6] != '.' || !isDigit(version[7]) {
		return badRequest("The HTTP version is malformed.")
	}
	if version[5] != '1' { // RFC 9110 §15.6.6
		return &requestError{505, "This server speaks HTTP/1.0 and HTTP/1.1."}
	}
	// RFC 9110 §6.2: a 1.x message with x > 1 is read as the highest 1.x we know.
	r.ProtoMinor = min(int(version[7]-'0'), 1)

	// RFC 9110 §9.3.6: CONNECT asks for a tunnel, with a host:port target
	// (authority-form). This server is no proxy: 501, before the target,
	// which would otherwise be refused as 400, misleadingly.
	if method == "CONNECT" {
		return &requestError{501, "This server is not a proxy: it does not implement CONNECT."}
	}

	return r.parseTarget()
}

// parseTarget checks the request-target and splits it into path and query
// (RFC 9112 §3.2).
func (r *Request) parseTarget() error {
	t := r.Target
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return badRequest("The request target has a malformed percent-encoding.")
			}
		case !isURIChar(c):
			return badRequest("The request target holds a character a URI may not hold.")
		}
	}
	switch {
	case t == "*": // asterisk-form, RFC 9112 §3.2.4
		if r.Method != "OPTIONS" {
			return badRequest("The target * goes with OPTIONS only.")
		}
		r.Path = "*"
		return nil
	case strings.HasPrefix(t, "/"): // origin-form, RFC 9112 §3.2.1
	case hasPrefixFold(t, "http://") || hasPrefixFold(t, "https://"):
		// absolute-form: RFC 9112 §3.2.2 says a server MUST accept it, and
		// RFC 9112 §3.2.2 that the target's host replaces the Host field.
		_, authority, _ := strings.Cut(t, "//")
		end := strings.IndexAny(authority, "/?")
		if end < 0 {
			end = len(authority)
		}
		r.Host, t = authority[:end], authority[end:]
		if r.Host == "" || !isValidHost(r.Host) {
			return badRequest("The request target's host is invalid.")
		}
		if t == "" || t[0] == '?' {
			t = "/" + t
		}
	default:
		// authority-form is for CONNECT only (RFC 9112 §3.2.3), which this
		// server does not implement.
		return badRequest("The request target is not a path or an absolute URI.")
	}
	r.Path, r.RawQuery, _ = strings.Cut(t, "?")
	return nil
}

// parseFieldLine parses "field-name: OWS field-value OWS" (RFC 9112 §5), a
// line of the header section or, in a chunked body, of the trailer section.
func parseFieldLine(line string) (Field, error) {
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return Field{}, badRequest("A field line has no colon.")
	}
	if !isToken(name) {
		if name != "" && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
			// RFC 9112 §5.1: a server MUST reject whitespace between a field name and its colon.
			return Field{}, badRequest("A field name is followed by whitespace before its colon.")
		}
		return Field{}, badRequest("A field name is not a token.")
	}
	value = strings.Trim(value, " \t")
	for i := 0; i < len(value); i++ {
		// RFC 9110 §5.5: CR, LF and NUL in a field value MUST be rejected (or
		// replaced); other control characters are not field-vchars either.
		if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return Field{}, badRequest("A field value holds a control character.")
		}
	}
	return Field{name, value}, nil
}

// interpretFields reads the fields the server itself acts on: Host, the
// body's framing, Connection and Expect.
func (r *Request) interpretFields() error {
	var hosts, contentLengths int
	var transferEncodings []string
	var keepAlive bool
	for _, f := range r.Header {
		switch {
		case equalFold(f.Name, "Host"):
			hosts++
			if r.Target[0] == '/' || r.Target == "*" { // an absolute-form target's host wins
				r.Host = f.Value
				// RFC 9110 §4.2.1: an http URI has a host, so "Host:" with
				// none ("" or ":8888") names no resource of this server.
				if f.Value == "" || f.Value[0] == ':' {
					return badRequest("The Host field names no host.")
				}
			}
			if !isValidHost(f.Value) {
				return badRequest("The Host field is invalid.")
			}
		case equalFold(f.Name, "Content-Length"):
			n, err := parseContentLength(f.Value)
			if err != nil {
				return err
			}
			// RFC 9110 §8.6: repeated identical values may be read as one;
			// differing ones make the message invalid.
			if contentLengths > 0 && n != r.ContentLength {
				return badRequest("The request has conflicting Content-Length values.")
			}
			contentLengths++
			r.ContentLength = n
		case equalFold(f.Name, "Transfer-Encoding"):
			transferEncodings = append(transferEncodings, f.Value)
		case equalFold(f.Name, "Connection"):
			for _, opt := range strings.Split(f.Value, ",") {
				switch opt = strings.Trim(opt, " \t"); {
				case equalFold(opt, "close"):
					r.close = true
				case equalFold(opt, "keep-alive"):
					keepAlive = true
				}
			}
		case equalFold(f.Name, "Expect"):
			// RFC 9110 §10.1.1: 100-continue is the only expectation defined.
			if !equalFold(f.Value, "100-continue") {
				return &requestError{417, "The only expectation this server meets is 100-continue."}
			}
			r.expectContinue = r.ProtoMinor == 1
		}
	}
	// RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without
	// a Host field, and to any request with more than one.
	if hosts > 1 || (hosts == 0 && r.ProtoMinor == 1) {
		return badRequest("An HTTP/1.1 request needs exactly one Host field.")
	}
	if transferEncodings != nil {
		if err := r.checkTransferEncoding(transferEncodings, contentLengths > 0); err != nil {
			return err
		}
		r.ContentLength = -1 // chunked: the length is known at the body's end
	}
	// RFC 9112 §9.3: HTTP/1.1 connections persist unless "close" is sent;
	// HTTP/1.0 ones close unless the client asks for "keep-alive".
	if r.ProtoMinor == 0 && !keepAlive {
		r.close = true
	}
	if !isKnownMethod(r.Method) { // RFC 9110 §9.1
		return &requestError{501, fmt.Sprintf("This server does not implement the method %s.", r.Method)}
	}
	return nil
}

// checkTransferEncoding accepts a request body in the chunked transfer
// coding, alone (RFC 9112 §6.1, §7.1), as net/http and nginx do. The values
// are those of every Transfer-Encoding field; withLength reports a
// Content-Length field too. Every refusal closes the connection.
func (r *Request) checkTransferEncoding(values []string, withLength bool) error {
	// RFC 9112 §6.1: a request with both MAY be refused and the connection
	// MUST be closed after it: two framings that disagree are how request
	// smuggling starts.
	if withLength {
		return badRequest("The request has both Transfer-Encoding and Content-Length.")
	}
	// RFC 9112 §6.1: an HTTP/1.0 recipient may not know transfer codings;
	// its framing MUST be treated as faulty.
	if r.ProtoMinor == 0 {
		return badRequest("An HTTP/1.0 request cannot have a Transfer-Encoding.")
	}
	codings := strings.Split(strings.Join(values, ","), ",")
	// RFC 9112 §6.3: unless chunked is the final coding, the body's length
	// cannot be known: 400, and close.
	if !equalFold(strings.Trim(codings[len(codings)-1], " \t"), "chunked") {
		return badRequest("The final transfer coding is not chunked.")
	}
	for _, coding := range codings[:len(codings)-1] {
		switch coding = strings.Trim(coding, " \t"); {
		case coding == "":
			return badRequest("The Transfer-Encoding has an empty element.")
		case equalFold(coding, "chunked"): // RFC 9112 §6.1: at most once
			return badRequest("The chunked transfer coding is applied more than once.")
		default: // RFC 9112 §6.1: a coding the server does not understand SHOULD get 501
			return &requestError{501, "This server decodes no transfer coding but chunked."}
		}
	}
	return nil
}

// parseContentLength parses a Content-Length value: 1*DIGIT (RFC 9110 §8.6),
// or a list of identical ones, "42, 42". A number too large for an int64 is
// still a number: it comes back as the largest int64, which is over every
// body limit (413).
func parseContentLength(v string) (int64, error) {
	n := int64(-1)
	for _, elem := range strings.Split(v, ",") {
		elem = strings.Trim(elem, " \t")
		if elem == "" {
			return 0, badRequest("The Content-Length is not a number.")
		}
		var m int64
		for i := 0; i < len(elem); i++ {
			if !isDigit(elem[i]) {
				return 0, badRequest("The Content-Length is not a number.")
			}
			if m > (math.MaxInt64-9)/10 { // one more digit could overflow
				m = math.MaxInt64
				continue
			}
			m = m*10 + int64(elem[i]-'0')
		}
		if n >= 0 && m != n {
			return 0, badRequest("The request has conflicting Content-Length values.")
		}
		n = m
	}
	return n, nil
}

// serverMethods are the methods this server implements, as "OPTIONS *"
// lists them: RFC 9110 §9's (and PATCH, RFC 5789), but for CONNECT, which is
// for proxies. Another method gets 501 (RFC 9110 §9.1).
const serverMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH"

// isKnownMethod reports whether method is one of serverMethods.
func isKnownMethod(method string) bool {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH":
		return true
	}
	return false
}

// isToken reports whether s is a token (RFC 9110 §5.6.2): one or more tchars.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isURIChar reports whether c may appear in a request-target: RFC 3986's
// unreserved, sub-delims, ":", "@", "/", "?" and "%" of a percent-encoding.
// A fragment ("#") is never sent (RFC 9112 §3.2).
func isURIChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) ||
		strings.IndexByte("-._~!$&'()*+,;=:@/?%[]", c) >= 0
}

// isValidHost reports whether v is a valid Host value: uri-host [":" port]
// (RFC 9110 §7.2), checked by its characters. An empty value is valid.
func isValidHost(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) ||
			strings.IndexByte("-._~!$&'()*+,;=:[]%", c) >= 0) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}
