package main

// Benchmarks beside the same workload on Go's net/http. Run them with
//
//	go test -run '^$' -bench . -benchmem ./part5-static-and-login
//
// For a load tool in another process, such as wrk, TestNetHTTPBaseline
// serves a folder with net/http's FileServer, logging each request to
// stdout as part5 does:
//
//	go test ./part5-static-and-login -run NetHTTPBaseline -v -timeout 0 -args -baseline 127.0.0.1:8889 -baseline-root DIR
//
// docs/part4-httpserver.md and docs/part5-static-and-login.md have the figures.

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	baselineAddr = flag.String("baseline", "", "serve -baseline-root with net/http on this `address` (TestNetHTTPBaseline)")
	baselineRoot = flag.String("baseline-root", ".", "the `folder` TestNetHTTPBaseline serves")
)

// TestNetHTTPBaseline serves a folder with net/http's FileServer until the
// test binary is stopped, if -baseline names an address; it is skipped
// otherwise. Each request is logged to stdout, in Common Log Format but for
// the status: knowing it would take wrapping the ResponseWriter, which
// would hide its ReadFrom from FileServer, and with it sendfile.
func TestNetHTTPBaseline(t *testing.T) {
	if *baselineAddr == "" {
		t.Skip("serves net/http for load tools only with -baseline ADDR")
	}
	ln, err := net.Listen("tcp", *baselineAddr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("Serving net/http on http://%s ...\n", ln.Addr())
	files := http.FileServer(http.Dir(*baselineRoot))
	t.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		files.ServeHTTP(w, r)
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		fmt.Fprintf(os.Stdout, "%s - - [%s] %q - -\n", host, time.Now().Format(commonLogTime), r.Method+" "+r.RequestURI+" "+r.Proto)
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
	benchGETPath(b, addr, "/")
}

// benchGETPath runs GET path from parallel clients, each on its own connection.
func benchGETPath(b *testing.B, addr, path string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		req := []byte("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
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
	_, err = io.CopyBuffer(struct{ io.Writer }{io.Discard}, io.LimitReader(br, int64(length)), discardBuf[:])
	return err
}

// discardBuf is where benchmark clients drop response bodies: large, so that
// the client's reads are not what is measured. Clients share it; nobody
// reads what is in it.
var discardBuf [256 << 10]byte

// BenchmarkStaticFile serves a small and a large file from a folder,
// beside net/http's FileServer on the same files.
func BenchmarkStaticFile(b *testing.B) {
	root := b.TempDir()
	sizes := []struct {
		name string
		size int
	}{
		{"small-1KiB", 1 << 10},
		{"large-16MiB", 16 << 20},
	}
	for _, sz := range sizes {
		if err := os.WriteFile(filepath.Join(root, sz.name+".css"), bytes.Repeat([]byte("x"), sz.size), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, sz := range sizes {
		b.Run(sz.name+"/part5", func(b *testing.B) {
			files, err := openSite(root)
			if err != nil {
				b.Fatal(err)
			}
			ln := benchListen(b)
			srv := &TCPServer{Handler: files}
			go srv.Serve(ln)
			defer srv.Shutdown()
			b.SetBytes(int64(sz.size))
			benchGETPath(b, ln.Addr().String(), "/"+sz.name+".css")
		})
		b.Run(sz.name+"/net-http", func(b *testing.B) {
			ln := benchListen(b)
			srv := &http.Server{Handler: http.FileServer(http.Dir(root))}
			go srv.Serve(ln)
			defer srv.Close()
			b.SetBytes(int64(sz.size))
			benchGETPath(b, ln.Addr().String(), "/"+sz.name+".css")
		})
	}
}
