package kvk_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/kvk"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/sourcetest"
)

func newSource(t testing.TB, baseURL, key string) *kvk.Source {
	return kvk.New(sourcetest.Client(t), sources.Config{BaseURL: baseURL, APIKey: key, Timeout: sourcetest.Timeout})
}

func TestConformance(t *testing.T) {
	empty, err := kvktest.Files().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("errors/404-ipd5200.json")
	if err != nil {
		t.Fatal(err)
	}
	sourcetest.Run(t, func(base string) sources.Source { return newSource(t, base, kvk.TestAPIKey) },
		subject.Subject{Type: subject.KvK, Value: "68750110"},
		sourcetest.WithEmpty(http.StatusNotFound, "application/json", empty))
}

func kinds(res *sources.Result) []string {
	var ks []string
	for _, ev := range res.Evidence {
		ks = append(ks, ev.Kind)
	}
	return ks
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		subj      subject.Subject
		found     bool
		kinds     string
		profiles  int // billed profile calls
		wantQuery string
	}{
		// A nevenvestiging in Zoeken: the branch list is worth its call.
		{subject.Subject{Type: subject.KvK, Value: "68750110"}, true, "kvk.zoeken kvk.basisprofiel kvk.vestigingen", 2, "kvkNummer=68750110"},
		{subject.Subject{Type: subject.KvK, Value: "69599084"}, true, "kvk.zoeken kvk.basisprofiel kvk.vestigingen", 2, "kvkNummer=69599084"},
		// One vestiging, embedded in the Basisprofiel: one billed call.
		{subject.Subject{Type: subject.KvK, Value: "69599068"}, true, "kvk.zoeken kvk.basisprofiel", 1, "kvkNummer=69599068"},
		// A rechtspersoon without vestiging: no hoofdvestiging to ask for.
		{subject.Subject{Type: subject.KvK, Value: "90000749"}, true, "kvk.zoeken kvk.basisprofiel", 1, "kvkNummer=90000749"},
		{subject.Subject{Type: kvk.Street, Value: "Hizzaarderlaan 3A, Lollum"}, true, "kvk.zoeken", 0, "plaats=Lollum&resultatenPerPagina=100&straatnaam=Hizzaarderlaan"},
		{subject.Subject{Type: kvk.Street, Value: "Kalverstraat 1, Amsterdam"}, false, "kvk.empty", 0, "straatnaam=Kalverstraat"},
		{subject.Subject{Type: subject.Vestiging, Value: "000037178598"}, true, "kvk.zoeken kvk.vestigingsprofiel", 1, "vestigingsnummer=000037178598"},
		{subject.Subject{Type: subject.RSIN, Value: "857587973"}, true, "kvk.zoeken", 0, "rsin=857587973"},
		{subject.Subject{Type: subject.Name, Value: "Test BV Donald"}, true, "kvk.zoeken", 0, "naam=Test+BV+Donald"},
		{subject.Subject{Type: subject.Address, Value: "8823SJ 3A"}, true, "kvk.zoeken", 0, "huisletter=A&huisnummer=3"},
		{subject.Subject{Type: subject.Address, Value: "8823SJ 3-bis"}, true, "kvk.zoeken", 0, "huisnummer=3&inclusief"},
		// Zoeken is the free gate: nothing found, no billed profile call.
		{subject.Subject{Type: subject.KvK, Value: "12345678"}, false, "kvk.empty", 0, "kvkNummer=12345678"},
		{subject.Subject{Type: subject.Name, Value: "Bestaat Niet BV"}, false, "kvk.empty", 0, "naam="},
	}
	for _, c := range cases {
		t.Run(c.subj.String(), func(t *testing.T) {
			srv := kvktest.NewServer(t)
			res, err := newSource(t, srv.URL, kvk.TestAPIKey).Fetch(context.Background(), c.subj)
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || strings.Join(kinds(res), " ") != c.kinds {
				t.Fatalf("found %v kinds %v; want %v %q", res.Found, kinds(res), c.found, c.kinds)
			}
			if n := srv.RequestsTo("/v1/"); n != c.profiles {
				t.Errorf("%d profile calls; want %d", n, c.profiles)
			}
			if !strings.Contains(res.Evidence[0].URL, c.wantQuery) {
				t.Errorf("zoeken URL %s lacks %s", res.Evidence[0].URL, c.wantQuery)
			}
			for _, ev := range res.Evidence {
				if ev.Source != "kvk" || ev.SHA256 == "" || len(ev.Body) == 0 || strings.Contains(ev.URL, kvk.TestAPIKey) {
					t.Errorf("bad evidence %+v", ev)
				}
			}
		})
	}
}

func TestZoekenSendsOnlySpecifiedParameters(t *testing.T) {
	srv := kvktest.NewServer(t)
	res, err := newSource(t, srv.URL, kvk.TestAPIKey).Fetch(context.Background(), subject.Subject{Type: subject.Address, Value: "8823SJ 3A-2"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(res.Evidence[0].URL)
	q := u.Query()
	if q.Get("resultatenPerPagina") != "100" || q.Get("inclusiefInactieveRegistraties") != "true" || q.Has("pagina") {
		t.Errorf("paging and inactive registrations not as documented: %v", q)
	}
	if q.Get("postcode") != "8823SJ" || q.Get("huisnummer") != "3" || q.Get("huisletter") != "A" {
		t.Errorf("address parameters wrong: %v", q)
	}
}

func TestRefusedKeyIsPermanentAndSecret(t *testing.T) {
	srv := kvktest.NewServer(t)
	const key = "l7xx-wrong-key-0123456789"
	_, err := newSource(t, srv.URL, key).Fetch(context.Background(), subject.Subject{Type: subject.KvK, Value: "68750110"})
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("wrong key gave %v; want SkipRetry", err)
	}
	var he *egress.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Errorf("wrong key gave %v; want an *egress.HTTPError 401", err)
	}
	if strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "api_key") {
		t.Errorf("error %q must name the problem, never the key", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests after a 401; want 1", srv.Requests())
	}
}

func TestBadRequestIsPermanent(t *testing.T) {
	body, _ := kvk.Recorded.ReadFile("testdata/errors/400-ipd1999.json")
	srv := httpServer(t, http.StatusBadRequest, body)
	_, err := newSource(t, srv, kvk.TestAPIKey).Fetch(context.Background(), subject.Subject{Type: subject.Name, Value: "x"})
	if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "IPD1999") {
		t.Fatalf("400 gave %v; want SkipRetry naming IPD1999", err)
	}
}

func TestMalformedSubjectIsPermanent(t *testing.T) {
	for _, s := range []subject.Subject{{Type: subject.Address, Value: "Hoofdstraat 12"}, {Type: subject.Plate, Value: "6TJR64"},
		{Type: subject.Name, Value: " "}, {Type: kvk.Street, Value: "Hoofdstraat 12 Amsterdam"}, {Type: kvk.Street, Value: "12, Amsterdam"}} {
		_, err := newSource(t, "http://127.0.0.1:1", "k").Fetch(context.Background(), s)
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", s, err)
		}
	}
}

func TestAccepts(t *testing.T) {
	s := newSource(t, "", "")
	for typ, want := range map[subject.Type]bool{subject.KvK: true, subject.Vestiging: true, subject.RSIN: true,
		subject.Name: true, subject.Address: true, kvk.Street: true, subject.Plate: false, subject.Domain: false} {
		if s.Accepts(typ) != want {
			t.Errorf("Accepts(%s) = %v", typ, !want)
		}
	}
}

// TestFollowUpErrorKeepsTheTaskRetryable: a 5xx on the billed profile call
// fails the task (it will be retried) rather than storing half an answer.
func TestFollowUpServerError(t *testing.T) {
	h := kvktest.NewHandler()
	mux := http.NewServeMux()
	mux.Handle("/v2/", h)
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	srv := httpServerHandler(t, mux)
	_, err := newSource(t, srv, kvk.TestAPIKey).Fetch(context.Background(), subject.Subject{Type: subject.KvK, Value: "68750110"})
	if err == nil || errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "basisprofiel") {
		t.Fatalf("502 on basisprofiel gave %v; want a retryable error naming basisprofiel", err)
	}
}
