package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// page is the sequence-diagram page: HTML, CSS and JavaScript in one file,
// nothing from the network.
//
//go:embed page.html
var page []byte

// handler serves the page, its events and the bytes of each arrow.
//
//	GET /                   the page
//	GET /events             Server-Sent Events: {"relay": "1733480000000", "oldest": 3, "events": [...]}
//	GET /bytes?conn=3&seq=9 the bytes of one event, made visible
func (r *recorder) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("GET /events", r.serveEvents)
	mux.HandleFunc("GET /bytes", r.serveBytes)
	return mux
}

// serveEvents streams the kept events as Server-Sent Events: first all of
// them (or those after Last-Event-ID, when the browser reconnects to the
// same relay), then each new batch as it happens. Each message's id is the
// relay's start time and the last event's number, 1733480000000-42, so
// that a page that reconnects to a relay started again gets everything.
func (r *recorder) serveEvents(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	run := strconv.FormatInt(r.start.UnixMilli(), 10)
	var seq int64
	if last, ok := strings.CutPrefix(req.Header.Get("Last-Event-ID"), run+"-"); ok {
		seq, _ = strconv.ParseInt(last, 10, 64)
	}
	flush := http.NewResponseController(w).Flush
	for first := true; ; first = false {
		events, oldest, more := r.since(seq)
		if len(events) > 0 || first {
			if len(events) > 0 {
				seq = events[len(events)-1].Seq
			}
			msg, _ := json.Marshal(struct {
				Relay  string   `json:"relay"`  // changes when the relay is started again
				Oldest int      `json:"oldest"` // connections before it are forgotten
				Events []*event `json:"events"`
			}{run, oldest, events})
			fmt.Fprintf(w, "id: %s-%d\ndata: %s\n\n", run, seq, msg)
			if flush() != nil {
				return
			}
		}
		select {
		case <-more:
		case <-req.Context().Done():
			return
		}
	}
}

// serveBytes answers with the bytes of one event as -trace shows them,
// CR and LF visible, one line per LF.
func (r *recorder) serveBytes(w http.ResponseWriter, req *http.Request) {
	id, _ := strconv.Atoi(req.FormValue("conn"))
	seq, _ := strconv.ParseInt(req.FormValue("seq"), 10, 64)
	e, data, ok := r.bytesOf(id, seq)
	if !ok {
		http.Error(w, "no such event: it is no longer kept", http.StatusNotFound)
		return
	}
	var b []byte
	for _, c := range data {
		b = appendVisible(b, c)
		if c == '\n' {
			b = append(b, '\n')
		}
	}
	if len(data) < e.N {
		b = fmt.Appendf(b, "\n... %d more bytes, not kept\n", e.N-len(data))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(b)
}
