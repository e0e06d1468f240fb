package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/api"
)

// TestSearchFilters: source, date_from, date_to and sort narrow and order
// a search, and are logged; the purpose and team still apply.
func TestSearchFilters(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	today := time.Now().UTC().Format(time.DateOnly)
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	both := sorted(s.zon, s.evil)
	for _, c := range []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"source kvk", url.Values{"source": {"kvk"}}, both},
		{"source list", url.Values{"source": {"bag,kvk"}}, both},
		{"source repeated", url.Values{"source": {"rdw", "bag"}}, nil},
		{"seen from today", url.Values{"date_from": {today}}, both},
		{"seen until today", url.Values{"date_to": {today}}, both},
		{"seen from tomorrow", url.Values{"date_from": {tomorrow}}, nil},
		{"seen until yesterday", url.Values{"date_to": {yesterday}}, nil},
		{"exact times", url.Values{"date_from": {time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}}, both},
		{"by date", url.Values{"sort": {"date"}}, both},
		{"by relevance", url.Values{"sort": {"relevance"}, "q": {"zon"}}, []string{s.zon}},
		// Filters never widen: the other purpose's entity stays out.
		{"geheim by source", url.Values{"q": {"geheim"}, "source": {"kvk"}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.query.Set("purpose_id", onderzoek)
			out := f.call(api.RoleAnalyst, "GET", "/api/v1/search?"+c.query.Encode(), nil, http.StatusOK)
			if got := ids(t, out, "hits"); !slices.Equal(got, c.want) {
				t.Errorf("hits = %v, want %v", got, c.want)
			}
		})
	}
	f.call(api.RoleAnalyst, "GET", "/api/v1/search?"+url.Values{"purpose_id": {onderzoek}, "source": {"kvk"},
		"date_from": {"2025-01-01"}, "sort": {"date"}}.Encode(), nil, http.StatusOK)
	e := f.lastAudit("search")
	for _, want := range []string{`sources="kvk"`, "date_from=2025-01-01T00:00:00Z", "sort=date"} {
		if !strings.Contains(e.Detail, want) {
			t.Errorf("audit detail %q lacks %s", e.Detail, want)
		}
	}
}

func TestSearchFiltersRefused(t *testing.T) {
	f := newFixture(t)
	seed(f)
	before := len(f.auditEntries("search"))
	for _, c := range []struct{ query, fragment string }{
		{"source=website", `source "website" is not a known source`},
		{"date_from=gisteren", "date_from must be a date"},
		{"date_to=2025-13-01", "date_to must be a date"},
		{"date_from=2025-03-02&date_to=2025-03-01", "date_from is after date_to"},
		{"sort=name", "sort must be relevance or date"},
	} {
		wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/search?purpose_id="+onderzoek+"&"+c.query, nil),
			http.StatusBadRequest, "bad_request", c.fragment)
	}
	if n := len(f.auditEntries("search")) - before; n != 0 {
		t.Errorf("%d refused searches logged", n)
	}
}
