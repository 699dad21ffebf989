package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testDeadline bounds every exchange of these tests: a relay that loses a
// byte or a FIN makes a test fail after it, never hang.
const testDeadline = 60 * time.Second

// startRelay starts a relay to the server at to on a free port, printing to
// out, and returns its address and recorder.
func startRelay(t *testing.T, to string, out io.Writer) (string, *recorder) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	rec := newRecorder(out)
	go (&Relay{To: to, rec: rec}).Serve(l)
	return l.Addr().String(), rec
}

// startServer listens on a free port and hands each connection it accepts
// to serve, in a goroutine of its own.
func startServer(t *testing.T, serve func(c *net.TCPConn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(testDeadline))
			go serve(c.(*net.TCPConn))
		}
	}()
	return l.Addr().String()
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(testDeadline))
	return c.(*net.TCPConn)
}

// random returns n pseudo-random bytes, as a reader, the same every time.
func random(n int64, seed byte) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{seed}), n)
}

// sum is what a side sent or received: its SHA-256, its length, and, when
// it is small, the bytes themselves, so that a difference shows where.
type sum struct {
	N     int64
	SHA   [32]byte
	Small string
}

func sumOf(r io.Reader) (sum, error) {
	h := sha256.New()
	var small bytes.Buffer
	n, err := io.Copy(io.MultiWriter(h, &limitedBuffer{&small, 4096}), r)
	return sum{N: n, SHA: [32]byte(h.Sum(nil)), Small: small.String()}, err
}

type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b.Write(p[:min(len(p), max(0, l.max-l.b.Len()))])
	return len(p), nil
}

func TestBytesUnchanged(t *testing.T) {
	const requests = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	const responses = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na" +
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" +
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	tests := []struct {
		name     string
		up, down func() io.Reader // what the client sends, what the server sends
	}{
		{"pipelined batch", func() io.Reader { return strings.NewReader(requests) },
			func() io.Reader { return strings.NewReader(responses) }},
		{"100 MiB both ways", func() io.Reader { return random(100<<20, 1) },
			func() io.Reader { return random(100<<20, 2) }},
		{"every byte value", func() io.Reader { return random(1<<20, 3) },
			func() io.Reader { return bytes.NewReader(allBytes()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The server sends its bytes and reads the client's at the same
			// time, each until the end, then reports what it read.
			serverGot := make(chan sum, 1)
			addr := startServer(t, func(c *net.TCPConn) {
				defer c.Close()
				sent := make(chan struct{})
				go func() {
					io.Copy(c, tt.down())
					c.CloseWrite()
					close(sent)
				}()
				s, err := sumOf(c)
				if err != nil {
					t.Errorf("server: reading what the client sent: %v", err)
				}
				serverGot <- s
				<-sent
			})
			relay, _ := startRelay(t, addr, io.Discard)
			c := dial(t, relay)
			go func() {
				io.Copy(c, tt.up())
				c.CloseWrite()
			}()
			clientGot, err := sumOf(c)
			if err != nil {
				t.Fatalf("client: reading what the server sent: %v", err)
			}
			wantDown, _ := sumOf(tt.down())
			if diff := cmp.Diff(wantDown, clientGot); diff != "" {
				t.Errorf("the client received (-what the server sent +what reached the client):\n%s", diff)
			}
			wantUp, _ := sumOf(tt.up())
			if diff := cmp.Diff(wantUp, <-serverGot); diff != "" {
				t.Errorf("the server received (-what the client sent +what reached the server):\n%s", diff)
			}
		})
	}
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// TestHalfClose shows that a FIN is passed on as a FIN: the side that
// receives it reads EOF and can still send, and what it sends arrives.
func TestHalfClose(t *testing.T) {
	tests := []struct {
		name  string
		first string // the side that sends FIN first
	}{
		{"client first", "client"},
		{"server first, as in a lingering close", "server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			servers := make(chan *net.TCPConn, 1)
			addr := startServer(t, func(c *net.TCPConn) { servers <- c })
			relay, _ := startRelay(t, addr, io.Discard)
			client := dial(t, relay)
			server := <-servers
			defer server.Close()
			first, second := client, server
			if tt.first == "server" {
				first, second = server, client
			}
			// first sends and half-closes; second reads all of it up to
			// EOF, then answers and closes; first reads the answer.
			if _, err := first.Write([]byte("ping")); err != nil {
				t.Fatal(err)
			}
			if err := first.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(second)
			if err != nil || string(got) != "ping" {
				t.Fatalf("after the %s's FIN, the other side read %q, %v; want \"ping\", then EOF", tt.first, got, err)
			}
			if _, err := second.Write([]byte("pong")); err != nil {
				t.Fatalf("writing after the other side's FIN: %v", err)
			}
			second.Close()
			got, err = io.ReadAll(first)
			if err != nil || string(got) != "pong" {
				t.Fatalf("the %s, half-closed, read %q, %v; want \"pong\", then EOF", tt.first, got, err)
			}
		})
	}
}

// TestReset shows that a reset is passed on as a reset.
func TestReset(t *testing.T) {
	for _, resets := range []string{"client", "server"} {
		t.Run(resets+" resets", func(t *testing.T) {
			servers := make(chan *net.TCPConn, 1)
			addr := startServer(t, func(c *net.TCPConn) { servers <- c })
			relay, _ := startRelay(t, addr, io.Discard)
			client := dial(t, relay)
			server := <-servers
			defer server.Close()
			// One byte through first, so that both links are up.
			client.Write([]byte("x"))
			if _, err := io.ReadFull(server, make([]byte, 1)); err != nil {
				t.Fatal(err)
			}
			resetter, other := client, server
			if resets == "server" {
				resetter, other = server, client
			}
			resetter.SetLinger(0)
			resetter.Close()
			n, err := other.Read(make([]byte, 10))
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("after the %s's reset, the other side read %d bytes, %v; want %v", resets, n, err, syscall.ECONNRESET)
			}
		})
	}
}

// TestServerDown shows that a client of a relay whose server refuses the
// connection gets a reset, as it would from the server's port.
func TestServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	l.Close() // nobody listens there now
	relay, _ := startRelay(t, down, io.Discard)
	// The reset may come so soon that it is the dial that reports it.
	c, err := net.Dial("tcp", relay)
	n := 0
	if err == nil {
		defer c.Close()
		c.SetDeadline(time.Now().Add(testDeadline))
		n, err = c.Read(make([]byte, 10))
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("a client of a relay to %s read %d bytes, %v; want %v", down, n, err, syscall.ECONNRESET)
	}
}

// TestPage checks what the page reads: the events as Server-Sent Events,
// from the start or after Last-Event-ID, and the bytes of one event, with
// what was not kept counted.
func TestPage(t *testing.T) {
	const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	body := strings.Repeat("0123456789abcde\n", 5<<10) // 80 KiB, more than keptBytes
	response := "HTTP/1.1 200 OK\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
	addr := startServer(t, func(c *net.TCPConn) {
		defer c.Close()
		io.ReadFull(c, make([]byte, len(request)))
		io.WriteString(c, response)
		c.CloseWrite()
		io.Copy(io.Discard, c)
	})
	out := &closeWaiter{want: 1, done: make(chan struct{})}
	relay, rec := startRelay(t, addr, out)
	c := dial(t, relay)
	io.WriteString(c, request)
	io.Copy(io.Discard, c)
	c.Close()
	out.wait(t)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	page := &http.Server{Handler: rec.handler()}
	go page.Serve(l)
	t.Cleanup(func() { page.Close() })
	base := "http://" + l.Addr().String()
	client := &http.Client{Timeout: testDeadline}

	// firstMessage reads the first Server-Sent Event, sent at once.
	firstMessage := func(lastEventID string) (id string, msg struct {
		Relay  string
		Oldest int
		Events []*event
	}) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/events", nil)
		if lastEventID != "" {
			req.Header.Set("Last-Event-ID", lastEventID)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		lines := bufio.NewScanner(resp.Body)
		lines.Buffer(nil, 1<<20)
		for lines.Scan() {
			line := lines.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				if err := json.Unmarshal([]byte(v), &msg); err != nil {
					t.Fatal(err)
				}
				return id, msg
			}
		}
		t.Fatalf("GET /events: no message: %v", lines.Err())
		return
	}

	id, msg := firstMessage("")
	var got []string
	var first, last *event // the server's first and last chunk
	for _, e := range msg.Events {
		line := e.Line
		if e.Kind == "data" && e.From == "server" {
			if first == nil {
				first = e
			} else {
				line = "(more body)" // where a chunk starts varies
			}
			last = e
		}
		got = append(got, e.From+" "+e.Kind+" "+line)
	}
	// The server's response comes in chunks of at most copyBytes.
	got = slices.Compact(got)
	want := []string{"client open ", "server connect ", "client data GET / HTTP/1.1\\r\\n",
		"server data HTTP/1.1 200 OK\\r\\n", "server data (more body)",
		"server fin ", "client fin ", " close "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /events: events (-want +got):\n%s", diff)
	}
	if want := msg.Relay + "-" + fmt.Sprint(msg.Events[len(msg.Events)-1].Seq); id != want {
		t.Errorf("GET /events: id %q, want %q", id, want)
	}

	// Reconnecting with the last id gets nothing old; with the id of
	// another run of the relay, everything.
	if _, again := firstMessage(id); len(again.Events) != 0 {
		t.Errorf("GET /events with Last-Event-ID %s: %d events, want none", id, len(again.Events))
	}
	if _, again := firstMessage("1-" + fmt.Sprint(last.Seq)); len(again.Events) != len(msg.Events) {
		t.Errorf("GET /events with another relay's Last-Event-ID: %d events, want %d", len(again.Events), len(msg.Events))
	}

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, b := get("/"); code != 200 || !strings.Contains(b, "<title>wire") {
		t.Errorf("GET / = %d, %.40q; want 200 and the page", code, b)
	}
	// The first chunk: its bytes as -trace shows them, a line per LF.
	code, b := get(fmt.Sprintf("/bytes?conn=1&seq=%d", first.Seq))
	if wantStart := "HTTP/1.1 200 OK\\r\\n\nContent-Length: 81920\\r\\n\n\\r\\n\n0123456789abcde\\n\n"; code != 200 || !strings.HasPrefix(b, wantStart) {
		t.Errorf("GET /bytes of the first chunk = %d, %.80q; want 200 and %q...", code, b, wantStart)
	}
	// The last chunk is past keptBytes: counted, not kept.
	if code, b := get(fmt.Sprintf("/bytes?conn=1&seq=%d", last.Seq)); code != 200 || b != fmt.Sprintf("\n... %d more bytes, not kept\n", last.N) {
		t.Errorf("GET /bytes of the last chunk = %d, %q; want 200 and that its %d bytes were not kept", code, b, last.N)
	}
	if code, _ := get("/bytes?conn=2&seq=1"); code != 404 {
		t.Errorf("GET /bytes of an event that does not exist = %d, want 404", code)
	}
}

// TestTerminal checks what the relay prints for one exchange: -trace's
// format, with the time and the TCP events; with -brief, only the events
// and the first lines.
func TestTerminal(t *testing.T) {
	const response = "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n"
	tests := []struct {
		brief bool
		want  string
	}{
		{false, `#1 +0.000s -- connected from 127.0.0.1:PORT
#1 +0.000s -- connected to SERVER
#1 +0.000s -- client sent 27 bytes
#1 < GET / HTTP/1.1\r\n
#1 < Host: x\r\n
#1 < \r\n
#1 +0.000s -- server sent 340 bytes
#1 > HTTP/1.1 200 OK\r\n
#1 > Content-Length: 300\r\n
#1 > \r\n
#1 > ` + strings.Repeat("a", 256) + `
#1 > ... 44 more bytes of body
#1 +0.000s -- server FIN: the server sends no more
#1 +0.000s -- client FIN: the client sends no more
#1 +0.000s -- closed
`},
		{true, `#1 +0.000s -- connected from 127.0.0.1:PORT
#1 +0.000s -- connected to SERVER
#1 +0.000s -- client sent 27 bytes
#1 < GET / HTTP/1.1\r\n
#1 +0.000s -- server sent 340 bytes
#1 > HTTP/1.1 200 OK\r\n
#1 +0.000s -- server FIN: the server sends no more
#1 +0.000s -- client FIN: the client sends no more
#1 +0.000s -- closed
`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("brief=%v", tt.brief), func(t *testing.T) {
			addr := startServer(t, func(c *net.TCPConn) {
				defer c.Close()
				io.ReadFull(c, make([]byte, len("GET / HTTP/1.1\r\nHost: x\r\n\r\n")))
				c.Write([]byte(response + strings.Repeat("a", 299) + "\n"))
				c.CloseWrite()
				io.Copy(io.Discard, c)
			})
			out := &closeWaiter{want: 1, done: make(chan struct{})}
			relay, rec := startRelay(t, addr, out)
			rec.brief = tt.brief
			c := dial(t, relay)
			c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
			io.Copy(io.Discard, c) // up to the server's FIN
			c.Close()
			out.wait(t)
			// The times and the client's port differ from run to run.
			got := regexp.MustCompile(`\+\d+\.\d{3}s`).ReplaceAllString(out.String(), "+0.000s")
			got = regexp.MustCompile(`from 127\.0\.0\.1:\d+`).ReplaceAllString(got, "from 127.0.0.1:PORT")
			got = strings.ReplaceAll(got, addr, "SERVER")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("terminal (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMemoryBound relays 1,000 connections, 1,000 open at once, each
// carrying more than keptBytes, and checks that what the relay keeps
// afterwards stays within keptConns connections of keptBytes each.
func TestMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 connections")
	}
	const conns, each = 1000, 80 << 10 // each way, more than keptBytes in all
	addr := startServer(t, func(c *net.TCPConn) {
		defer c.Close()
		if _, err := io.CopyN(io.Discard, c, each); err != nil {
			t.Errorf("server: %v", err)
			return
		}
		io.Copy(c, random(each, 2))
		io.Copy(io.Discard, c) // up to the client's FIN
	})
	out := &closeWaiter{want: conns, done: make(chan struct{})}
	var before runtime.MemStats
	readMemStats(&before)
	relay, rec := startRelay(t, addr, out)

	// All of them open, each through a full exchange, then all closed.
	clients := make([]*net.TCPConn, conns)
	var wg sync.WaitGroup
	for i := range clients {
		clients[i] = dial(t, relay)
		wg.Add(1)
		go func(c *net.TCPConn) {
			defer wg.Done()
			io.Copy(c, random(each, 1))
			if n, err := io.CopyN(io.Discard, c, each); err != nil {
				t.Errorf("client: read %d bytes: %v", n, err)
			}
		}(clients[i])
	}
	wg.Wait()
	var open runtime.MemStats
	readMemStats(&open)
	for _, c := range clients {
		c.Close()
	}
	out.wait(t)
	var after runtime.MemStats
	readMemStats(&after)

	mib := func(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
	t.Logf("heap allocated: %s before, %s with %d connections open (test's clients and server included), %s after they closed",
		mib(before.HeapAlloc), mib(open.HeapAlloc), conns, mib(after.HeapAlloc))
	if len(rec.conns) != keptConns {
		t.Errorf("the relay keeps %d connections, want %d", len(rec.conns), keptConns)
	}
	// The relay keeps 100 connections of at most 64 KiB (6.25 MiB) and their
	// events; 1,000 connections of 160 KiB would be 156 MiB.
	const budget = 16 << 20
	if after.HeapAlloc > before.HeapAlloc+budget {
		t.Errorf("after %d connections, the heap holds %s, more than %s over the %s before",
			conns, mib(after.HeapAlloc), mib(budget), mib(before.HeapAlloc))
	}
}

// readMemStats collects the garbage and reads the memory statistics. Twice:
// the first collection only moves sync.Pool's buffers (io.Discard's, for
// one) to a victim cache, the second frees them.
func readMemStats(m *runtime.MemStats) {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(m)
}

// closeWaiter collects what the relay prints and closes done once it has
// printed want "closed" lines. The recorder writes under its lock, one
// Write at a time.
type closeWaiter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	closed int
	want   int
	done   chan struct{}
}

func (w *closeWaiter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.want < 1000 {
		w.b.Write(p)
	}
	if bytes.HasSuffix(p, []byte("-- closed\n")) {
		w.closed++
		if w.closed == w.want {
			close(w.done)
		}
	}
	return len(p), nil
}

func (w *closeWaiter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (w *closeWaiter) wait(t *testing.T) {
	t.Helper()
	select {
	case <-w.done:
	case <-time.After(testDeadline):
		w.mu.Lock()
		defer w.mu.Unlock()
		t.Fatalf("the relay printed %d closed connections, want %d", w.closed, w.want)
	}
}
