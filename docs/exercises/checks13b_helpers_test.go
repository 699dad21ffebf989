//go:build exercises

package exercises

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
)

// echoRequest is the head of a POST /echo with fields, as curl sends it.
func echoRequest(fields ...string) string {
	return "POST /echo HTTP/1.1\r\nHost: localhost\r\n" + lines(fields) + "\r\n"
}

// A byteSpan is a range of bytes, both ends counted: first to last.
type byteSpan struct{ first, last int }

// parseByteSpans reads "bytes=0-1,5-6", a Range field of whole ranges only,
// as the checks send it.
func parseByteSpans(field string) []byteSpan {
	var spans []byteSpan
	for _, r := range strings.Split(strings.TrimPrefix(field, "bytes="), ",") {
		a, b, _ := strings.Cut(strings.TrimSpace(r), "-")
		first, _ := strconv.Atoi(a)
		last, _ := strconv.Atoi(b)
		spans = append(spans, byteSpan{first, last})
	}
	return spans
}

// parseContentRange reads "bytes 0-9/36" for a file of size bytes.
func parseContentRange(v string, size int) (byteSpan, bool) {
	var s byteSpan
	var n int
	if _, err := fmt.Sscanf(v, "bytes %d-%d/%d", &s.first, &s.last, &n); err != nil ||
		n != size || s.first < 0 || s.last < s.first || s.last >= size || v != fmt.Sprintf("bytes %d-%d/%d", s.first, s.last, n) {
		return s, false
	}
	return s, true
}

// expectRanges checks the answer to a Range field with several ranges of
// file, whose media type is ctype. RFC 9110 allows three: the whole file
// (200, §14.2: a server MAY ignore Range); one part that covers every range
// asked for, coalesced with the gaps between them (206, §14.2); or
// multipart/byteranges (206, §14.6), each part with its Content-Range and
// its bytes, the parts together covering every range asked for.
func (c *client) expectRanges(r *response, field, file, ctype string) {
	c.t.Helper()
	asked := parseByteSpans(field)
	answers := fmt.Sprintf("200 with the whole file; 206 with one Content-Range that covers every range of %q, "+
		"coalesced; or 206 with Content-Type: multipart/byteranges and a part for each range", field)
	wrong := func(why, got string) {
		c.t.Helper()
		c.fail(report{what: "one of the answers RFC 9110 allows to several ranges (§14.2, §15.3.7): " + answers,
			expected: "", got: got, gotNote: why})
	}
	covered := func(parts []byteSpan) bool {
		for _, a := range asked {
			ok := false
			for _, p := range parts {
				ok = ok || p.first <= a.first && a.last <= p.last
			}
			if !ok {
				return false
			}
		}
		return true
	}
	v, hasRange := r.get("Content-Range")
	mt, params, _ := mime.ParseMediaType(func() string { v, _ := r.get("Content-Type"); return v }())
	switch {
	case r.code == 200:
		if hasRange {
			wrong("a 200 has no Content-Range", r.statusLine+"\r\nContent-Range: "+v)
		}
		c.expectBody(r, file)
	case r.code == 206 && mt == "multipart/byteranges":
		mr := multipart.NewReader(strings.NewReader(string(r.body)), params["boundary"])
		var parts []byteSpan
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				wrong("a multipart/byteranges body that parses: "+err.Error(), string(r.body))
			}
			s, ok := parseContentRange(part.Header.Get("Content-Range"), len(file))
			data, err := io.ReadAll(part)
			if !ok || err != nil || string(data) != file[s.first:s.last+1] {
				wrong("each part with a Content-Range and exactly the bytes it names", string(r.body))
			}
			parts = append(parts, s)
		}
		if !covered(parts) {
			wrong("parts that cover every range asked for", string(r.body))
		}
	case r.code == 206:
		s, ok := parseContentRange(v, len(file))
		if !ok || !covered([]byteSpan{s}) {
			wrong("a single part must cover every range asked for", r.statusLine+"\r\nContent-Range: "+v)
		}
		c.expectField(r, "Content-Type", ctype)
		c.expectBody(r, file[s.first:s.last+1])
	default:
		wrong("", r.statusLine)
	}
}
