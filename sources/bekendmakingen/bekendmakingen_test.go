package bekendmakingen_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/bekendmakingen"
	"verrijk/sources/bekendmakingen/bekendmakingentest"
	"verrijk/sources/sourcetest"
)

func newSource(t testing.TB, baseURL string) *bekendmakingen.Source {
	return bekendmakingen.New(sourcetest.Client(t), sources.Config{BaseURL: baseURL, Timeout: sourcetest.Timeout})
}

func recording(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(bekendmakingentest.Files(), name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(base string) sources.Source { return newSource(t, base) },
		subject.Subject{Type: subject.Name, Value: "Test BV Donald"},
		sourcetest.WithEmpty(http.StatusOK, "application/xml;charset=UTF-8", recording(t, "sru/empty.xml")))
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		subj  subject.Subject
		found bool
		terms []string
	}{
		{subject.Subject{Type: subject.Name, Value: "Test BV Donald"}, true, []string{"Test BV Donald"}},
		{subject.Subject{Type: subject.KvK, Value: "68750110"}, true, []string{"68750110"}},
		{subject.Subject{Type: subject.Address, Value: "8823SJ 3A"}, true, []string{"8823SJ", "8823 SJ", "3A"}},
		// The toevoeging is not searched: same terms, same answer.
		{subject.Subject{Type: subject.Address, Value: "8823SJ 3A-2"}, true, []string{"8823SJ", "8823 SJ", "3A"}},
		{subject.Subject{Type: subject.Address, Value: "1234AB 1"}, false, []string{"1234AB", "1234 AB", "1"}},
		{subject.Subject{Type: subject.Name, Value: "Bestaat Niet BV"}, false, []string{"Bestaat Niet BV"}},
	}
	for _, c := range cases {
		t.Run(c.subj.String(), func(t *testing.T) {
			srv := bekendmakingentest.NewServer(t)
			res, err := newSource(t, srv.URL+"/sru").Fetch(context.Background(), c.subj)
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || len(res.Evidence) != 1 {
				t.Fatalf("found %v with %d evidence; want %v with 1", res.Found, len(res.Evidence), c.found)
			}
			ev := res.Evidence[0]
			if ev.Kind != bekendmakingen.KindSRU || ev.Source != bekendmakingen.Name || ev.SHA256 == "" || len(ev.Body) == 0 {
				t.Errorf("bad evidence %+v", ev)
			}
			u, _ := url.Parse(ev.URL)
			q := u.Query()
			if q.Get("operation") != "searchRetrieve" || q.Get("version") != "2.0" ||
				q.Get("startRecord") != "1" || q.Get("maximumRecords") != "50" || len(q) != 5 {
				t.Errorf("unexpected parameters %v", q)
			}
			if got := bekendmakingen.Terms(q.Get("query")); strings.Join(got, "|") != strings.Join(c.terms, "|") {
				t.Errorf("searched %q; want %q", got, c.terms)
			}
			if !strings.Contains(q.Get("query"), "c.product-area==lokalebekendmakingen") {
				t.Errorf("query %q does not limit the product areas", q.Get("query"))
			}
			if srv.Requests() != 1 {
				t.Errorf("%d requests; want 1", srv.Requests())
			}
		})
	}
}

func TestDiagnosticIsPermanent(t *testing.T) {
	body := recording(t, "diagnostics/query-syntax.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	_, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: subject.Name, Value: "x"})
	if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "info:srw/diagnostic/1/10") {
		t.Fatalf("diagnostic gave %v; want a SkipRetry error naming it", err)
	}
}

func TestTemporaryDiagnosticIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<searchRetrieveResponse xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse"><version>2.0</version>` +
			`<diagnostics><diagnostic xmlns="http://docs.oasis-open.org/ns/search-ws/diagnostic"><uri>info:srw/diagnostic/1/2</uri>` +
			`<message>System temporarily unavailable</message></diagnostic></diagnostics></searchRetrieveResponse>`))
	}))
	defer srv.Close()
	_, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: subject.Name, Value: "x"})
	if err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("temporary diagnostic gave %v; want a retryable error", err)
	}
}

func TestHostileXMLIsRefused(t *testing.T) {
	bodies := map[string]string{
		"doctype": `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>` +
			`<searchRetrieveResponse><numberOfRecords>&b;</numberOfRecords></searchRetrieveResponse>`,
		"undefined entity": `<searchRetrieveResponse><numberOfRecords>&x;</numberOfRecords></searchRetrieveResponse>`,
		"wrong root":       `<explainResponse><numberOfRecords>1</numberOfRecords></explainResponse>`,
		"no count":         `<searchRetrieveResponse><version>2.0</version></searchRetrieveResponse>`,
		"count not number": `<searchRetrieveResponse><numberOfRecords>veel</numberOfRecords></searchRetrieveResponse>`,
		"json":             `{"numberOfRecords":1}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(body))
			}))
			defer srv.Close()
			_, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: subject.Name, Value: "x"})
			if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "malformed answer") {
				t.Fatalf("%s gave %v; want a permanent malformed-answer error", name, err)
			}
		})
	}
}

func TestRefusalsArePermanent(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
		}))
		_, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: subject.KvK, Value: "68750110"})
		srv.Close()
		var he *egress.HTTPError
		if !errors.Is(err, asynq.SkipRetry) || !errors.As(err, &he) || he.Status != status {
			t.Errorf("%d gave %v; want a permanent *egress.HTTPError", status, err)
		}
	}
}

func TestSubjectTypes(t *testing.T) {
	s := newSource(t, "http://127.0.0.1:1")
	for _, typ := range []subject.Type{subject.Name, subject.Address, subject.KvK} {
		if !s.Accepts(typ) {
			t.Errorf("does not accept %s", typ)
		}
	}
	for _, typ := range []subject.Type{subject.Plate, subject.Domain, subject.RSIN} {
		if s.Accepts(typ) {
			t.Errorf("accepts %s", typ)
		}
	}
	for _, subj := range []subject.Subject{{Type: subject.Plate, Value: "6TJR64"}, {Type: subject.Address, Value: "nergens 1"}, {Type: subject.Name, Value: " \t "}} {
		if _, err := s.Fetch(context.Background(), subj); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry before any request", subj, err)
		}
	}
}
