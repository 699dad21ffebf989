package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on a request head and body. A request over one of them is refused
// with the status named beside it, and the connection is closed.
const (
	maxRequestLineBytes = 8 << 10  // request line; 414 URI Too Long (RFC 9112 §3)
	maxHeaderBytes      = 32 << 10 // header section after the request line; 431 (RFC 6585 §5)
	maxHeaderFields     = 100      // header field lines; 431
	maxBodyBytes        = 1 << 20  // Content-Length; 413 Content Too Large (RFC 9110 §15.5.14)
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

	// ContentLength is the body's length in bytes, 0 without a body.
	ContentLength int64
	Body          io.Reader

	RemoteAddr string

	close          bool // the connection closes after this request
	expectContinue bool // the client waits for "100 Continue" before it sends the body
	body           body
	fields         [16]Field // Header's first backing array: no allocation for most requests
}

// A Field is one header field line: "Name: Value".
type Field struct {
	Name, Value string
}

// Header is a message's header section: its fields in order, repeated names
// kept (RFC 9110 §5.2). Names compare case-insensitively (RFC 9110 §5.1).
// A slice beats a map here: a request has a dozen fields, and a linear scan
// of a dozen strings is faster than hashing and allocates nothing.
type Header []Field

// Get returns the value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Set replaces every field named name with one field name: value.
func (h *Header) Set(name, value string) {
	h.Del(name)
	*h = append(*h, Field{name, value})
}

// Add appends a field, keeping any others of the same name.
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{name, value})
}

// Del removes every field named name.
func (h *Header) Del(name string) {
	kept := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f.Name, name) {
			kept = append(kept, f)
		}
	}
	*h = kept
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
// io.ErrUnexpectedEOF if it closed in the middle of the head.
func readRequest(br *bufio.Reader, head []byte) (*Request, []byte, error) {
	head, err := readHead(br, head[:0])
	if err != nil {
		return nil, head, err
	}
	req := new(Request)
	req.Header = req.fields[:0]
	if err := req.parse(string(head)); err != nil { // one allocation for every string in the head
		return nil, head, err
	}
	req.body = body{r: br, remaining: req.ContentLength}
	req.Body = &req.body
	return req, head, nil
}

// readHead appends the request line and the field lines to head, up to and
// including the empty line that ends them, enforcing the limits.
func readHead(br *bufio.Reader, head []byte) ([]byte, error) {
	for empty := 0; ; empty++ {
		var err error
		head, err = appendLine(br, head[:0], maxRequestLineBytes)
		if err == errLineTooLong {
			return head, &requestError{414, fmt.Sprintf("The request line is longer than %d bytes.", maxRequestLineBytes)}
		}
		if err != nil {
			return head, err
		}
		if hasBareCR(head) {
			return head, badRequest("The request line holds a CR that does not end it.")
		}
		if !isEmptyLine(head) {
			break
		}
		// RFC 9112 §2.2: a server SHOULD ignore at least one empty line
		// received before the request line.
		if empty == maxEmptyLines {
			return head, badRequest("Too many empty lines before the request line.")
		}
	}
	fieldsStart, fields := len(head), 0
	for {
		lineStart := len(head)
		var err error
		head, err = appendLine(br, head, maxHeaderBytes-(len(head)-fieldsStart))
		if err == errLineTooLong {
			return head, &requestError{431, fmt.Sprintf("The header section is longer than %d bytes.", maxHeaderBytes)}
		}
		if err != nil {
			return head, err
		}
		if hasBareCR(head[lineStart:]) {
			return head, badRequest("A field line holds a CR that does not end it.")
		}
		if isEmptyLine(head[lineStart:]) {
			return head, nil
		}
		if fields++; fields > maxHeaderFields {
			return head, &requestError{431, fmt.Sprintf("The request has more than %d header fields.", maxHeaderFields)}
		}
	}
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
		if err := r.parseFieldLine(line); err != nil {
			return err
		}
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
	r.Method, r.Target, r.Proto = method, target, version

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

// parseFieldLine parses "field-name: OWS field-value OWS" (RFC 9112 §5).
func (r *Request) parseFieldLine(line string) error {
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return badRequest("A field line has no colon.")
	}
	if !isToken(name) {
		if name != "" && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
			// RFC 9112 §5.1: a server MUST reject whitespace between a field name and its colon.
			return badRequest("A field name is followed by whitespace before its colon.")
		}
		return badRequest("A field name is not a token.")
	}
	value = strings.Trim(value, " \t")
	for i := 0; i < len(value); i++ {
		// RFC 9110 §5.5: CR, LF and NUL in a field value MUST be rejected (or
		// replaced); other control characters are not field-vchars either.
		if c := value[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return badRequest("A field value holds a control character.")
		}
	}
	r.Header = append(r.Header, Field{name, value})
	return nil
}

// interpretFields reads the fields the server itself acts on: Host, the
// body's framing, Connection and Expect.
func (r *Request) interpretFields() error {
	var hosts, contentLengths int
	var transferEncoding, keepAlive bool
	for _, f := range r.Header {
		switch {
		case strings.EqualFold(f.Name, "Host"):
			hosts++
			if r.Target[0] == '/' || r.Target == "*" { // an absolute-form target's host wins
				r.Host = f.Value
			}
			if !isValidHost(f.Value) {
				return badRequest("The Host field is invalid.")
			}
		case strings.EqualFold(f.Name, "Content-Length"):
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
		case strings.EqualFold(f.Name, "Transfer-Encoding"):
			transferEncoding = true
		case strings.EqualFold(f.Name, "Connection"):
			for _, opt := range strings.Split(f.Value, ",") {
				switch opt = strings.Trim(opt, " \t"); {
				case strings.EqualFold(opt, "close"):
					r.close = true
				case strings.EqualFold(opt, "keep-alive"):
					keepAlive = true
				}
			}
		case strings.EqualFold(f.Name, "Expect"):
			// RFC 9110 §10.1.1: 100-continue is the only expectation defined.
			if !strings.EqualFold(f.Value, "100-continue") {
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
	if transferEncoding {
		// RFC 9112 §6.1: a request with both MAY be refused and the connection
		// MUST be closed after it: the two framings are how smuggling starts.
		if contentLengths > 0 {
			return badRequest("The request has both Transfer-Encoding and Content-Length.")
		}
		// RFC 9112 §6.1: a transfer coding the server does not understand
		// SHOULD get 501. This server decodes none, chunked included.
		return &requestError{501, "This server does not accept a request body in a transfer coding, chunked included; send Content-Length."}
	}
	if r.ContentLength > maxBodyBytes {
		return &requestError{413, fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
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

// parseContentLength parses a Content-Length value: 1*DIGIT (RFC 9110 §8.6),
// or a list of identical ones, "42, 42".
func parseContentLength(v string) (int64, error) {
	n := int64(-1)
	for _, elem := range strings.Split(v, ",") {
		elem = strings.Trim(elem, " \t")
		if elem == "" || len(elem) > 18 { // 18 digits cannot overflow an int64
			return 0, badRequest("The Content-Length is not a number.")
		}
		var m int64
		for i := 0; i < len(elem); i++ {
			if !isDigit(elem[i]) {
				return 0, badRequest("The Content-Length is not a number.")
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

// isKnownMethod reports whether method is one of RFC 9110 §9's methods (and
// PATCH, RFC 5789) that this server implements. CONNECT is not among them:
// it is for proxies.
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
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// body reads a request body of a known length from the connection.
type body struct {
	r         *bufio.Reader
	remaining int64
	// continueSent is set once "100 Continue" was written; sendContinue
	// writes it before the first read of a body the client holds back.
	continueSent bool
	sendContinue func() error
}

func (b *body) Read(p []byte) (int, error) {
	if b.remaining <= 0 {
		return 0, io.EOF
	}
	if b.sendContinue != nil && !b.continueSent {
		b.continueSent = true
		if err := b.sendContinue(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := b.r.Read(p)
	b.remaining -= int64(n)
	if err == io.EOF && b.remaining > 0 {
		err = io.ErrUnexpectedEOF // the client closed before the body's end
	}
	return n, err
}
