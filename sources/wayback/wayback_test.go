package wayback_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/sourcetest"
	"verrijk/sources/wayback"
	"verrijk/sources/wayback/waybacktest"
)

var donald = subject.Subject{Type: subject.Domain, Value: "testbvdonald.nl"}

func TestConformance(t *testing.T) {
	empty, err := fs.ReadFile(waybacktest.Files(), "cdx/empty.json")
	if err != nil {
		t.Fatal(err)
	}
	sourcetest.Run(t, func(base string) sources.Source { return newSource(t, base) },
		donald, sourcetest.WithEmpty(http.StatusOK, "application/json", empty))
}

func query(t *testing.T, ev sources.Evidence) url.Values {
	t.Helper()
	u, err := url.Parse(ev.URL)
	if err != nil || !strings.HasSuffix(u.Path, "/cdx/search/cdx") {
		t.Fatalf("evidence url %q: %v", ev.URL, err)
	}
	return u.Query()
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		subj      subject.Subject
		found     bool
		kinds     []string
		matchType string
	}{
		{donald, true, []string{wayback.KindCDX}, "domain"},
		{subject.Subject{Type: subject.URL, Value: "https://www.testbvdonald.nl/contact"}, true, []string{wayback.KindCDX}, ""},
		{subject.Subject{Type: subject.Domain, Value: "onbekend-voorbeeld.nl"}, false, []string{wayback.KindCDX}, "domain"},
		// 672 captures after collapsing: cut off at Limit, so the latest
		// capture is asked separately.
		{subject.Subject{Type: subject.Domain, Value: "zew.de"}, true, []string{wayback.KindCDX, wayback.KindLatest}, "domain"},
		{subject.Subject{Type: subject.Domain, Value: "nationalpost.com"}, false, []string{wayback.KindBlocked}, "domain"},
	}
	for _, c := range cases {
		t.Run(c.subj.String(), func(t *testing.T) {
			srv := waybacktest.NewServer(t)
			res, err := newSource(t, srv.URL).Fetch(context.Background(), c.subj)
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || len(res.Evidence) != len(c.kinds) {
				t.Fatalf("found %v with %d evidence; want %v with %v", res.Found, len(res.Evidence), c.found, c.kinds)
			}
			for i, ev := range res.Evidence {
				if ev.Kind != c.kinds[i] || ev.SHA256 == "" || ev.Source != wayback.Name {
					t.Errorf("evidence %d: %+v; want kind %s", i, ev, c.kinds[i])
				}
			}
			if srv.Requests() != len(c.kinds) {
				t.Errorf("%d requests; want %d", srv.Requests(), len(c.kinds))
			}
			q := query(t, res.Evidence[0])
			want := url.Values{"url": {c.subj.Value}, "output": {"json"}, "fl": {wayback.Fields},
				"collapse": {"digest"}, "limit": {"500"}}
			if c.matchType != "" {
				want.Set("matchType", c.matchType)
			}
			if q.Encode() != want.Encode() {
				t.Errorf("history query %s; want %s", q.Encode(), want.Encode())
			}
			if len(res.Evidence) == 2 {
				q := query(t, res.Evidence[1])
				want := url.Values{"url": {c.subj.Value}, "output": {"json"}, "fl": {wayback.Fields},
					"limit": {"-1"}, "fastLatest": {"true"}}
				if q.Encode() != want.Encode() {
					t.Errorf("latest query %s; want %s", q.Encode(), want.Encode())
				}
				if n, err := wayback.CountRows(res.Evidence[1].Body); err != nil || n != 1 {
					t.Errorf("latest answer has %d rows (%v); want 1", n, err)
				}
			}
		})
	}
}

func TestEmptyBodyIsAnEmptyAnswer(t *testing.T) {
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	res, err := newSource(t, srv).Fetch(context.Background(), donald)
	if err != nil || res.Found || len(res.Evidence) != 1 {
		t.Fatalf("empty body gave %+v, %v; want not found with evidence", res, err)
	}
}

func TestRefusalsArePermanent(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{http.StatusBadRequest, "url parameter is required\n", `"url parameter is required"`},
		{http.StatusForbidden, "<html>Forbidden</html>", "did not allow"},
		{http.StatusNotFound, "not here", "base_url"},
	}
	for _, c := range cases {
		srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, c.body, c.status)
		}))
		_, err := newSource(t, srv).Fetch(context.Background(), donald)
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d gave %v; want SkipRetry mentioning %s", c.status, err, c.want)
		}
	}
}

func TestMalformedAnswerIsPermanent(t *testing.T) {
	for _, body := range []string{`{"error":"x"}`, `[["20190504100000","x"]]`, `[[`, `null`, `<html>`} {
		srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(body))
		}))
		_, err := newSource(t, srv).Fetch(context.Background(), donald)
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "wayback") {
			t.Errorf("%s gave %v; want a SkipRetry naming the source", body, err)
		}
	}
}

func TestOnlyDomainsAndURLs(t *testing.T) {
	s := newSource(t, "http://127.0.0.1:1")
	if !s.Accepts(subject.Domain) || !s.Accepts(subject.URL) || s.Accepts(subject.Name) || s.Accepts(subject.KvK) {
		t.Fatal("wayback accepts domains and urls only")
	}
	for _, subj := range []subject.Subject{
		{Type: subject.Name, Value: "x"},
		{Type: subject.Domain, Value: "not a domain"},
		{Type: subject.URL, Value: "ftp://example.nl/"},
	} {
		if _, err := s.Fetch(context.Background(), subj); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", subj, err)
		}
	}
}

func TestCountRows(t *testing.T) {
	cases := []struct {
		body string
		rows int
		bad  bool
	}{
		{"", 0, false},
		{" \n", 0, false},
		{"[]\n", 0, false},
		{`[["timestamp","original","statuscode","digest"]]`, 0, false},
		{`[["timestamp","original"],["20190504100000","http://example.nl/"],["20200504100000","http://example.nl/"]]`, 2, false},
		{`{}`, 0, true},
		{`null`, 0, true},
		{`[["original"],["http://example.nl/"]]`, 0, true},
		{`[1,2]`, 0, true},
		{`[["timestamp"],`, 0, true},
	}
	for _, c := range cases {
		n, err := wayback.CountRows([]byte(c.body))
		if n != c.rows || (err != nil) != c.bad {
			t.Errorf("CountRows(%q) = %d, %v; want %d, error %v", c.body, n, err, c.rows, c.bad)
		}
	}
}

func TestDefaults(t *testing.T) {
	d := wayback.Defaults()
	if d.BaseURL != "https://web.archive.org" || d.APIKey != "" || d.Timeout == 0 {
		t.Fatalf("defaults %+v", d)
	}
}
