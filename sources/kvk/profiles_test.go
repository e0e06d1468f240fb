package kvk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/kvk"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/sourcetest"
)

// TestSubResourcesOnlyWhenNotEmbedded: a Basisprofiel without _embedded
// makes the adapter ask /eigenaar and /hoofdvestiging, which the replay
// serves from the recording, as KvK does.
func TestSubResourcesOnlyWhenNotEmbedded(t *testing.T) {
	h := kvktest.NewHandler()
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("/v1/basisprofielen/68750110", func(w http.ResponseWriter, r *http.Request) {
		h.Count(r.URL.Path)
		body, _ := kvk.Recorded.ReadFile("testdata/basisprofielen/68750110.json")
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		delete(p, "_embedded")
		w.Header().Set("Content-Type", "application/hal+json")
		_ = json.NewEncoder(w).Encode(p)
	})
	srv := httpServerHandler(t, mux)
	res, err := newSource(t, srv, kvk.TestAPIKey).Fetch(context.Background(), subject.Subject{Type: subject.KvK, Value: "68750110"})
	if err != nil {
		t.Fatal(err)
	}
	want := "kvk.zoeken kvk.basisprofiel kvk.eigenaar kvk.hoofdvestiging kvk.vestigingen"
	if got := strings.Join(kinds(res), " "); got != want {
		t.Fatalf("kinds %s; want %s", got, want)
	}
	if n := h.RequestsTo("/v1/"); n != 4 {
		t.Errorf("%d billed calls; want 4", n)
	}
	for _, ev := range res.Evidence[2:4] {
		if ev.Status != 200 || !strings.Contains(ev.URL, "geoData=false") {
			t.Errorf("sub-resource evidence %s %d", ev.URL, ev.Status)
		}
	}
}

// zoekenPages answers Zoeken with pages of 100 results up to last, and
// records the pagina of each request.
func zoekenPages(t *testing.T, last int, seen *[]string) string {
	return httpServerHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("pagina")
		*seen = append(*seen, p)
		n := 1
		if p != "" {
			fmt.Sscan(p, &n)
		}
		if n > last {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"fout":[{"code":"IPD5200","omschrijving":"Geen resultaten"}]}`))
			return
		}
		res := make([]map[string]any, 100)
		for i := range res {
			res[i] = map[string]any{"kvkNummer": fmt.Sprintf("%08d", n*1000+i), "naam": "Test", "type": "rechtspersoon"}
		}
		page := map[string]any{"pagina": n, "resultatenPerPagina": 100, "totaal": 1000, "resultaten": res}
		if n < 10 {
			page["volgende"] = "https://api.kvk.nl/test/api/v2/zoeken?naam=Test&pagina=" + fmt.Sprint(n+1)
		}
		w.Header().Set("Content-Type", "application/hal+json")
		_ = json.NewEncoder(w).Encode(page)
	}))
}

func TestZoekenPaging(t *testing.T) {
	cases := []struct {
		maxPages, last int
		want           string // pagina of each request
		kinds          string
	}{
		{0, 10, "", "kvk.zoeken"}, // default: one page
		{3, 10, ",2,3", "kvk.zoeken kvk.zoeken kvk.zoeken"},
		{50, 10, ",2,3,4,5,6,7,8,9,10", strings.TrimSpace(strings.Repeat("kvk.zoeken ", 10))},
		{5, 2, ",2,3", "kvk.zoeken kvk.zoeken kvk.empty"},
	}
	for _, c := range cases {
		var seen []string
		base := zoekenPages(t, c.last, &seen)
		s := kvk.New(sourcetest.Client(t), sources.Config{BaseURL: base, Timeout: sourcetest.Timeout, MaxPages: c.maxPages})
		res, err := s.Fetch(context.Background(), subject.Subject{Type: subject.Name, Value: "Test"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(seen, ","); got != c.want || strings.Join(kinds(res), " ") != c.kinds || !res.Found {
			t.Errorf("MaxPages %d: pages %q kinds %v found %v; want %q %q", c.maxPages, got, kinds(res), res.Found, c.want, c.kinds)
		}
		for i, ev := range res.Evidence[1:] {
			u, _ := url.Parse(ev.URL)
			if u.Query().Get("pagina") != fmt.Sprint(i+2) {
				t.Errorf("page %d evidence URL %s", i+2, ev.URL)
			}
		}
	}
}

func TestMalformedAnswerIsPermanent(t *testing.T) {
	for _, body := range []string{`[1,2]`, `{"resultaten": 5}`, `"x"`} {
		srv := httpServer(t, http.StatusOK, []byte(body))
		_, err := newSource(t, srv, kvk.TestAPIKey).Fetch(context.Background(), subject.Subject{Type: subject.KvK, Value: "68750110"})
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "kvk") || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s gave %v; want a SkipRetry naming kvk and the malformed answer", body, err)
		}
	}
}
