package main

// Benchmarks beside the same workload on Go's net/http. Run them with
//
//	go test -run '^$' -bench . -benchmem ./part4-httpserver
//
// For a load tool in another process, such as wrk, TestNetHTTPBaseline
// serves the same application with net/http, logging each request line to
// stdout as part4 does:
//
//	go test ./part4-httpserver -run NetHTTPBaseline -v -timeout 0 -args -baseline 127.0.0.1:8889
//
// docs/part4-httpserver.md has the figures and the commands.

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
)

var baselineAddr = flag.String("baseline", "", "serve the hello page with net/http on this `address` (TestNetHTTPBaseline)")

// TestNetHTTPBaseline serves helloPage with net/http until the test binary
// is stopped, if -baseline names an address; it is skipped otherwise.
func TestNetHTTPBaseline(t *testing.T) {
	if *baselineAddr == "" {
		t.Skip("serves net/http for load tools only with -baseline ADDR")
	}
	ln, err := net.Listen("tcp", *baselineAddr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("Serving net/http on http://%s ...\n", ln.Addr())
	t.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(os.Stdout, "%s %s %s\n", r.Method, r.RequestURI, r.Proto)
		netHTTPHello(w, r)
	})))
}

// benchRequest is what curl sends, plus two fields a browser would add.
const benchRequest = "GET /index.html?lang=en HTTP/1.1\r\n" +
	"Host: localhost:8888\r\n" +
	"User-Agent: curl/8.5.0\r\n" +
	"Accept: */*\r\n" +
	"Accept-Encoding: gzip, deflate\r\n" +
	"Accept-Language: en-GB,en;q=0.9\r\n" +
	"\r\n"

func BenchmarkReadRequest(b *testing.B) {
	b.Run("part4", func(b *testing.B) {
		src := strings.NewReader(benchRequest)
		br := bufio.NewReader(src)
		var head []byte
		b.ReportAllocs()
		b.SetBytes(int64(len(benchRequest)))
		for b.Loop() {
			src.Reset(benchRequest)
			br.Reset(src)
			var err error
			if _, head, err = readRequest(br, head); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net-http", func(b *testing.B) {
		src := strings.NewReader(benchRequest)
		br := bufio.NewReader(src)
		b.ReportAllocs()
		b.SetBytes(int64(len(benchRequest)))
		for b.Loop() {
			src.Reset(benchRequest)
			br.Reset(src)
			if _, err := http.ReadRequest(br); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkKeepAliveGET measures requests per second end to end: clients on
// kept-alive connections send GET / and read the whole response, one at a
// time per connection, over loopback TCP. Both servers send the same page.
func BenchmarkKeepAliveGET(b *testing.B) { benchServers(b, benchGET) }

// BenchmarkPipelinedGET is BenchmarkKeepAliveGET with 16 requests sent in
// one write before the 16 responses are read, the pattern of TechEmpower's
// plaintext test. One op is one request.
func BenchmarkPipelinedGET(b *testing.B) { benchServers(b, benchPipelined) }

// benchServers runs bench against part4 and against net/http serving the
// same page.
func benchServers(b *testing.B, bench func(b *testing.B, addr string)) {
	b.Run("part4", func(b *testing.B) {
		ln := benchListen(b)
		srv := &TCPServer{Handler: &HelloHandler{Log: io.Discard}}
		go srv.Serve(ln)
		defer srv.Shutdown()
		bench(b, ln.Addr().String())
	})
	b.Run("net-http", func(b *testing.B) {
		ln := benchListen(b)
		srv := &http.Server{Handler: netHTTPHello}
		go srv.Serve(ln)
		defer srv.Close()
		bench(b, ln.Addr().String())
	})
}

// netHTTPHello is HelloHandler's GET / on net/http.
var netHTTPHello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, helloPage)
})

// benchPipelined sends pipelineDepth requests at a time from parallel
// clients; a client's last batch may be cut short.
func benchPipelined(b *testing.B, addr string) {
	const pipelineDepth = 16
	b.ReportAllocs()
	batch := []byte(strings.Repeat("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", pipelineDepth))
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		for more := true; more; {
			n := 0
			for n < pipelineDepth && pb.Next() {
				n++
			}
			more = n == pipelineDepth
			if _, err := conn.Write(batch[:n*len(batch)/pipelineDepth]); err != nil {
				b.Error(err)
				return
			}
			for range n {
				if err := readBenchResponse(br); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
}

func benchListen(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}

// benchGET runs GET / from parallel clients, each on its own connection.
func benchGET(b *testing.B, addr string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		req := []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		for pb.Next() {
			if _, err := conn.Write(req); err != nil {
				b.Error(err)
				return
			}
			if err := readBenchResponse(br); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// readBenchResponse reads one response framed by Content-Length and checks
// that it is a 200.
func readBenchResponse(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return io.ErrUnexpectedEOF
	}
	length := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if name, value, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(name, []byte("Content-Length")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(value)))
		}
	}
	_, err = br.Discard(length)
	return err
}
