package rdap_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/rdap"
	"verrijk/sources/rdap/rdaptest"
	"verrijk/sources/sourcetest"
)

func TestConformance(t *testing.T) {
	empty, err := fs.ReadFile(rdaptest.Files(), "errors/404.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, sample := range []subject.Subject{
		{Type: subject.Domain, Value: "voorbeeldbedrijf.nl"},
		{Type: subject.URL, Value: "https://www.voorbeeldbedrijf.nl/contact"},
	} {
		t.Run(string(sample.Type), func(t *testing.T) {
			sourcetest.Run(t, func(base string) sources.Source {
				return rdap.New(sourcetest.Client(t), sources.Config{BaseURL: base, Timeout: sourcetest.Timeout})
			}, sample, sourcetest.WithEmpty(http.StatusNotFound, "application/rdap+json", empty))
		})
	}
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		subj   subject.Subject
		found  bool
		kinds  string
		path   string // the domain request expected, "" for none
		bootst int    // bootstrap requests expected
	}{
		{subject.Subject{Type: subject.Domain, Value: "voorbeeldbedrijf.nl"}, true, "rdap.domain", "/domain/voorbeeldbedrijf.nl", 0},
		{subject.Subject{Type: subject.URL, Value: "https://www.voorbeeldbedrijf.nl/over-ons"}, true, "rdap.domain", "/domain/voorbeeldbedrijf.nl", 0},
		{subject.Subject{Type: subject.Domain, Value: "shop.voorbeeldbedrijf.nl"}, true, "rdap.domain", "/domain/voorbeeldbedrijf.nl", 0},
		{subject.Subject{Type: subject.Domain, Value: "bestaatniet.nl"}, false, "rdap.empty", "/domain/bestaatniet.nl", 0},
		{subject.Subject{Type: subject.Domain, Value: "example.com"}, true, "rdap.bootstrap rdap.domain", "/rdap.verisign.com/com/v1/domain/example.com", 1},
		{subject.Subject{Type: subject.URL, Value: "http://www.example.cz/"}, true, "rdap.bootstrap rdap.domain", "/rdap.nic.cz/domain/example.cz", 1},
		{subject.Subject{Type: subject.Domain, Value: "nergens.com"}, false, "rdap.bootstrap rdap.empty", "/rdap.verisign.com/com/v1/domain/nergens.com", 1},
		// .de has no service in the recorded bootstrap file: nothing to ask,
		// and the file is the evidence of why.
		{subject.Subject{Type: subject.Domain, Value: "beispiel.de"}, false, "rdap.bootstrap", "", 1},
	}
	for _, c := range cases {
		t.Run(c.subj.String(), func(t *testing.T) {
			srv := rdaptest.NewServer(t)
			res, err := newSource(t, srv).Fetch(context.Background(), c.subj)
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || strings.Join(kinds(res), " ") != c.kinds {
				t.Fatalf("found %v kinds %v; want %v %q", res.Found, kinds(res), c.found, c.kinds)
			}
			if n := srv.RequestsTo(rdaptest.BootstrapPath); n != c.bootst {
				t.Errorf("%d bootstrap requests; want %d", n, c.bootst)
			}
			domainReqs := srv.RequestsTo("/domain/")
			if c.path == "" && domainReqs != 0 || c.path != "" && (domainReqs != 1 || srv.RequestsTo(c.path) != 1) {
				t.Errorf("domain requests %d (to %s: %d)", domainReqs, c.path, srv.RequestsTo(c.path))
			}
			for _, ev := range res.Evidence {
				if ev.Source != rdap.Name || ev.SHA256 == "" || len(ev.Body) == 0 || !strings.HasPrefix(ev.URL, srv.URL) {
					t.Errorf("bad evidence %+v", ev)
				}
			}
		})
	}
}

func TestBootstrapIsFetchedOncePerURL(t *testing.T) {
	srv := rdaptest.NewServer(t)
	ctx := context.Background()
	first, err := newSource(t, srv).Fetch(ctx, subject.Subject{Type: subject.Domain, Value: "example.com"})
	if err != nil || len(first.Evidence) != 2 {
		t.Fatalf("first lookup: %v %v", kinds(first), err)
	}
	// A second adapter built from the same config shares the cache, as
	// workers that build one adapter per task do.
	second, err := newSource(t, srv).Fetch(ctx, subject.Subject{Type: subject.Domain, Value: "example.cz"})
	if err != nil || strings.Join(kinds(second), " ") != "rdap.domain" {
		t.Fatalf("second lookup: %v %v; want only the domain evidence", kinds(second), err)
	}
	none, err := newSource(t, srv).Fetch(ctx, subject.Subject{Type: subject.Domain, Value: "beispiel.de"})
	if err != nil || none.Found || strings.Join(kinds(none), " ") != "rdap.bootstrap" {
		t.Fatalf("no-service lookup: %v %v; want the cached bootstrap file as evidence", kinds(none), err)
	}
	if none.Evidence[0].SHA256 != first.Evidence[0].SHA256 {
		t.Error("the cached bootstrap evidence differs from the fetched one")
	}
	if n := srv.RequestsTo(rdaptest.BootstrapPath); n != 1 {
		t.Errorf("bootstrap fetched %d times; want 1", n)
	}
}

func TestConfiguredServersWin(t *testing.T) {
	srv := rdaptest.NewServer(t)
	s := rdap.New(sourcetest.Client(t), sources.Config{
		BaseURL: "http://127.0.0.1:1", BootstrapURL: "http://127.0.0.1:1/dns.json", Timeout: sourcetest.Timeout,
		TLDServers: map[string]string{".COM": srv.URL + "/eigen/", "nl": srv.URL + "/sidn"},
	})
	for _, c := range []struct{ domain, path string }{
		{"example.com", "/eigen/domain/example.com"},
		{"voorbeeldbedrijf.nl", "/sidn/domain/voorbeeldbedrijf.nl"},
	} {
		res, err := s.Fetch(context.Background(), subject.Subject{Type: subject.Domain, Value: c.domain})
		if err != nil || !res.Found {
			t.Fatalf("%s: %v %v", c.domain, res, err)
		}
		if srv.RequestsTo(c.path) != 1 {
			t.Errorf("%s was not asked at %s", c.domain, c.path)
		}
	}
	if srv.RequestsTo(rdaptest.BootstrapPath) != 0 {
		t.Error("the bootstrap file was fetched although every TLD was configured")
	}
}

func TestAsksForRDAPJSON(t *testing.T) {
	var accept string
	base := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		w.WriteHeader(http.StatusNotFound)
	}))
	res, err := rdap.New(sourcetest.Client(t), sources.Config{BaseURL: base}).
		Fetch(context.Background(), subject.Subject{Type: subject.Domain, Value: "voorbeeldbedrijf.nl"})
	if err != nil || res.Found || len(res.Evidence) != 1 {
		t.Fatalf("404 without body: %+v %v; want not found with evidence", res, err)
	}
	if !strings.HasPrefix(accept, "application/rdap+json") {
		t.Errorf("Accept = %q", accept)
	}
}

func TestPermanentFailures(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		message string
	}{
		{"html 404", 404, "<html>Not Found</html>", "base_url"},
		{"not a domain object", 200, `{"objectClassName":"entity","handle":"X"}`, `"entity" object`},
		{"no rdap object", 200, `{"hello":"world"}`, "not an RDAP domain object"},
		{"bad request", 400, `{"errorCode":400,"title":"Bad Request","description":["invalid name"]}`, "400 Bad Request invalid name"},
		{"forbidden", 403, ``, "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			_, err := rdap.New(sourcetest.Client(t), sources.Config{BaseURL: base}).
				Fetch(context.Background(), subject.Subject{Type: subject.Domain, Value: "voorbeeldbedrijf.nl"})
			if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), c.message) {
				t.Fatalf("got %v; want SkipRetry mentioning %q", err, c.message)
			}
		})
	}
}

func TestBootstrapFailures(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"server error", 502, "bad gateway", false},
		{"malformed", 200, `{"services":[["com"]]}`, true},
		{"no services", 200, `{"version":"1.0"}`, true},
		{"missing file", 404, "<html>gone</html>", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			_, err := rdap.New(sourcetest.Client(t), sources.Config{BootstrapURL: base + "/dns.json"}).
				Fetch(context.Background(), subject.Subject{Type: subject.Domain, Value: "example.com"})
			if err == nil || !strings.Contains(err.Error(), "bootstrap") || errors.Is(err, asynq.SkipRetry) != c.permanent {
				t.Fatalf("got %v; want a bootstrap error, permanent %v", err, c.permanent)
			}
		})
	}
}

func TestSubjects(t *testing.T) {
	s := rdap.New(sourcetest.Client(t), sources.Config{BaseURL: "http://127.0.0.1:1"})
	if !s.Accepts(subject.Domain) || !s.Accepts(subject.URL) || s.Accepts(subject.Name) || s.Accepts(subject.KvK) {
		t.Fatal("rdap accepts domains and urls only")
	}
	for _, subj := range []subject.Subject{
		{Type: subject.Name, Value: "Voorbeeld BV"},
		{Type: subject.URL, Value: "https://93.184.216.34/"},
		{Type: subject.URL, Value: "https://[2606:2800:220:1::1]/"},
		{Type: subject.Domain, Value: "co.uk"},
	} {
		if _, err := s.Fetch(context.Background(), subj); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", subj, err)
		}
	}
}

// TestRecordingsAreDomainObjects keeps the replay honest: every recorded
// answer is a domain object named like its file.
func TestRecordingsAreDomainObjects(t *testing.T) {
	entries, err := fs.ReadDir(rdaptest.Files(), "domain")
	if err != nil || len(entries) < 3 {
		t.Fatalf("recordings: %v %v", entries, err)
	}
	for _, e := range entries {
		body, _ := fs.ReadFile(rdaptest.Files(), "domain/"+e.Name())
		var obj struct {
			ObjectClassName string `json:"objectClassName"`
			LDHName         string `json:"ldhName"`
		}
		if err := json.Unmarshal(body, &obj); err != nil || obj.ObjectClassName != "domain" ||
			strings.ToLower(obj.LDHName)+".json" != e.Name() {
			t.Errorf("%s: %+v %v", e.Name(), obj, err)
		}
	}
}
