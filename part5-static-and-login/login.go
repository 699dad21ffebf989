package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of the login API.
const (
	maxLoginBodyBytes = 4 << 10   // a login request's JSON body; 413 past it
	sessionTTL        = time.Hour // a session ends this long after the login
	maxSessions       = 10_000    // sessions kept at once; a login past it ends the oldest
	sessionCookie     = "session" // the cookie's name
)

// LoginAPI is a JSON API that logs one user in and out:
//
//	POST /api/login   {"username": "...", "password": "..."}  → a session cookie
//	GET  /api/me      with the cookie                         → {"user": "..."}
//	POST /api/logout  with the cookie, from this site's page   → the session ends
//
// Every answer but /api/me's success is {"message": "...", "code": N}, code 0
// for success and -1 for an error.
type LoginAPI struct {
	// The SHA-256 sums of the name and password that may log in: comparing
	// sums of equal length in constant time leaks neither the values nor
	// their lengths through timing.
	userSum, passwordSum [sha256.Size]byte
	user                 string
	sessions             *Sessions
}

// NewLoginAPI returns the API for one user and password.
func NewLoginAPI(user, password string) *LoginAPI {
	return &LoginAPI{
		userSum:     sha256.Sum256([]byte(user)),
		passwordSum: sha256.Sum256([]byte(password)),
		user:        user,
		sessions:    NewSessions(time.Now),
	}
}

// apiMessage is the body of every answer but /api/me's success.
type apiMessage struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// ServeHTTP routes the API's three endpoints.
func (a *LoginAPI) ServeHTTP(w *ResponseWriter, r *Request) {
	switch r.Path {
	case "/api/login":
		a.login(w, r)
	case "/api/me":
		a.me(w, r)
	case "/api/logout":
		a.logout(w, r)
	default:
		writeJSON(w, 404, apiMessage{"There is no API endpoint " + r.Path + ".", -1})
	}
}

// login checks the credentials in the JSON body and starts a session.
func (a *LoginAPI) login(w *ResponseWriter, r *Request) {
	if !allowMethods(w, r, "POST") {
		return
	}
	// RFC 9110 §15.5.16: 415 for a body in a format the resource does not
	// take. Insisting on JSON also means that a plain HTML form on another
	// site cannot post here: browsers send forms as other media types.
	if mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mediaType != "application/json" {
		w.Header().Set("Accept-Post", "application/json")
		writeJSON(w, 415, apiMessage{"Send the credentials as application/json.", -1})
		return
	}
	body, ok := readLoginBody(w, r)
	if !ok {
		return
	}
	var creds struct {
		Username *string `json:"username"`
		Password *string `json:"password"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&creds); err != nil || dec.Decode(&struct{}{}) != io.EOF {
		writeJSON(w, 400, apiMessage{"The body is not one JSON object.", -1})
		return
	}
	if creds.Username == nil || creds.Password == nil {
		writeJSON(w, 400, apiMessage{`The JSON object needs "username" and "password".`, -1})
		return
	}
	userSum, passwordSum := sha256.Sum256([]byte(*creds.Username)), sha256.Sum256([]byte(*creds.Password))
	// Both comparisons always run (& not &&), so that the time taken does not
	// tell whether the name was right.
	if subtle.ConstantTimeCompare(userSum[:], a.userSum[:])&subtle.ConstantTimeCompare(passwordSum[:], a.passwordSum[:]) != 1 {
		unauthorized(w, "Wrong username or password.")
		return
	}
	token := a.sessions.Create(a.user)
	// HttpOnly: page scripts cannot read it. SameSite=Strict: browsers do not
	// send it with requests that other sites start. Path=/: every page here.
	w.Header().Add("Set-Cookie", sessionCookie+"="+token+"; Path=/; Max-Age="+
		strconv.Itoa(int(sessionTTL/time.Second))+"; HttpOnly; SameSite=Strict")
	writeJSON(w, 200, apiMessage{"success", 0})
}

// readLoginBody reads a login request's body, of maxLoginBodyBytes at most,
// framed by Content-Length or chunked. If it cannot, it answers in JSON, as
// every error of this API, with the status the body's error carries: 413
// (here, or over the server's maxBodyBytes), 400 for broken chunked
// framing, 408 for a body that stopped arriving.
func readLoginBody(w *ResponseWriter, r *Request) ([]byte, bool) {
	tooLarge := apiMessage{fmt.Sprintf("The request body is larger than %d bytes.", maxLoginBodyBytes), -1}
	if r.ContentLength > maxLoginBodyBytes { // refused before it is read, or 100 Continue sent
		writeJSON(w, 413, tooLarge)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxLoginBodyBytes+1))
	var reqErr *requestError
	switch {
	case errors.As(err, &reqErr):
		writeJSON(w, reqErr.status, apiMessage{reqErr.reason, -1})
		return nil, false
	case err != nil:
		return nil, false // the client is gone: nobody to answer
	case len(body) > maxLoginBodyBytes: // a chunked body, whose length was not known
		writeJSON(w, 413, tooLarge)
		return nil, false
	}
	return body, true
}

// me says who is logged in.
func (a *LoginAPI) me(w *ResponseWriter, r *Request) {
	if !allowMethods(w, r, "GET", "HEAD") {
		return
	}
	user, ok := a.sessions.Lookup(cookieValue(r, sessionCookie))
	if !ok {
		unauthorized(w, "Not logged in.")
		return
	}
	writeJSON(w, 200, struct {
		User string `json:"user"`
	}{user})
}

// logout ends the session, if there is one, and clears the cookie.
func (a *LoginAPI) logout(w *ResponseWriter, r *Request) {
	if !allowMethods(w, r, "POST") {
		return
	}
	// An empty POST needs no JSON, so any site could send one from a form
	// (cross-site request forgery) and log the user out: refuse what a
	// browser says comes from another site.
	if crossSite(r) {
		writeJSON(w, 403, apiMessage{"A page of another site cannot log you out.", -1})
		return
	}
	a.sessions.Delete(cookieValue(r, sessionCookie))
	w.Header().Add("Set-Cookie", sessionCookie+"=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
	writeJSON(w, 200, apiMessage{"logged out", 0})
}

// crossSite reports whether a browser sent r from a page of another site.
// Browsers say where a request comes from: Sec-Fetch-Site (Fetch Metadata,
// every current browser) is "same-origin" for this site's own page and
// "none" for the user's own typing; older ones send Origin, to compare with
// Host. A request with neither comes from no browser (curl, a script): it
// carries no victim's cookie, so it needs no check. net/http's
// CrossOriginProtection (Go 1.25) decides the same way.
func crossSite(r *Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
		origin := r.Header.Get("Origin") // "http://localhost:8888", or "null"
		_, host, ok := strings.Cut(origin, "://")
		return origin != "" && (!ok || !equalFold(host, r.Host))
	}
	return true // "cross-site", "same-site" (another host of the same site)
}

// allowMethods answers 405 with Allow unless r's method is one of methods.
// The message does not name r's method: a HEAD must get the same fields as
// a GET, Content-Length included (RFC 9110 §9.3.2).
func allowMethods(w *ResponseWriter, r *Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	allowed := strings.Join(methods, ", ")
	w.Header().Set("Allow", allowed) // RFC 9110 §15.5.6
	writeJSON(w, 405, apiMessage{r.Path + " allows " + allowed + " only.", -1})
	return false
}

// unauthorized answers 401. RFC 9110 §15.5.2 says a 401 MUST carry a
// WWW-Authenticate challenge; no registered scheme fits a login form, so
// the challenge names this API's own.
func unauthorized(w *ResponseWriter, message string) {
	w.Header().Set("WWW-Authenticate", `Session realm="part5", login="/api/login"`)
	writeJSON(w, 401, apiMessage{message, -1})
}

// writeJSON answers with status and v as JSON. Such responses change with
// every login and must not be cached.
func writeJSON(w *ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own types come here: a bug
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// cookieValue returns the value of the cookie named name, or "".
// Cookie: a=1; session=abc (RFC 6265 §4.2.1).
func cookieValue(r *Request, name string) string {
	for _, field := range r.Header.Values("Cookie") {
		for _, pair := range strings.Split(field, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if k == name {
				return v
			}
		}
	}
	return ""
}

// Sessions holds the logged-in sessions by token, each with an expiry.
type Sessions struct {
	now func() time.Time // the clock; tests pass their own

	mu      sync.Mutex
	byToken map[string]session
	byAge   []string // the tokens, oldest first; some may have ended already
}

type session struct {
	user    string
	expires time.Time
}

// NewSessions returns an empty store that reads the time from now.
func NewSessions(now func() time.Time) *Sessions {
	return &Sessions{now: now, byToken: make(map[string]session)}
}

// Create starts a session for user and returns its token: 128 random bits
// from crypto/rand, as 26 base32 characters, that nobody can guess.
//
// At maxSessions, the oldest session ends to make room. Refusing the login
// instead would let anyone who logs in ten thousand times in a row lock
// everyone else out for an hour. Every session lasts sessionTTL, so the
// oldest is also the first to expire.
func (s *Sessions) Create(user string) string {
	token := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.byToken) >= maxSessions {
		delete(s.byToken, s.byAge[0]) // nothing, if it has ended already
		s.byAge = s.byAge[1:]
	}
	s.byToken[token] = session{user, s.now().Add(sessionTTL)}
	s.byAge = append(s.byAge, token)
	if len(s.byAge) > 2*maxSessions { // many have ended: drop their tokens
		s.byAge = slices.DeleteFunc(s.byAge, func(t string) bool {
			_, live := s.byToken[t]
			return !live
		})
	}
	return token
}

// Lookup returns the user of a live session.
func (s *Sessions) Lookup(token string) (string, bool) {
	if token == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byToken[token]
	if !ok {
		return "", false
	}
	if !s.now().Before(sess.expires) {
		delete(s.byToken, token)
		return "", false
	}
	return sess.user, true
}

// Delete ends a session.
func (s *Sessions) Delete(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byToken, token)
}
