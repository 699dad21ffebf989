//go:build exercises

package exercises

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// hello is what parts 1 to 3 answer, byte for byte.
const hello = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 13\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"Hello, World!"

// httpDo sends a request with net/http as the client, a second opinion on
// the framing, and returns the response and its body.
func httpDo(t *testing.T, p *program, method, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+p.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return httpSend(t, p, req, curlCommand(method, path))
}

// httpSend is httpDo for a request made by the caller; curl is the command
// that sends the same request, for the report if no response, or not all of
// its body, comes.
func httpSend(t *testing.T, p *program, req *http.Request, curl string) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{Timeout: answerTimeout, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		p.fail(t, report{what: "a response from net/http's client", sent: curl,
			expectedNote: "a response that net/http can read", gotNote: err.Error()})
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.fail(t, report{what: "the whole body from net/http's client", sent: curl,
			expectedNote: "the body, to its end", got: string(body), gotNote: err.Error()})
	}
	return resp, body
}

// httpFail ends a check on a response that net/http read.
func httpFail(t *testing.T, p *program, method, path, expected string, resp *http.Response, body []byte) {
	t.Helper()
	httpFailSent(t, p, curlCommand(method, path), expected, resp, body)
}

// httpFailSent is httpFail for the request that curl sends.
func httpFailSent(t *testing.T, p *program, curl, expected string, resp *http.Response, body []byte) {
	t.Helper()
	var head strings.Builder
	head.WriteString(resp.Proto + " " + resp.Status + "\r\n")
	resp.Header.Write(&head)
	head.WriteString("\r\n")
	p.fail(t, report{
		what:         expected,
		sent:         curl,
		expected:     "",
		expectedNote: expected,
		got:          fmt.Sprintf("%s, Content-Length %d, a body of %d bytes", resp.Status, resp.ContentLength, len(body)),
		received:     append([]byte(head.String()), body...),
	})
}

// curlCommand is the curl line that sends the request net/http sent.
func curlCommand(method, path string) string {
	switch method {
	case "GET":
		return fmt.Sprintf("curl -v http://localhost:8888%s", path)
	case "HEAD":
		return fmt.Sprintf("curl -I http://localhost:8888%s", path)
	}
	return fmt.Sprintf("curl -v -X %s http://localhost:8888%s", method, path)
}

// A row is one request and the status line its response must have.
type row struct {
	name    string
	request []any  // sent in one write: strings and pieces
	status  string // the status line, or its start: "HTTP/1.1 404 "
}

// methodOf returns the method a request starts with.
func methodOf(request []any) string {
	s, _ := request[0].(string)
	method, _, _ := strings.Cut(s, " ")
	return method
}

// checkRows sends each row's request on a connection of its own and checks
// the status and the framing, then more, if it is not nil. It stops at the
// first row that fails.
func checkRows(t *testing.T, p *program, rows []row, more func(*testing.T, *client, row, *response)) {
	t.Helper() // a failure names the line of the check that sent the rows
	for _, r := range rows {
		ok := t.Run(r.name, func(t *testing.T) {
			t.Helper()
			c := p.dial(t)
			c.send(r.request...)
			resp := c.expectStatus(methodOf(r.request), r.status)
			c.expectFraming(resp)
			if more != nil {
				more(t, c, r, resp)
			}
		})
		if !ok {
			return // one problem at a time: the next rows would mostly repeat it
		}
	}
}

// get is a GET request for target, as curl sends it.
func get(target string, fields ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + lines(fields) + "\r\n"
}

func lines(fields []string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	return b.String()
}

// hasTokens reports whether a comma-separated list holds every one of want.
func hasTokens(list string, want ...string) bool {
	have := map[string]bool{}
	for _, tok := range strings.Split(list, ",") {
		have[strings.ToUpper(strings.TrimSpace(tok))] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

// expectMediaType checks that r's Content-Type names the media type want,
// and, for a text type, says charset=utf-8.
func (c *client) expectMediaType(r *response, want string) {
	c.t.Helper()
	v, _ := r.get("Content-Type")
	mt, params, err := mime.ParseMediaType(v)
	expected := want
	if strings.HasPrefix(want, "text/") {
		expected += "; charset=utf-8"
	}
	if err != nil || mt != want || strings.HasPrefix(want, "text/") && !strings.EqualFold(params["charset"], "utf-8") {
		got, note := fieldLine(r, "Content-Type")
		c.fail(report{what: "the media type of the file's extension", expected: "Content-Type: " + expected, got: got, gotNote: note})
	}
}

// loginRequest is POST /api/login with a JSON body, on a connection that
// closes after it.
func loginRequest(contentType, body string) string {
	return fmt.Sprintf("POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %d\r\n"+
		"Connection: close\r\n\r\n%s", contentType, len(body), body)
}

// expectAPIMessage checks that r is application/json with the body
// {"message": "...", "code": code}, the message not empty, and returns the
// message.
func (c *client) expectAPIMessage(r *response, code int) string {
	c.t.Helper()
	if ct, _ := r.get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		got, note := fieldLine(r, "Content-Type")
		c.fail(report{what: "a JSON answer", expected: "Content-Type: application/json", got: got, gotNote: note})
	}
	var msg struct {
		Message *string `json:"message"`
		Code    *int    `json:"code"`
	}
	if json.Unmarshal(r.body, &msg) != nil || msg.Message == nil || *msg.Message == "" || msg.Code == nil || *msg.Code != code {
		c.fail(report{what: `a JSON object with a message and the code`, expected: fmt.Sprintf(`{"message":"…","code":%d}`, code), got: string(r.body)})
	}
	return *msg.Message
}

// expectJSON checks that r's body is the JSON value want: the same members
// and values, in any order, with any white space, a final newline or not
// (json.Encoder writes one, json.Marshal does not).
func (c *client) expectJSON(r *response, want string) {
	c.t.Helper()
	var w, got any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		panic(fmt.Sprintf("expectJSON: %q is not JSON: %v", want, err))
	}
	if json.Unmarshal(r.body, &got) != nil || !reflect.DeepEqual(got, w) {
		c.fail(report{what: "the body: this JSON value (any order of members, any white space)", expected: want, got: string(r.body)})
	}
}
