// Package opensanctionstest replays OpenSanctions match answers at the real
// path (POST …/match/{dataset}) and behaves like the hosted API where the
// adapter depends on it: the "Authorization: ApiKey …" header is checked
// (401), an unknown dataset is a 404 "No such dataset.", a query without a
// schema a 422, a non-matchable schema a 400, and threshold, cutoff and
// limit are applied to the recorded results the way yente applies them.
// Unknown query parameters are ignored, as FastAPI does. The answer is
// chosen by the queried name (testdata/match/<Slug(name)>.json); a name
// without a recording gets an answer without results.
package opensanctionstest

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"verrijk/sources/opensanctions"
	"verrijk/sources/replay"
)

// APIKey is the key the replay server accepts by default; it is not a key
// of the real service.
const APIKey = "replay-opensanctions-key"

// Datasets are the dataset names the replay server knows.
var Datasets = []string{"default", "sanctions", "peps", "crime"}

// matchableSchemata are the FtM schemata yente accepts in a query.
var matchableSchemata = []string{
	"LegalEntity", "Person", "Company", "Organization", "PublicBody",
	"Vessel", "Airplane", "CryptoWallet", "Security",
}

var recorded = opensanctions.Recorded

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	// APIKey is the key the handler accepts; default APIKey.
	APIKey string

	replay.Counter
}

// NewHandler returns a Handler that accepts APIKey.
func NewHandler() *Handler { return &Handler{APIKey: APIKey} }

// ServeHTTP routes on the path's tail, so the handler works under any
// prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)
	i := strings.LastIndex(r.URL.Path, "/match/")
	if i < 0 {
		writeDetail(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodPost {
		writeDetail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	if h.APIKey == "" || r.Header.Get("Authorization") != "ApiKey "+h.APIKey {
		serveFile(w, http.StatusUnauthorized, "errors/401.json")
		return
	}
	if !slices.Contains(Datasets, r.URL.Path[i+len("/match/"):]) {
		serveFile(w, http.StatusNotFound, "errors/404.json")
		return
	}
	p, bad := parseParams(r.URL.Query())
	if bad != "" {
		writeValidation(w, []string{"query", bad}, "Input should be a valid number")
		return
	}
	queries, status, msg := parseQueries(r.Body)
	switch {
	case status == http.StatusUnprocessableEntity && msg == "schema":
		serveFile(w, status, "errors/422-no-schema.json")
		return
	case status != 0:
		writeDetail(w, status, msg)
		return
	}
	out := map[string]any{}
	var matcher any = map[string]any{}
	for key, q := range queries {
		resp, m := answerFor(q)
		p.apply(resp)
		out[key] = resp
		if m != nil {
			matcher = m
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-batch-size", itoa(len(out)))
	_ = json.NewEncoder(w).Encode(map[string]any{"responses": out, "matcher": matcher, "limit": p.limit})
}

// query is one example of the request body.
type query struct {
	Schema     *string        `json:"schema"`
	Properties map[string]any `json:"properties"`
}

// parseQueries reads the request body; status is non-zero for a body the
// real service refuses (msg "schema" selects the recorded 422).
func parseQueries(body io.Reader) (map[string]query, int, string) {
	var req struct {
		Queries map[string]query `json:"queries"`
	}
	if err := json.NewDecoder(io.LimitReader(body, 1<<20)).Decode(&req); err != nil {
		return nil, http.StatusUnprocessableEntity, "JSON decode error"
	}
	if req.Queries == nil {
		return nil, http.StatusUnprocessableEntity, "Field required: queries"
	}
	if len(req.Queries) == 0 {
		return nil, http.StatusBadRequest, "No queries provided."
	}
	for _, q := range req.Queries {
		if q.Schema == nil {
			return nil, http.StatusUnprocessableEntity, "schema"
		}
		if !slices.Contains(matchableSchemata, *q.Schema) {
			return nil, http.StatusBadRequest, "Cannot parse example entity: Non-matchable schema for query: " + *q.Schema
		}
	}
	return req.Queries, 0, ""
}

// answerFor is the recorded response to q (one EntityMatches object) and
// the recording's matcher block, or an empty response echoing q.
func answerFor(q query) (map[string]any, any) {
	names := stringValues(q.Properties["name"])
	if len(names) > 0 {
		if data, err := fs.ReadFile(recorded, "testdata/match/"+Slug(names[0])+".json"); err == nil {
			var a struct {
				Responses map[string]map[string]any `json:"responses"`
				Matcher   any                       `json:"matcher"`
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if dec.Decode(&a) == nil {
				for _, resp := range a.Responses {
					return resp, a.Matcher
				}
			}
		}
	}
	props := map[string]any{}
	for k, v := range q.Properties {
		if vs := stringValues(v); len(vs) > 0 {
			props[k] = vs
		}
	}
	return map[string]any{
		"status": 200, "results": []any{},
		"total": map[string]any{"value": 0, "relation": "eq"},
		"query": map[string]any{"id": nil, "schema": *q.Schema, "properties": props},
	}, nil
}

// stringValues reads a property value: yente accepts a string or a list.
func stringValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Slug names the recording of a queried name: accents folded, lower case,
// every run of other characters than letters and digits a "-".
func Slug(name string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)))
	folded, _, err := transform.String(t, name)
	if err != nil {
		folded = name
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(folded), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r))
	}), "-")
}
