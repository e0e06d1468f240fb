package website_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/sourcetest"
	"verrijk/sources/website"
	"verrijk/sources/website/websitetest"
)

// viaProxy returns an egress client whose requests all go to h as their
// HTTP proxy: h plays the internet, by host name.
func viaProxy(t *testing.T, h http.Handler) *egress.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := egress.New(egress.Config{Proxy: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fetch(t *testing.T, src sources.Source, s string) (*sources.Result, error) {
	t.Helper()
	subj, err := subject.ParseArg(s)
	if err != nil {
		t.Fatal(err)
	}
	return src.Fetch(context.Background(), subj)
}

func TestCrawlCompanySite(t *testing.T) {
	h := websitetest.NewHandler()
	src := website.New(viaProxy(t, h), sources.Config{})
	res, err := fetch(t, src, "domain:"+websitetest.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Found {
		t.Fatal("Found = false")
	}
	var kinds, urls []string
	for _, ev := range res.Evidence {
		kinds = append(kinds, ev.Kind)
		urls = append(urls, ev.URL)
		sum := sha256.Sum256(ev.Body)
		if ev.Source != website.Name || ev.Status != 200 || ev.SHA256 != hex.EncodeToString(sum[:]) || ev.FetchedAt.IsZero() {
			t.Errorf("evidence %s: source %s status %d sha %s", ev.URL, ev.Source, ev.Status, ev.SHA256)
		}
	}
	wantURLs := []string{"http://" + websitetest.Host + "/robots.txt"}
	wantKinds := []string{website.KindRobots}
	for _, p := range websitetest.Pages {
		wantURLs = append(wantURLs, "http://"+websitetest.Host+p)
		wantKinds = append(wantKinds, website.KindPage)
	}
	if !slices.Equal(urls, wantURLs) || !slices.Equal(kinds, wantKinds) {
		t.Fatalf("evidence\n got %q %q\nwant %q %q", urls, kinds, wantURLs, wantKinds)
	}
	// The bodies are the raw pages, byte for byte.
	contact, _ := fs.ReadFile(websitetest.Files(), "contact.html")
	if got := res.Evidence[4].Body; string(got) != string(contact) {
		t.Errorf("contact page evidence differs from the page served (%d vs %d bytes)", len(got), len(contact))
	}
	for _, p := range websitetest.NeverFetched {
		if n := h.Asked(websitetest.Host + p); n != 0 {
			t.Errorf("%s was fetched %d times", p, n)
		}
	}
	for _, other := range []string{"fruitveiling", "werkenindeteelt", "instagram", "facebook", "linkedin"} {
		if n := h.RequestsTo(other); n != 0 {
			t.Errorf("followed a link off the site to %s (%d requests)", other, n)
		}
	}
	// The PDF without extension was asked for (its type shows only then),
	// not kept; every page was asked for once.
	if n := h.RequestsTo(websitetest.Host + "/documenten/folder"); n != 1 {
		t.Errorf("/documenten/folder fetched %d times, want 1", n)
	}
	for _, p := range websitetest.Pages {
		if n := h.Asked(websitetest.Host + p); n != 1 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	// https was tried first; the replay, like a site without TLS, refused.
	if h.Asked("CONNECT "+websitetest.Domain+":443") != 1 {
		t.Error("the crawl did not try https first")
	}
}

func TestCrawlLimits(t *testing.T) {
	t.Run("max_pages", func(t *testing.T) {
		h := websitetest.NewHandler()
		res, err := fetch(t, website.New(viaProxy(t, h), sources.Config{MaxPages: 3}), "url:http://"+websitetest.Host+"/")
		if err != nil {
			t.Fatal(err)
		}
		if pages := countKind(res, website.KindPage); pages != 3 {
			t.Errorf("%d pages kept, want 3", pages)
		}
		if n := h.Requests() - h.RequestsTo("/robots.txt"); n != 3 {
			t.Errorf("%d page requests, want 3", n)
		}
	})
	t.Run("max_depth", func(t *testing.T) {
		h := websitetest.NewHandler()
		res, err := fetch(t, website.New(viaProxy(t, h), sources.Config{MaxDepth: 1}), "url:http://"+websitetest.Host+"/")
		if err != nil {
			t.Fatal(err)
		}
		if n := h.RequestsTo("/aanbod/"); n != 0 {
			t.Errorf("depth 2 pages fetched %d times with max_depth 1", n)
		}
		if pages := countKind(res, website.KindPage); pages != 4 {
			t.Errorf("%d pages kept, want home and its three HTML links", pages)
		}
	})
	t.Run("respect_robots off", func(t *testing.T) {
		h := websitetest.NewHandler()
		res, err := fetch(t, website.New(viaProxy(t, h), sources.Config{IgnoreRobots: true}), "url:http://"+websitetest.Host+"/")
		if err != nil {
			t.Fatal(err)
		}
		if h.RequestsTo("/robots.txt") != 0 || h.Asked(websitetest.Host+"/intern/") != 1 || countKind(res, website.KindRobots) != 0 {
			t.Errorf("robots.txt asked %d times, /intern/ %d times", h.RequestsTo("/robots.txt"), h.Asked(websitetest.Host+"/intern/"))
		}
	})
}

func countKind(res *sources.Result, kind string) int {
	n := 0
	for _, ev := range res.Evidence {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// site serves pages by path on any host, as a proxy in front of one site.
type site map[string]func(w http.ResponseWriter, r *http.Request)

func (s site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f, ok := s[r.URL.Path]; ok {
		f(w, r)
		return
	}
	http.NotFound(w, r)
}

func page(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}
}

func TestStartPageOutcomes(t *testing.T) {
	const start = "url:http://www.voorbeeld-bv.nl/"
	cases := []struct {
		name  string
		site  site
		check func(t *testing.T, res *sources.Result, err error)
	}{
		{"404 is an empty result", site{}, func(t *testing.T, res *sources.Result, err error) {
			if err != nil || res.Found || len(res.Evidence) != 0 {
				t.Errorf("res %+v err %v; want Found false, no evidence", res, err)
			}
		}},
		{"not a web page", site{"/": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.4"))
		}}, func(t *testing.T, res *sources.Result, err error) {
			if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "not a web page") {
				t.Errorf("err = %v", err)
			}
		}},
		{"robots.txt disallows all", site{"/robots.txt": page("User-agent: *\nDisallow: /\n"), "/": page("<html></html>")},
			func(t *testing.T, res *sources.Result, err error) {
				if na := sources.AsNotAvailable(err); na == nil || !strings.Contains(na.Reason, "robots.txt") {
					t.Errorf("err = %v, want not publicly available because of robots.txt", err)
				}
			}},
		{"robots.txt 503 stops the crawl for now", site{"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, "/": page("<html></html>")}, func(t *testing.T, res *sources.Result, err error) {
			if err == nil || errors.Is(err, asynq.SkipRetry) {
				t.Errorf("err = %v, want a retryable error", err)
			}
		}},
		{"redirect to another site", site{"/": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://www.andere-eigenaar.nl/", http.StatusMovedPermanently)
		}}, func(t *testing.T, res *sources.Result, err error) {
			if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "www.andere-eigenaar.nl") {
				t.Errorf("err = %v, want the other site named, not retried", err)
			}
		}},
		{"403", site{"/": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }},
			func(t *testing.T, res *sources.Result, err error) {
				if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "refused the crawl") {
					t.Errorf("err = %v", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := fetch(t, website.New(viaProxy(t, c.site), sources.Config{}), start)
			c.check(t, res, err)
		})
	}
}

func TestSocialProfilesAreNotCrawled(t *testing.T) {
	h := websitetest.NewHandler()
	src := website.New(viaProxy(t, h), sources.Config{})
	for _, s := range []string{"url:https://www.instagram.com/testbvdonald/", "domain:linkedin.com", "url:https://twitter.com/acme"} {
		res, err := fetch(t, src, s)
		if err != nil || res.Found || len(res.Evidence) != 0 {
			t.Errorf("%s: res %+v err %v; want nothing", s, res, err)
		}
	}
	if h.Requests() != 0 {
		t.Errorf("%d requests for social profiles", h.Requests())
	}
}

func TestConformance(t *testing.T) {
	sample := subject.Subject{Type: subject.URL, Value: "http://www.voorbeeld-bv.nl/"}
	sourcetest.Run(t, func(baseURL string) sources.Source {
		// The suite's server is the whole internet here: the crawler
		// reaches it as its proxy.
		c, err := egress.New(egress.Config{Proxy: baseURL})
		if err != nil {
			t.Fatal(err)
		}
		return website.New(c, sources.Config{Timeout: sourcetest.Timeout})
	}, sample)
}
