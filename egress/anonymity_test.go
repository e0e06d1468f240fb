package egress

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gocolly/colly/v2"
)

// allowedHeaders is everything a request may carry on its own: what
// identifies nobody. Adapters add Accept and API keys; this test's
// requests add nothing, so nothing else may show up.
var allowedHeaders = []string{"User-Agent", "Accept", "Accept-Encoding"}

// anonServer records every request in full and sets a tracking cookie on
// each answer; "/" links to "/next".
type anonServer struct {
	*httptest.Server
	mu    sync.Mutex
	dumps []string
	reqs  []*http.Request
}

func newAnonServer(t *testing.T) *anonServer {
	s := &anonServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, true)
		s.mu.Lock()
		s.dumps = append(s.dumps, string(dump))
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "visitor", Value: "tracked-1", Path: "/"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<html><body><a href="/next">volgende</a></body></html>`))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *anonServer) requests() ([]*http.Request, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs), slices.Clone(s.dumps)
}

// checkAnonymous fails unless every request carried only neutral headers,
// the configured User-Agent, no cookie, no Referer and nothing of the
// analyst, whose name and organisation are in analyst.
func checkAnonymous(t *testing.T, reqs []*http.Request, dumps []string, ua string, analyst ...string) {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("no request arrived")
	}
	for i, r := range reqs {
		for k := range r.Header {
			if !slices.Contains(allowedHeaders, k) {
				t.Errorf("request %d (%s) carries header %s: %q", i, r.URL.Path, k, r.Header.Get(k))
			}
		}
		if got := r.UserAgent(); got != ua {
			t.Errorf("request %d User-Agent = %q, want %q", i, got, ua)
		}
		if len(r.Cookies()) > 0 || r.Referer() != "" {
			t.Errorf("request %d carries cookies %v / Referer %q", i, r.Cookies(), r.Referer())
		}
		for _, who := range analyst {
			if strings.Contains(strings.ToLower(dumps[i]), strings.ToLower(who)) {
				t.Errorf("request %d names %q:\n%s", i, who, dumps[i])
			}
		}
	}
}

func TestDoIsAnonymous(t *testing.T) {
	srv := newAnonServer(t)
	c := labClient(t, Config{})
	// Whatever an adapter or a caller's context might carry about who asks
	// must not become part of the request.
	ctx := context.WithValue(context.Background(), struct{ user string }{}, "anna.analist@gemeente.example")
	for _, p := range []string{"/", "/next"} {
		if _, err := c.Do(ctx, Request{Source: "t", URL: srv.URL + p}); err != nil {
			t.Fatal(err)
		}
	}
	reqs, dumps := srv.requests()
	checkAnonymous(t, reqs, dumps, DefaultUserAgent, "anna", "gemeente", "verrijk")
}

func TestCollectorIsAnonymous(t *testing.T) {
	srv := newAnonServer(t)
	const ua = "Mozilla/5.0 (X11; Linux x86_64)"
	c := labClient(t, Config{UserAgent: ua})
	col := c.Collector("website")
	// A careless crawler adds a Referer and its own name; egress takes both out.
	col.OnRequest(func(r *colly.Request) {
		r.Headers.Set("Referer", "https://intranet.gemeente.example/zaak/123")
		r.Headers.Set("User-Agent", "verrijk-crawler (gemeente)")
	})
	col.OnHTML("a[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
	if err := col.Visit(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	reqs, dumps := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want / and /next", len(reqs))
	}
	checkAnonymous(t, reqs, dumps, ua, "gemeente", "verrijk", "intranet")

	// Even a jar handed to colly against the rules never learns a cookie:
	// the bridge drops Set-Cookie before colly sees the answer.
	col2 := c.Collector("website")
	jar, _ := cookiejar.New(nil)
	col2.SetCookieJar(jar)
	for _, p := range []string{"/next?a", "/next?b"} {
		if err := col2.Visit(srv.URL + p); err != nil {
			t.Fatal(err)
		}
	}
	reqs, dumps = srv.requests()
	checkAnonymous(t, reqs[2:], dumps[2:], ua)
	if u, _ := url.Parse(srv.URL); len(jar.Cookies(u)) > 0 {
		t.Errorf("the jar learnt %v", jar.Cookies(u))
	}
}

func TestCollectorIgnoresCollyEnvironment(t *testing.T) {
	t.Setenv("COLLY_CACHE_DIR", t.TempDir())
	t.Setenv("COLLY_USER_AGENT", "colly-from-env")
	t.Setenv("COLLY_MAX_DEPTH", "99")
	col := labClient(t, Config{}).Collector("website")
	if col.CacheDir != "" || col.UserAgent != DefaultUserAgent || col.MaxDepth != 0 || !col.IgnoreRobotsTxt {
		t.Errorf("collector took settings from the environment: cache %q, UA %q, depth %d, robots ignored %v",
			col.CacheDir, col.UserAgent, col.MaxDepth, col.IgnoreRobotsTxt)
	}
}
