package main

import "strings"

// A Field is one header field line: "Name: Value".
type Field struct {
	Name, Value string
}

// Header is a message's header section: its fields in order, repeated names
// kept (RFC 9110 §5.2). Names compare case-insensitively (RFC 9110 §5.1), in
// ASCII only (see equalFold).
// A slice beats a map here: a request has a dozen fields, and a linear scan
// of a dozen strings is faster than hashing and allocates nothing.
type Header []Field

// Get returns the value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if equalFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if equalFold(f.Name, name) {
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
		if !equalFold(f.Name, name) {
			kept = append(kept, f)
		}
	}
	*h = kept
}

// hasToken reports whether the fields named name, comma-separated lists
// such as "Connection: foo, close" (RFC 9110 §5.6.1), hold token, in any
// case.
func (h Header) hasToken(name, token string) bool {
	for _, f := range h {
		if !equalFold(f.Name, name) {
			continue
		}
		for list := f.Value; list != ""; {
			var elem string
			elem, list, _ = strings.Cut(list, ",")
			if equalFold(strings.Trim(elem, " \t"), token) {
				return true
			}
		}
	}
	return false
}

// equalFold reports whether a and b are equal, ignoring the case of ASCII
// letters only. HTTP's names and keywords are ASCII (RFC 9110 §5.6.2).
// strings.EqualFold would not do: it folds Unicode too, so that
// "chun\u212Aed", with a Kelvin sign, equals "chunked", and a proxy that
// sees an unknown coding would frame the message differently from us.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
