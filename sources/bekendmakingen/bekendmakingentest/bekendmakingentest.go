// Package bekendmakingentest replays recorded KOOP SRU answers at /sru
// (under any prefix) and refuses what the real service refuses, the way it
// does: with HTTP 200 and an SRU diagnostic body (unsupported parameter or
// version, missing query, bad record counts, unbalanced CQL). End-to-end
// tests and the offline demo point sources.bekendmakingen.base_url at it.
package bekendmakingentest

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"verrijk/sources/bekendmakingen"
	"verrijk/sources/replay"
)

// Params are the SRU 2.0 request parameters the service understands, plus
// its httpAccept and x-connection. Other "x-" extension parameters are
// ignored, as SRU prescribes; anything else is refused.
var Params = []string{
	"operation", "version", "query", "queryType", "startRecord", "maximumRecords",
	"recordXMLEscaping", "recordPacking", "recordSchema", "resultSetTTL",
	"sortKeys", "stylesheet", "httpAccept", "x-connection",
}

// MaxRecords is the service's largest page.
const MaxRecords = 1000

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(bekendmakingen.Recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	replay.Counter
}

// NewHandler returns a Handler.
func NewHandler() *Handler { return &Handler{} }

// ServeHTTP answers searchRetrieve requests on any path ending in /sru.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)
	if !strings.HasSuffix(r.URL.Path, "/sru") {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if d := check(q); d != nil {
		writeDiagnostic(w, *d)
		return
	}
	name := "sru/empty.xml"
	if key := Key(bekendmakingen.Terms(q.Get("query"))); key != "" {
		if _, err := fs.Stat(Files(), "sru/"+key+".xml"); err == nil {
			name = "sru/" + key + ".xml"
		}
	}
	data, err := fs.ReadFile(Files(), name)
	if err != nil {
		http.Error(w, "missing recording "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
	_, _ = w.Write(data)
}

// Key names the recording for the searched terms: each term lower-cased
// with runs of other characters as "-", terms joined by "_", and a term
// that differs from an earlier one only in spaces and punctuation ("8823 SJ"
// after "8823SJ") left out. "Test BV Donald" → "test-bv-donald", an
// address search → "8823sj_3a".
func Key(terms []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, t := range terms {
		k := slug(t)
		bare := strings.ReplaceAll(k, "-", "")
		if k == "" || seen[bare] {
			continue
		}
		seen[bare] = true
		parts = append(parts, k)
	}
	return strings.Join(parts, "_")
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

type diagnostic struct {
	code    int
	message string
	details string
}

// check validates the request like the service: the first problem found
// becomes the diagnostic.
func check(q url.Values) *diagnostic {
	var unknown []string
	for k := range q {
		if !slices.Contains(Params, k) && !strings.HasPrefix(k, "x-") {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	switch {
	case len(unknown) > 0:
		return &diagnostic{8, "Unsupported parameter", unknown[0]}
	case q.Has("version") && q.Get("version") != "2.0" && q.Get("version") != "1.2":
		return &diagnostic{5, "Unsupported version", "2.0"}
	case q.Has("operation") && q.Get("operation") != "searchRetrieve":
		return &diagnostic{4, "Unsupported operation", q.Get("operation")}
	case strings.TrimSpace(q.Get("query")) == "":
		return &diagnostic{7, "Mandatory parameter not supplied", "query"}
	}
	if n, ok := count(q, "startRecord"); !ok || n < 1 {
		return &diagnostic{6, "Unsupported parameter value", "startRecord"}
	}
	if n, ok := count(q, "maximumRecords"); !ok || n < 0 || n > MaxRecords {
		return &diagnostic{6, "Unsupported parameter value", "maximumRecords"}
	}
	if msg := syntax(q.Get("query")); msg != "" {
		return &diagnostic{10, msg, ""}
	}
	return nil
}

// count reads an optional integer parameter; absent counts as 1.
func count(q url.Values, name string) (int, bool) {
	if !q.Has(name) {
		return 1, true
	}
	n, err := strconv.Atoi(q.Get(name))
	return n, err == nil
}

// syntax finds the CQL errors a replay can see cheaply: an unterminated
// quoted term and unbalanced parentheses.
func syntax(cql string) string {
	depth, quoted := 0, false
	for i := 0; i < len(cql); i++ {
		switch c := cql[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '(':
			depth++
		case !quoted && c == ')':
			depth--
			if depth < 0 {
				return fmt.Sprintf("line 1:%d extraneous input ')'", i)
			}
		}
	}
	if quoted {
		return "line 1:" + strconv.Itoa(len(cql)) + " token recognition error: unterminated quoted term"
	}
	if depth > 0 {
		return "line 1:" + strconv.Itoa(len(cql)) + " missing ')' at '<EOF>'"
	}
	return ""
}

// writeDiagnostic answers like the service: HTTP 200 with an unprefixed
// searchRetrieveResponse holding the diagnostic and no record count.
func writeDiagnostic(w http.ResponseWriter, d diagnostic) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)
	b.WriteString(`<searchRetrieveResponse xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse" xmlns:ns3="http://docs.oasis-open.org/ns/search-ws/diagnostic">`)
	b.WriteString(`<version>2.0</version><diagnostics><ns3:diagnostic>`)
	fmt.Fprintf(&b, `<ns3:uri>info:srw/diagnostic/1/%d</ns3:uri>`, d.code)
	b.WriteString(`<ns3:message>` + escape(d.message) + `</ns3:message>`)
	if d.details != "" {
		b.WriteString(`<ns3:details>` + escape(d.details) + `</ns3:details>`)
	}
	b.WriteString(`</ns3:diagnostic></diagnostics></searchRetrieveResponse>`)
	w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
	_, _ = w.Write([]byte(b.String()))
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
