// Package waybacktest replays recorded Wayback CDX answers at
// /cdx/search/cdx (under any prefix) and behaves like the real CDX server
// where the adapter depends on it: url is required (400 with the server's
// text), other parameters are read by name and unknown ones ignored, as
// the real server does; matchType (exact, domain, host, prefix, and the
// "*." / "*" shorthands), limit (first N, or last N when negative), fl,
// collapse=digest and output=json are honoured; a url without a recording
// gets "[]"; an excluded site gets the Archive's 403. End-to-end tests and
// the offline demo point sources.wayback.base_url at it.
//
// The recordings are already collapsed by digest, so asking without
// collapse returns the same rows; from, to, filter, page and the counters
// are ignored.
package waybacktest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"verrijk/sources/replay"
	"verrijk/sources/wayback"
)

// BlockedHosts are the sites the replay treats as excluded from the
// archive, as the recording errors/blocked.txt shows for the first.
var BlockedHosts = []string{"nationalpost.com"}

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(wayback.Recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	replay.Counter
}

// NewHandler returns a Handler.
func NewHandler() *Handler { return &Handler{} }

// ServeHTTP answers /cdx/search/cdx under any prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)
	if !strings.HasSuffix(r.URL.Path, "/cdx/search/cdx") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if _, ok := q["url"]; !ok {
		text(w, http.StatusBadRequest, "url parameter is required\n")
		return
	}
	target, match := scope(q.Get("url"), q.Get("matchType"))
	host, path := Split(target)
	for _, b := range BlockedHosts {
		if host == b || strings.HasSuffix(host, "."+b) {
			data, _ := fs.ReadFile(Files(), "errors/blocked.txt")
			w.Header().Set("X-Archive-Wayback-Runtime-Error", strings.TrimSpace(string(data)))
			text(w, http.StatusForbidden, string(data))
			return
		}
	}
	header, rows := lookup(match, host, path)
	if slices.Contains(q["collapse"], "digest") {
		rows = collapseDigest(header, rows)
	}
	rows = limit(rows, q.Get("limit"))
	header, rows = project(header, rows, q.Get("fl"))
	if q.Get("output") == "json" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(renderJSON(header, rows))
		return
	}
	var b strings.Builder
	for _, row := range rows {
		b.WriteString(strings.Join(row, " ") + "\n")
	}
	text(w, http.StatusOK, b.String())
}

// scope applies the url shorthands the way the real server does: only
// when matchType is missing or not one it knows.
func scope(target, matchType string) (string, string) {
	switch matchType {
	case "exact", "prefix", "host", "domain":
		return target, matchType
	}
	switch {
	case strings.HasPrefix(target, "*."):
		return target[2:], "domain"
	case strings.HasSuffix(target, "*"):
		return strings.TrimSuffix(target, "*"), "prefix"
	}
	return target, "exact"
}

// Split reads a CDX url parameter the way the server's SURT key does:
// scheme, port and a leading "www." do not matter, nor does case or a
// trailing slash. It returns the host and the path (with any query).
func Split(target string) (host, path string) {
	s := strings.ToLower(strings.TrimSpace(target))
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	host, path, _ = strings.Cut(s, "/")
	if i := strings.IndexAny(host, "?#"); i >= 0 {
		host, path = host[:i], host[i:]
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "www."), ".")
	return host, strings.Trim(path, "/")
}

// Key names the recording of an exact url: "testbvdonald.nl",
// "testbvdonald.nl_contact".
func Key(host, path string) string {
	if path == "" {
		return host
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, path)
	return host + "_" + clean
}

// lookup returns the recorded rows in the query's scope. Domain, host and
// prefix queries read the recording of the host or of the nearest parent
// domain that has one, and keep the rows in scope.
func lookup(match, host, path string) ([]string, [][]string) {
	if match == "exact" {
		return load("cdx/exact/" + Key(host, path) + ".json")
	}
	name := "cdx/domain/" + host + ".json"
	for d := host; strings.Contains(d, "."); _, d, _ = strings.Cut(d, ".") {
		if _, err := fs.Stat(Files(), "cdx/domain/"+d+".json"); err == nil {
			name = "cdx/domain/" + d + ".json"
			break
		}
	}
	header, rows := load(name)
	col := slices.Index(header, "original")
	keep := func(row []string) bool {
		if col < 0 || col >= len(row) {
			return false
		}
		h, p := Split(row[col])
		switch match {
		case "host":
			return h == host
		case "prefix":
			return h == host && strings.HasPrefix(p, path)
		}
		return h == host || strings.HasSuffix(h, "."+host)
	}
	out := rows[:0:0]
	for _, row := range rows {
		if keep(row) {
			out = append(out, row)
		}
	}
	return header, out
}

// load reads a recording; a missing one is the empty answer.
func load(name string) ([]string, [][]string) {
	header := strings.Split(wayback.Fields, ",")
	data, err := fs.ReadFile(Files(), name)
	if err != nil {
		return header, nil
	}
	var table [][]string
	if err := json.Unmarshal(data, &table); err != nil || len(table) == 0 {
		panic(fmt.Sprintf("waybacktest: broken recording %s: %v", name, err))
	}
	return table[0], table[1:]
}

func collapseDigest(header []string, rows [][]string) [][]string {
	col := slices.Index(header, "digest")
	if col < 0 {
		return rows
	}
	var out [][]string
	prev := ""
	for _, row := range rows {
		if col < len(row) && row[col] == prev {
			continue
		}
		if col < len(row) {
			prev = row[col]
		}
		out = append(out, row)
	}
	return out
}

// limit keeps the first N rows, or the last N for a negative N. A value
// that is not a number is ignored, as the real server's binder does.
func limit(rows [][]string, raw string) [][]string {
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil || n == 0:
		return rows
	case n > 0:
		return rows[:min(n, len(rows))]
	default:
		return rows[max(0, len(rows)+n):]
	}
}

// project keeps the fl fields, in fl's order; names the recording lacks
// are dropped.
func project(header []string, rows [][]string, fl string) ([]string, [][]string) {
	if fl == "" {
		return header, rows
	}
	var cols []int
	var names []string
	for _, f := range strings.Split(fl, ",") {
		if i := slices.Index(header, f); i >= 0 {
			cols, names = append(cols, i), append(names, f)
		}
	}
	if len(cols) == 0 {
		return header, rows
	}
	out := make([][]string, 0, len(rows))
	for _, row := range rows {
		p := make([]string, len(cols))
		for j, i := range cols {
			if i < len(row) {
				p[j] = row[i]
			}
		}
		out = append(out, p)
	}
	return names, out
}

// renderJSON writes the table the way the CDX server does: "[]" when there
// are no rows, otherwise the header and one row per line.
func renderJSON(header []string, rows [][]string) []byte {
	if len(rows) == 0 {
		return []byte("[]\n")
	}
	var b strings.Builder
	h, _ := json.Marshal(header)
	b.WriteString("[")
	b.Write(h)
	for _, row := range rows {
		quoted := make([]string, len(row))
		for i, v := range row {
			q, _ := json.Marshal(v)
			quoted[i] = string(q)
		}
		b.WriteString(",\n[" + strings.Join(quoted, ", ") + "]")
	}
	b.WriteString("]\n")
	return []byte(b.String())
}

func text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
