// Package kvktest replays recorded KvK answers at the real paths
// (/v2/zoeken, /v1/basisprofielen/{n} and its /eigenaar, /hoofdvestiging
// and /vestigingen, /v1/vestigingsprofielen/{n}) and behaves like the
// service where the adapter depends on it: the apikey header is checked
// (401), unknown query parameters are refused (400 IPD1999), paging limits
// are enforced, unknown numbers and pages past the last get a 404 with a
// fout body. /eigenaar and /hoofdvestiging answer with the part the
// recorded Basisprofiel embeds, as the service does. End-to-end tests and
// the offline demo point sources.kvk.base_url at it.
package kvktest

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

	"verrijk/sources/kvk"
	"verrijk/sources/replay"
)

var recorded = kvk.Recorded

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(recorded) }

// ZoekenParams are the query parameters Zoeken v2 knows; any other is
// refused like the real service does.
var ZoekenParams = []string{
	"kvkNummer", "rsin", "vestigingsnummer", "naam", "straatnaam", "plaats",
	"postcode", "huisnummer", "huisletter", "postbusnummer", "type",
	"inclusiefInactieveRegistraties", "pagina", "resultatenPerPagina",
}

// ProfileParams are the query parameters of the profile endpoints, except
// /vestigingen, which takes none.
var ProfileParams = []string{"geoData"}

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	// APIKey is the key the handler accepts; default kvk.TestAPIKey.
	APIKey string

	replay.Counter
}

// NewHandler returns a Handler that accepts the published test key.
func NewHandler() *Handler { return &Handler{APIKey: kvk.TestAPIKey} }

var (
	kvkNumber  = regexp.MustCompile(`^[0-9]{8}$`)
	vesNumber  = regexp.MustCompile(`^[0-9]{12}$`)
	rsinNumber = regexp.MustCompile(`^[0-9]{9}$`)
)

// ServeHTTP routes on the path's tail, so the handler works under any
// prefix (…/test/api/v2/zoeken as well as /v2/zoeken).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)

	if r.Method != http.MethodGet {
		writeFout(w, http.StatusMethodNotAllowed, "IPD9999", "Methode niet toegestaan.")
		return
	}
	if key := h.APIKey; key == "" || r.Header.Get("apikey") != key {
		serveFile(w, http.StatusUnauthorized, "errors/401.json")
		return
	}
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/v2/zoeken"):
		h.zoeken(w, r.URL.Query())
	case strings.Contains(p, "/v1/basisprofielen/"):
		rest := p[strings.LastIndex(p, "/v1/basisprofielen/")+len("/v1/basisprofielen/"):]
		n, sub, _ := strings.Cut(rest, "/")
		basisprofiel(w, r.URL.Query(), n, sub)
	case strings.Contains(p, "/v1/vestigingsprofielen/"):
		n := p[strings.LastIndex(p, "/v1/vestigingsprofielen/")+len("/v1/vestigingsprofielen/"):]
		profile(w, r.URL.Query(), "vestigingsprofielen", n, vesNumber, "IPD0006", "IPD0007", "vestigingsnummer", ProfileParams)
	default:
		writeFout(w, http.StatusNotFound, "IPD0001", "Het gevraagde product bestaat niet.")
	}
}

func (h *Handler) zoeken(w http.ResponseWriter, q url.Values) {
	if bad := unknownParams(q, ZoekenParams); len(bad) > 0 {
		writeFout(w, http.StatusBadRequest, "IPD1999",
			fmt.Sprintf("De volgende opgegeven parameter(s) is(zijn) ongeldig: [%s]", strings.Join(bad, ", ")))
		return
	}
	check := []struct {
		param string
		re    *regexp.Regexp
		code  string
	}{{"kvkNummer", kvkNumber, "IPD0004"}, {"vestigingsnummer", vesNumber, "IPD0006"}, {"rsin", rsinNumber, "IPD0010"}}
	for _, c := range check {
		if v := q.Get(c.param); v != "" && !c.re.MatchString(v) {
			writeFout(w, http.StatusBadRequest, c.code, "Het opgegeven "+c.param+" is niet valide.")
			return
		}
	}
	if (q.Get("postcode") == "") != (q.Get("huisnummer") == "") {
		writeFout(w, http.StatusBadRequest, "IPD1998", "Postcode en huisnummer mogen alleen samen gezocht worden.")
		return
	}
	for _, l := range []struct {
		param    string
		min, max int
	}{{"pagina", 1, 1000}, {"resultatenPerPagina", 1, 100}} {
		if v := q.Get(l.param); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < l.min || n > l.max {
				writeFout(w, http.StatusBadRequest, "IPD1999",
					fmt.Sprintf("De volgende opgegeven parameter(s) is(zijn) ongeldig: [%s]", l.param))
				return
			}
		}
	}
	if name := ZoekenFile(q); name != "" {
		if serveFile(w, http.StatusOK, "zoeken/"+name) {
			return
		}
	}
	serveFile(w, http.StatusNotFound, "errors/404-ipd5200.json")
}

// ZoekenFile names the recorded file that answers a Zoeken query, keyed
// by its identifying parameter, with "-p<n>" for a page after the first;
// "" when the query has none.
func ZoekenFile(q url.Values) string {
	name := zoekenKey(q)
	if p := q.Get("pagina"); name != "" && p != "" && p != "1" {
		name = strings.TrimSuffix(name, ".json") + "-p" + p + ".json"
	}
	return name
}

func zoekenKey(q url.Values) string {
	switch {
	case q.Get("kvkNummer") != "":
		return "kvknummer-" + q.Get("kvkNummer") + ".json"
	case q.Get("vestigingsnummer") != "":
		return "vestigingsnummer-" + q.Get("vestigingsnummer") + ".json"
	case q.Get("rsin") != "":
		return "rsin-" + q.Get("rsin") + ".json"
	case q.Get("postcode") != "":
		return "adres-" + strings.ToUpper(q.Get("postcode")) + "-" + q.Get("huisnummer") + strings.ToUpper(q.Get("huisletter")) + ".json"
	case q.Get("naam") != "":
		return "naam-" + slug(q.Get("naam")) + ".json"
	case q.Get("straatnaam") != "":
		return "straat-" + slug(q.Get("straatnaam")) + "-" + slug(q.Get("plaats")) + ".json"
	}
	return ""
}

func slug(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), "-")
}

func profile(w http.ResponseWriter, q url.Values, dir, n string, re *regexp.Regexp, badCode, missingCode, what string, known []string) {
	if bad := unknownParams(q, known); len(bad) > 0 {
		writeFout(w, http.StatusBadRequest, "IPD1999",
			fmt.Sprintf("De volgende opgegeven parameter(s) is(zijn) ongeldig: [%s]", strings.Join(bad, ", ")))
		return
	}
	if !re.MatchString(n) {
		writeFout(w, http.StatusBadRequest, badCode, "Het opgegeven "+what+" is niet valide.")
		return
	}
	if !serveFile(w, http.StatusOK, dir+"/"+n+".json") {
		writeFout(w, http.StatusNotFound, missingCode,
			fmt.Sprintf("Op basis van het %s %s kan het product niet worden geleverd.", what, n))
	}
}

func unknownParams(q url.Values, known []string) []string {
	var bad []string
	for k := range q {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	sort.Strings(bad)
	return bad
}

// serveFile writes a recorded file; false when there is none.
func serveFile(w http.ResponseWriter, status int, name string) bool {
	data, err := fs.ReadFile(recorded, "testdata/"+name)
	if err != nil {
		return false
	}
	ct := "application/hal+json"
	if status >= 400 {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("API-Version", "2.0.0")
	w.WriteHeader(status)
	_, _ = w.Write(data)
	return true
}

func writeFout(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"fout": []map[string]string{{"code": code, "omschrijving": msg}}})
}
