package main

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// site is the website served when -root is not given: built into the
// binary, so that the program works from any folder.
//
//go:embed site
var site embed.FS

// StaticFiles serves the files of a tree: GET and HEAD, with Content-Type,
// Content-Length and Last-Modified, 304 for If-Modified-Since, a folder's
// index.html, and nothing outside the tree.
type StaticFiles struct {
	FS fs.FS
	// ModTime stands in for files that have no modification time of their
	// own, as embedded ones have none.
	ModTime time.Time
}

// openSite returns the files to serve: the embedded site, or dir.
//
// For a directory, os.OpenRoot (Go 1.24) does the hard part of staying
// inside it: every file is opened relative to the root, and a path that
// would leave it, by ".." or by a symbolic link pointing out, fails.
func openSite(dir string) (*StaticFiles, error) {
	if dir == "" {
		sub, err := fs.Sub(site, "site")
		if err != nil {
			return nil, err
		}
		return &StaticFiles{FS: sub, ModTime: buildTime()}, nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("-root: %w", err)
	}
	return &StaticFiles{FS: root.FS()}, nil
}

// buildTime is when the running binary was written, which is when its
// embedded files last changed; the start time if that cannot be known.
func buildTime() time.Time {
	if exe, err := os.Executable(); err == nil {
		if info, err := os.Stat(exe); err == nil {
			return info.ModTime()
		}
	}
	return time.Now()
}

// ServeHTTP answers GET and HEAD with the file that the path names, or a
// folder's index.html. A path that is not a file name gets 400 (fileName);
// a dotfile, and anything but a regular file or a folder, such as a FIFO, a
// socket or a device, 404 as if it were not there (hidden, openFile).
func (s *StaticFiles) ServeHTTP(w *ResponseWriter, r *Request) {
	// The browser takes Content-Type as said, and never guesses from the
	// bytes: a file under -root that holds HTML or script but is named
	// notes.txt, an upload say, is shown as text, never run as a page of
	// this origin, beside the login API (WHATWG Fetch, "nosniff").
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != "GET" && r.Method != "HEAD" {
		w.Header().Set("Allow", "GET, HEAD") // RFC 9110 §15.5.6
		w.Error(405, r.Method+" is not allowed on files.")
		return
	}
	name, err := fileName(r.Path)
	if err != nil {
		w.Error(400, "The path is not a file name: "+err.Error()+".")
		return
	}
	if hidden(name) {
		w.Error(404, "There is no file at "+r.Path+".")
		return
	}
	// Stat first, Open only a regular file: see openFile for why.
	info, err := fs.Stat(s.FS, name)
	if err != nil {
		fileError(w, r, err)
		return
	}
	if info.IsDir() {
		if !strings.HasSuffix(r.Path, "/") {
			// Without the slash, the page's relative links would resolve
			// against the parent folder. RFC 9110 §15.4.2.
			target := r.Path + "/"
			if r.RawQuery != "" {
				target += "?" + r.RawQuery
			}
			w.Header().Set("Location", target)
			w.Error(301, "The folder is at "+target+".")
			return
		}
		name = path.Join(name, "index.html")
		if info, err = fs.Stat(s.FS, name); err != nil || !info.Mode().IsRegular() {
			w.Error(404, "This folder has no index.html, and folders are not listed.")
			return
		}
	} else if strings.HasSuffix(r.Path, "/") { // a file named as a folder: "/notes.txt/"
		w.Error(404, "There is no folder at "+r.Path+".")
		return
	}
	if !info.Mode().IsRegular() { // a FIFO, a socket or a device
		w.Error(404, "There is no file at "+r.Path+".")
		return
	}
	f, info, err := s.openFile(name)
	if err != nil {
		fileError(w, r, err)
		return
	}
	defer f.Close()

	modTime := info.ModTime()
	if modTime.IsZero() {
		modTime = s.ModTime
	}
	modTime = modTime.UTC().Truncate(time.Second) // HTTP dates have whole seconds
	w.Header().Set("Last-Modified", modTime.Format(imfFixdate))
	// With Last-Modified alone, a cache may reuse the file without asking,
	// for a lifetime it guesses from the file's age (RFC 9111 §4.2.2), and a
	// visitor would see an old page after an edit. no-cache lets it keep the
	// file but makes it ask first, with If-Modified-Since (RFC 9111
	// §5.2.2.4); the answer is a 304 without a body while nothing changed.
	// The 304 says it too (RFC 9110 §15.4.5).
	w.Header().Set("Cache-Control", "no-cache")
	if notModified(r, modTime) {
		w.WriteHeader(304)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	if r.Method == "GET" {
		// ReadFrom streams the file: from an *os.File the kernel copies the
		// bytes to the socket (sendfile). Not io.Copy(w, f): io.Copy prefers
		// the file's own WriteTo, which in Go 1.24 hands ReadFrom a wrapper
		// that hides the *os.File, and every byte then passes through a
		// buffer here. A short body after an error makes the server close
		// the connection, so there is nothing more to do with the error.
		w.ReadFrom(f)
	}
}

// openFile opens name, which fs.Stat found to be a regular file, and
// returns it with its FileInfo.
//
// Only regular files are ever opened, because opening is not harmless for
// everything that a tree can hold: open(2) of a FIFO (a named pipe) waits
// for a writer, forever if none comes, which would pin the goroutine and
// stall a graceful shutdown; opening a device can have effects of its own.
// So ServeHTTP asks with fs.Stat first. Stat follows symbolic links, and
// os.Root refuses those that lead out of the root.
//
// Between that Stat and this Open, someone who can write into the served
// tree could replace the file with a FIFO, and Open would wait. The window
// is two system calls wide, and whoever can use it can already change what
// the site serves. Closing it would take a non-blocking open (O_NONBLOCK),
// which an fs.FS cannot be asked for. The check after Open catches the
// replacements that do not block: a folder, a socket, a device.
func (s *StaticFiles) openFile(name string) (fs.File, fs.FileInfo, error) {
	f, err := s.FS.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// fileName turns a request path into a name in the served tree, or says
// why it will not; the caller answers 400 with the reason. The path is
// percent-decoded exactly once: "%2e%2e" is "..", refused; "%252e%252e" is
// the harmless name "%2e%2e". Refused:
//
//   - an encoded slash, "%2F" or "%2f". RFC 3986 §2.2: a percent-encoded
//     reserved character is data, not the delimiter, and no file name holds
//     a slash. Decoding it into a separator would also serve a path that a
//     filter in front of this server did not see: one that guards "/sub/"
//     lets "/sub%2Fpage.html" through.
//   - a backslash or a NUL byte, raw or encoded, as no file name here needs
//     them and some systems read them as a separator or as the end.
//   - an empty, "." or ".." segment: "//x", "/sub/..", "/." and "/sub/.".
//     A browser removes dot-segments before it sends a path (RFC 3986
//     §5.2.4), so only a hand-made request holds them. The root itself is
//     "/", and "." in the tree, as fs.ValidPath names it.
func fileName(p string) (string, error) {
	decoded, err := url.PathUnescape(p)
	if err != nil {
		return "", errors.New("malformed percent-encoding")
	}
	if strings.Contains(p, "%2F") || strings.Contains(p, "%2f") {
		return "", errors.New("an encoded slash (%2F)")
	}
	if strings.ContainsAny(decoded, "\\\x00") {
		return "", errors.New("a backslash or a NUL byte")
	}
	if decoded == "/" {
		return ".", nil
	}
	name := strings.TrimSuffix(strings.TrimPrefix(decoded, "/"), "/")
	if name == "." || !fs.ValidPath(name) {
		return "", errors.New(`an empty, "." or ".." segment`)
	}
	return name, nil
}

// hidden reports whether name is a dotfile (".env") or lies inside a
// dot-folder (".git/config"). A site's folder often holds such things beside
// its pages: version control, secrets, editor state. None is meant to be
// served, so they get 404, as if absent. There is no exception for
// "/.well-known/" (RFC 8615): nothing in this server uses it, and a site
// that needs it, for ACME or security.txt, would allow that one folder.
func hidden(name string) bool {
	return name != "." && (strings.HasPrefix(name, ".") || strings.Contains(name, "/."))
}

// fileError answers a file that could not be found or opened: 403 where
// the system refused, 404 for the rest, including a path that would leave
// the root. It never says more than that: the client learns nothing about
// what lies outside the root, not even whether it exists.
func fileError(w *ResponseWriter, r *Request, err error) {
	if errors.Is(err, fs.ErrPermission) {
		w.Error(403, "You may not read "+r.Path+".")
		return
	}
	w.Error(404, "There is no file at "+r.Path+".")
}

// notModified reports whether a conditional GET or HEAD can be answered
// with 304 Not Modified (RFC 9110 §13.1.3): If-Modified-Since is a valid date
// no earlier than the file's. If-None-Match, when present, takes precedence,
// and since this server sends no ETags, nothing matches it.
func notModified(r *Request, modTime time.Time) bool {
	if r.Header.Get("If-None-Match") != "" {
		return false
	}
	values := r.Header.Values("If-Modified-Since")
	if len(values) != 1 {
		return false
	}
	since, err := parseHTTPDate(values[0], time.Now())
	return err == nil && !modTime.After(since)
}

// The obsolete date formats that RFC 9110 §5.6.7 says a recipient MUST
// still accept, beside IMF-fixdate (response.go).
const (
	rfc850Date  = "Monday, 02-Jan-06 15:04:05 GMT" // "Sunday, 06-Nov-94 08:49:37 GMT"
	asctimeDate = "Mon Jan _2 15:04:05 2006"       // "Sun Nov  6 08:49:37 1994"
)

// parseHTTPDate parses a date in any of the three formats of RFC 9110
// §5.6.7. now is when the date is read: an RFC 850 date has a two-digit
// year, and which century it means depends on it (see rfc850Year).
func parseHTTPDate(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(imfFixdate, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(rfc850Date, v); err == nil {
		return rfc850Year(t, now), nil
	}
	if t, err := time.Parse(asctimeDate, v); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("not an HTTP date")
}

// rfc850Year moves t, parsed from an RFC 850 date, to the century that RFC
// 9110 §5.6.7 asks for: a recipient MUST read a two-digit year "that appears
// to be more than 50 years in the future" as "the most recent year in the
// past that had the same last two digits". time.Parse cannot know when the
// date is read, and fixes the century once and for all (69-99 are 19xx, 00-68
// are 20xx), so "Monday, 01-Jan-74" would be 1974; read in 2026 it is 2074.
//
// The rule picks, among the years with t's last two digits, the one that
// falls in the hundred years that end 50 years after now.
func rfc850Year(t, now time.Time) time.Time {
	now = now.UTC()
	t = t.AddDate(now.Year()-now.Year()%100+t.Year()%100-t.Year(), 0, 0) // now's century
	switch {
	case t.After(now.AddDate(50, 0, 0)): // more than 50 years ahead: the century before
		t = t.AddDate(-100, 0, 0)
	case !t.After(now.AddDate(-50, 0, 0)): // a century later is at most 50 years ahead
		t = t.AddDate(100, 0, 0)
	}
	return t
}

// contentType returns the media type of a file by its extension, with
// charset=utf-8 for text. The table is here rather than in package mime,
// whose answers depend on the machine's /etc/mime.types.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8" // RFC 9239
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/vnd.microsoft.icon"
	case ".wasm":
		return "application/wasm"
	case ".pdf":
		return "application/pdf"
	case ".woff2":
		return "font/woff2"
	case ".zip":
		return "application/zip"
	}
	return "application/octet-stream"
}
