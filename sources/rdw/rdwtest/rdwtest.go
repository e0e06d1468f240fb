// Package rdwtest replays recorded RDW open data answers at the real paths
// (/resource/m9d7-ebf2.json, /resource/8ys7-d773.json, under any prefix)
// and behaves like Socrata where the adapter depends on it: plain
// parameters filter on column equality (an unknown column matches
// nothing), an unknown $-parameter is a 400 with Socrata's error body, an
// app token the portal does not know is a 403, an unknown dataset a 404,
// and nothing found is "[]". End-to-end tests and the offline demo point
// sources.rdw.base_url at it.
package rdwtest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"verrijk/sources/rdw"
	"verrijk/sources/replay"
)

// TestAppToken is the app token NewHandler accepts.
const TestAppToken = "replay-app-token-0123456789"

// Datasets are the dataset ids served.
var Datasets = []string{rdw.DatasetVoertuig, rdw.DatasetBrandstof}

// SoQLParams are the $-parameters Socrata knows. The replay evaluates
// $limit and $offset; the others are refused with 501 rather than
// silently ignored, so a test never trusts an answer the replay faked.
var SoQLParams = []string{
	"$select", "$where", "$order", "$group", "$having", "$limit", "$offset",
	"$q", "$query", "$$app_token", "$$bom", "$$exclude_system_fields",
}

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(rdw.Recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	// AppToken is the token the handler knows; a request carrying any
	// other gets 403. Default TestAppToken.
	AppToken string
	// RequireToken answers anonymous requests with 429 and Retry-After,
	// as Socrata does to an IP address that asks too much without a token.
	RequireToken bool

	replay.Counter
}

// NewHandler returns a Handler that knows TestAppToken and serves
// anonymous requests too.
func NewHandler() *Handler { return &Handler{AppToken: TestAppToken} }

// ServeHTTP routes on the path's tail, so the handler works under any prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed")
		return
	}
	q := r.URL.Query()
	token := r.Header.Get(rdw.TokenHeader)
	if token == "" {
		token = q.Get("$$app_token")
	}
	switch {
	case token != "" && token != h.AppToken:
		serveFile(w, http.StatusForbidden, "errors/403-invalid-app-token.json")
		return
	case token == "" && h.RequireToken:
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, "too_many_requests", "Too many requests")
		return
	}
	dir, file := path.Split(r.URL.Path)
	id, isJSON := strings.CutSuffix(file, ".json")
	if !strings.HasSuffix(dir, "/resource/") || !isJSON || !slices.Contains(Datasets, id) {
		serveFile(w, http.StatusNotFound, "errors/404-not-found.json")
		return
	}
	for _, k := range sortedKeys(q) {
		if strings.HasPrefix(k, "$") && !slices.Contains(SoQLParams, k) {
			writeError(w, http.StatusBadRequest, "", "Unrecognized arguments ["+k+"]")
			return
		}
	}
	rows, status, msg := h.query(id, q)
	if status != http.StatusOK {
		writeError(w, status, "", msg)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_, _ = w.Write(rowsBody(rows))
}

// query filters the dataset's recorded rows on q's column parameters and
// pages them with $limit (default 1000, as Socrata) and $offset.
func (h *Handler) query(id string, q map[string][]string) ([]json.RawMessage, int, string) {
	limit, offset := 1000, 0
	for _, k := range sortedKeys(q) {
		v := q[k][0]
		switch k {
		case "$limit", "$offset":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, http.StatusBadRequest, "Invalid " + k + " value: " + v
			}
			if k == "$limit" {
				limit = n
			} else {
				offset = n
			}
		case "$$app_token", "$$bom", "$$exclude_system_fields":
		default:
			if strings.HasPrefix(k, "$") {
				return nil, http.StatusNotImplemented, "the replay does not evaluate " + k
			}
		}
	}
	var out []json.RawMessage
	for _, row := range datasetRows(id) {
		if matches(row, q) {
			out = append(out, row)
		}
	}
	if offset >= len(out) {
		return nil, http.StatusOK, ""
	}
	out = out[offset:]
	return out[:min(limit, len(out))], http.StatusOK, ""
}

// matches applies Socrata's equality filters: every plain parameter must
// equal the row's value for that column; a column the row lacks matches
// nothing.
func matches(raw json.RawMessage, q map[string][]string) bool {
	var row map[string]any
	if json.Unmarshal(raw, &row) != nil {
		return false
	}
	for k, vs := range q {
		if strings.HasPrefix(k, "$") {
			continue
		}
		if v, ok := row[k].(string); !ok || v != vs[0] {
			return false
		}
	}
	return true
}

// datasetRows reads every recording of a dataset, in file name order.
func datasetRows(id string) []json.RawMessage {
	entries, _ := fs.ReadDir(rdw.Recorded, "testdata/"+id)
	var rows []json.RawMessage
	for _, e := range entries {
		data, err := fs.ReadFile(rdw.Recorded, "testdata/"+id+"/"+e.Name())
		if err != nil {
			continue
		}
		var file []json.RawMessage
		if json.Unmarshal(data, &file) == nil {
			rows = append(rows, file...)
		}
	}
	return rows
}

// rowsBody lays rows out as Socrata does: one compact row per line, the
// separating comma leading the next line.
func rowsBody(rows []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, row := range rows {
		if i > 0 {
			b.WriteString("\n,")
		}
		if json.Compact(&b, row) != nil {
			b.WriteString("{}")
		}
	}
	b.WriteString("]\n")
	return b.Bytes()
}

func sortedKeys(q map[string][]string) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeError answers in Socrata's error shape; code is left out where no
// recording showed which one the portal uses.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	body := map[string]any{"error": true, "message": msg}
	if code != "" {
		body["code"] = code
	}
	data, _ := json.MarshalIndent(body, "", "  ")
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

func serveFile(w http.ResponseWriter, status int, name string) {
	data, err := fs.ReadFile(rdw.Recorded, "testdata/"+name)
	if err != nil {
		http.Error(w, "missing recording "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
