package bag_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources/bag"
	"verrijk/sources/bag/bagtest"
)

func TestStreetIsFreeText(t *testing.T) {
	srv := bagtest.NewServer(t)
	res, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: bag.Street, Value: "Hizzaarderlaan 3A, Lollum"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Found || len(res.Evidence) != 1 || res.Evidence[0].Kind != bag.KindFree {
		t.Fatalf("result %+v; want found with one bag.free evidence", res)
	}
	u, _ := url.Parse(res.Evidence[0].URL)
	if q := u.Query(); q.Get("q") != "Hizzaarderlaan 3A Lollum" || q.Get("fq") != "type:adres" || q.Get("rows") != "10" {
		t.Errorf("query %v", q)
	}
	// Complete docs need no /lookup: one call per address.
	if srv.Requests() != 1 {
		t.Errorf("%d requests; want 1", srv.Requests())
	}
	res, err = newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: bag.Street, Value: "Nergensstraat 1, Nergens"})
	if err != nil || res.Found || len(res.Evidence) != 1 {
		t.Errorf("unknown street gave %+v, %v; want not found with evidence", res, err)
	}
}

func TestTextQueryDropsSolrSyntax(t *testing.T) {
	q, err := bag.TextQuery(`Kerkstraat 3-bis, "Den Haag" OR type:(weg) AND *:*`)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Get("q"); strings.ContainsAny(got, `:()"*`) || !strings.HasPrefix(got, "Kerkstraat 3 bis Den Haag") {
		t.Errorf("q = %q", got)
	}
}

// TestLookupRepairsATrimmedDoc: a /free doc without the fields the default
// fl always returns is looked up by its id.
func TestLookupRepairsATrimmedDoc(t *testing.T) {
	h := bagtest.NewHandler()
	mux := http.NewServeMux()
	mux.Handle("/lookup", h)
	mux.HandleFunc("/free", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"response":{"numFound":1,"start":0,"maxScore":18.2,"docs":[{"type":"adres",` +
			`"weergavenaam":"Hizzaarderlaan 3A, 8823SJ Lollum","id":"adr-3b5c1e07d2a94f6e8c41a2d6e9f07b13","score":18.2}]}}`))
	})
	res, err := newSource(t, startServer(t, mux)).Fetch(context.Background(), subject.Subject{Type: subject.Address, Value: "8823SJ 3A"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Evidence) != 2 || res.Evidence[1].Kind != bag.KindLookup || !res.Found {
		t.Fatalf("result %+v; want bag.free then bag.lookup", res)
	}
	if !strings.Contains(res.Evidence[1].URL, "/lookup?id=adr-3b5c1e07d2a94f6e8c41a2d6e9f07b13") ||
		!strings.Contains(string(res.Evidence[1].Body), "nummeraanduiding_id") {
		t.Errorf("lookup evidence %s %s", res.Evidence[1].URL, res.Evidence[1].Body)
	}
}

func TestMalformedAnswerIsPermanent(t *testing.T) {
	for _, body := range []string{`{"response":`, `{"responseHeader":{}}`, `[]`} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
		_, err := newSource(t, startServer(t, h)).Fetch(context.Background(), subject.Subject{Type: subject.Address, Value: "8823SJ 3A"})
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "bag") || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s gave %v; want a SkipRetry naming bag and the malformed answer", body, err)
		}
	}
}
