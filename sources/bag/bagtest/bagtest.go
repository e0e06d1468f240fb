// Package bagtest replays recorded PDOK Locatieserver answers at /free and
// /lookup (under any prefix) and refuses query parameters the service does
// not document, like the real one. End-to-end tests and the offline demo
// point sources.bag.base_url at it.
package bagtest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"verrijk/sources/bag"
	"verrijk/sources/replay"
)

// FreeParams and LookupParams are the documented query parameters.
var (
	FreeParams   = []string{"q", "lat", "lon", "fl", "fq", "df", "qf", "bq", "start", "rows", "sort", "wt"}
	LookupParams = []string{"id", "fl", "fq", "wt"}
)

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(bag.Recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	replay.Counter
}

// NewHandler returns a Handler.
func NewHandler() *Handler { return &Handler{} }

// ServeHTTP routes on the path's tail, so the handler works under any prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)

	q := r.URL.Query()
	switch {
	case strings.HasSuffix(r.URL.Path, "/free"):
		if badParams(w, q, FreeParams) {
			return
		}
		name := "free/empty.json"
		key, ok := FreeKey(q)
		if !ok {
			key, ok = TextKey(q)
		}
		if ok {
			if _, err := fs.Stat(bag.Recorded, "testdata/free/"+key+".json"); err == nil {
				name = "free/" + key + ".json"
			}
		}
		serveFile(w, name)
	case strings.HasSuffix(r.URL.Path, "/lookup"):
		if badParams(w, q, LookupParams) {
			return
		}
		lookup(w, q.Get("id"))
	default:
		http.NotFound(w, r)
	}
}

// badParams answers 400 for undocumented or malformed parameters.
func badParams(w http.ResponseWriter, q url.Values, known []string) bool {
	var bad []string
	for k := range q {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	sort.Strings(bad)
	msg := ""
	if len(bad) > 0 {
		msg = fmt.Sprintf("query parameter %q is not allowed", bad[0])
	} else if rows := q.Get("rows"); rows != "" {
		if n, err := strconv.Atoi(rows); err != nil || n < 0 || n > 100 {
			msg = fmt.Sprintf("parameter rows in query has an error: value %s: must be an integer from 0 to 100", rows)
		}
	}
	if msg == "" {
		return false
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(msg))
	return true
}

var (
	qPostcode = regexp.MustCompile(`postcode:"?([0-9]{4}[A-Za-z]{2})"?`)
	qNumber   = regexp.MustCompile(`huisnummer:"?([0-9]+)"?`)
)

// FreeKey reads the address a /free query asks for — "8823SJ-3A",
// "3328XD-163-BIS" — from q's field queries and huisletter /
// huisnummertoevoeging filters.
func FreeKey(q url.Values) (string, bool) {
	pc := qPostcode.FindStringSubmatch(q.Get("q"))
	nr := qNumber.FindStringSubmatch(q.Get("q"))
	if pc == nil || nr == nil {
		return "", false
	}
	key := strings.ToUpper(pc[1]) + "-" + nr[1]
	var addition string
	for _, fq := range q["fq"] {
		field, value, _ := strings.Cut(fq, ":")
		// "(BIS OR bis)" and "BIS" both name the same value.
		value = strings.Trim(value, `"()`)
		value, _, _ = strings.Cut(value, " OR ")
		switch field {
		case "huisletter":
			key += strings.ToUpper(value)
		case "huisnummertoevoeging":
			addition = strings.ToUpper(value)
		}
	}
	if addition != "" {
		key += "-" + addition
	}
	return key, true
}

// TextKey names the recording of a free-text /free query: "text-" and
// the words of q in lower case, joined by "-" ("text-hizzaarderlaan-3a-lollum").
func TextKey(q url.Values) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(q.Get("q")), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	if len(words) == 0 {
		return "", false
	}
	return "text-" + strings.Join(words, "-"), true
}

// lookup finds a doc by id in any recorded answer.
func lookup(w http.ResponseWriter, id string) {
	entries, _ := fs.ReadDir(bag.Recorded, "testdata/free")
	for _, e := range entries {
		data, err := fs.ReadFile(bag.Recorded, "testdata/free/"+e.Name())
		if err != nil {
			continue
		}
		var body struct {
			Response struct {
				Docs []map[string]any `json:"docs"`
			} `json:"response"`
		}
		if json.Unmarshal(data, &body) != nil {
			continue
		}
		for _, d := range body.Response.Docs {
			if d["id"] == id {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]any{"response": map[string]any{
					"numFound": 1, "start": 0, "maxScore": d["score"], "numFoundExact": true, "docs": []any{d},
				}})
				return
			}
		}
	}
	serveFile(w, "free/empty.json")
}

func serveFile(w http.ResponseWriter, name string) {
	data, err := fs.ReadFile(bag.Recorded, "testdata/"+name)
	if err != nil {
		http.Error(w, "missing recording "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}
