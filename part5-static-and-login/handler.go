package main

import (
	"strings"
)

// Router is the application: it sends every request under /api/ to the
// login API and every other request to the static files.
type Router struct {
	API   Handler // the JSON API, login.go
	Files Handler // the site, static.go
}

// ServeHTTP passes the request to the handler its path belongs to.
func (rt *Router) ServeHTTP(w *ResponseWriter, r *Request) {
	if strings.HasPrefix(r.Path, "/api/") {
		rt.API.ServeHTTP(w, r)
		return
	}
	rt.Files.ServeHTTP(w, r)
}
