package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on a request body, however it is framed. A handler reading past
// one of them gets a *requestError with the status named beside it, and the
// connection closes after the response.
const (
	maxBodyBytes      = 1 << 20 // the body's bytes; 413 Content Too Large (RFC 9110 §15.5.14)
	maxChunkLineBytes = 4 << 10 // a chunk-size line with its extensions (RFC 9112 §7.1.1); 400
	maxChunkSizeHex   = 15      // hex digits of a chunk size: 15 cannot overflow an int64
)

// Errors a handler gets from Request.Body. Each carries the status that
// answers it: the handler decides what the answer looks like (an HTML page,
// or JSON for an API), not the server.
var (
	errBodyTooLarge = &requestError{413, fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
	errBodyTimeout  = &requestError{408, "The request body took too long to arrive."} // RFC 9110 §15.5.9
)

// body reads a request body from the connection as the head framed it
// (RFC 9112 §6.3): a Content-Length of bytes, or the chunked transfer coding,
// where each chunk says its own size and a chunk of size 0 ends the body:
//
//	5\r\n            chunk size, in hex
//	Hello\r\n        that many bytes, then CRLF
//	0\r\n            the last chunk
//	Expires: …\r\n   trailer fields, if any (read within limits and dropped)
//	\r\n             the end of the body
type body struct {
	r         *bufio.Reader
	chunked   bool
	remaining int64 // Content-Length: bytes still to come; chunked: bytes left of this chunk
	total     int64 // chunked: data bytes so far, against maxBodyBytes
	inChunk   bool  // chunked: a chunk's data was read, and its CRLF is next
	done      bool  // the body was read to its end
	err       error // the first error, returned again by every later Read
	line      []byte

	// continueSent is set once "100 Continue" was written; sendContinue
	// writes it before the first read of a body the client holds back.
	continueSent bool
	sendContinue func() error
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.done {
		return 0, io.EOF
	}
	if !b.chunked && b.remaining > maxBodyBytes {
		// Refused before a byte of it is asked for, so before 100 Continue.
		b.err = errBodyTooLarge
		return 0, b.err
	}
	if b.sendContinue != nil && !b.continueSent {
		b.continueSent = true
		if err := b.sendContinue(); err != nil {
			b.err = err
			return 0, err
		}
	}
	var n int
	var err error
	if b.chunked {
		n, err = b.readChunked(p)
	} else {
		n, err = b.readData(p)
	}
	switch {
	case err == io.EOF:
		b.done = true
	case err != nil:
		b.err = err
	}
	return n, err
}

// readData reads from the data of a Content-Length body or of one chunk.
func (b *body) readData(p []byte) (int, error) {
	if b.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := b.r.Read(p)
	b.remaining -= int64(n)
	if err != nil {
		return n, bodyReadError(err)
	}
	return n, nil
}

// readChunked reads the data of the current chunk, reading the next chunk's
// size line first when the current one is used up.
func (b *body) readChunked(p []byte) (int, error) {
	if b.remaining == 0 {
		if b.inChunk {
			if err := b.readCRLF(); err != nil {
				return 0, err
			}
			b.inChunk = false
		}
		size, err := b.readChunkSize()
		if err != nil {
			return 0, err
		}
		if size == 0 {
			if err := b.readTrailers(); err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		if b.total+size > maxBodyBytes {
			return 0, errBodyTooLarge
		}
		b.total += size
		b.remaining, b.inChunk = size, true
	}
	n, err := b.readData(p)
	if err == io.EOF {
		err = nil // the end of one chunk, not of the body
	}
	return n, err
}

// readChunkSize reads a chunk-size line (RFC 9112 §7.1):
//
//	chunk-size [ chunk-ext ] CRLF
//	chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )
//
// Extensions are checked for stray control characters and dropped: this
// server knows none (RFC 9112 §7.1.1: a recipient MUST ignore unrecognized
// ones).
func (b *body) readChunkSize() (int64, error) {
	line, err := b.readLine(maxChunkLineBytes)
	if err != nil {
		return 0, err
	}
	var size int64
	i := 0
	for ; i < len(line) && isHex(line[i]); i++ {
		if i == maxChunkSizeHex {
			return 0, errBodyTooLarge // a valid size, far over the limit
		}
		size = size<<4 | int64(unhex(line[i]))
	}
	if i == 0 {
		return 0, badRequest("A chunk size is not a hexadecimal number.")
	}
	ext := bytes.TrimLeft(line[i:], " \t")
	if len(ext) > 0 && ext[0] != ';' || len(ext) == 0 && i < len(line) {
		return 0, badRequest("A chunk size is followed by something other than an extension.")
	}
	for _, c := range ext {
		if c < ' ' && c != '\t' || c == 0x7f {
			return 0, badRequest("A chunk extension holds a control character.")
		}
	}
	return size, nil
}

// readCRLF reads the CRLF that ends a chunk's data.
func (b *body) readCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(b.r, crlf[:]); err != nil {
		return bodyReadError(err)
	}
	if string(crlf[:]) != "\r\n" {
		return badRequest("A chunk's data is not followed by CRLF.")
	}
	return nil
}

// readTrailers reads the trailer section after the last chunk: field lines
// within the limits of a header section, then an empty line. This server
// acts on no trailer field, so they are checked and dropped (RFC 9110 §6.5.1
// lets a recipient discard them).
func (b *body) readTrailers() error {
	for fields, size := 0, 0; ; fields++ {
		line, err := b.readLine(maxHeaderBytes - size)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		size += len(line) + 2
		if fields == maxHeaderFields {
			return &requestError{431, fmt.Sprintf("The trailer section has more than %d fields.", maxHeaderFields)}
		}
		if _, err := parseFieldLine(string(line)); err != nil {
			return err
		}
	}
}

// readLine reads one line of chunked framing, which must end in CRLF (RFC
// 9112 §7.1; the bare LF tolerated in a head is refused here), and returns it
// without its CRLF. A line over limit is refused.
func (b *body) readLine(limit int) ([]byte, error) {
	line, err := appendLine(b.r, b.line[:0], limit)
	b.line = line
	switch {
	case err == errLineTooLong && limit == maxChunkLineBytes:
		return nil, badRequest(fmt.Sprintf("A chunk-size line is longer than %d bytes.", maxChunkLineBytes))
	case err == errLineTooLong:
		return nil, &requestError{431, fmt.Sprintf("The trailer section is longer than %d bytes.", maxHeaderBytes)}
	case err != nil:
		return nil, bodyReadError(err)
	case !bytes.HasSuffix(line, []byte("\r\n")):
		return nil, badRequest("A line of chunked framing does not end in CRLF.")
	case hasBareCR(line):
		return nil, badRequest("A line of chunked framing holds a CR that does not end it.")
	}
	return line[:len(line)-2], nil
}

// bodyReadError turns an error from the connection, in the middle of a
// body, into what the handler gets: a timeout is 408, and the client closing
// early is io.ErrUnexpectedEOF (nobody left to answer).
func bodyReadError(err error) error {
	switch {
	case err == io.EOF:
		return io.ErrUnexpectedEOF
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errBodyTimeout
	}
	return err
}

// unread reports whether some of the body is still in the connection.
func (b *body) unread() bool {
	return b.chunked && !b.done || b.remaining > 0
}

// skipRest reads and drops what the handler left of the body, so that the
// next request on the connection is read from its first byte. It reports
// whether the body was read to its end within maxDrainBytes.
func (b *body) skipRest() bool {
	if !b.unread() {
		return b.err == nil
	}
	n, err := io.CopyN(io.Discard, b, maxDrainBytes+1)
	return err == io.EOF && n <= maxDrainBytes
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
