package egress

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// admitAll admits everything and counts what it admitted.
type admitAll struct{ acquired atomic.Int32 }

func (l *admitAll) Acquire(context.Context, string, time.Duration) (Release, error) {
	l.acquired.Add(1)
	return func(context.Context, Outcome) {}, nil
}

func TestRoundTripperGoesThroughDo(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/new/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<a href="page">relative</a>`))
	})
	mux.HandleFunc("/new/page", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	lim := &admitAll{}
	c := labClient(t, Config{Limiter: lim})
	var seen []*Response
	col := c.Collector("website", WithResponses(func(r *Response) { seen = append(seen, r) }))
	col.OnHTML("a[href]", func(e *colly.HTMLElement) {
		if err := e.Request.Visit(e.Attr("href")); err != nil {
			t.Errorf("visiting %s: %v", e.Attr("href"), err)
		}
	})
	if err := col.Visit(srv.URL + "/old"); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("observed %d answers, want the redirected page and the linked one", len(seen))
	}
	// The relative link resolved against the final URL, /new/, not /old.
	if seen[0].URL != srv.URL+"/new/" || seen[1].URL != srv.URL+"/new/page" {
		t.Errorf("answers at %s and %s", seen[0].URL, seen[1].URL)
	}
	if seen[1].SHA256 != "3660315a9af3df255d8f19ab077e4797822b41488a0e2a04bc6af71213c23274" || string(seen[1].Body) != "page" {
		t.Errorf("evidence of /new/page: %+v", seen[1])
	}
	if n := lim.acquired.Load(); n != 2 {
		t.Errorf("the limiter admitted %d requests, want 2 (one per page; redirects follow inside one)", n)
	}
}

func TestRoundTripperTimeoutAndErrors(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c := labClient(t, Config{})
	hc := &http.Client{Transport: c.RoundTripper("website", WithTimeout(50*time.Millisecond))}
	_, err := hc.Get(srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded from the source's timeout", err)
	}

	// The guard's refusal comes through the http.Client's *url.Error intact.
	guarded, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&http.Client{Transport: guarded.RoundTripper("website")}).Get(srv.URL)
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Errorf("err = %v, want *BlockedError", err)
	}
}

func TestCheckRedirectKeepsCrawlOnSite(t *testing.T) {
	var offsite atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { offsite.Add(1) }))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.RedirectHandler(otherURL+"/elsewhere", http.StatusFound))
	defer srv.Close()
	home, _ := url.Parse(srv.URL)
	sameHost := func(next *url.URL) error {
		if next.Hostname() != home.Hostname() {
			return fmt.Errorf("%s is another site", next.Hostname())
		}
		return nil
	}
	c := labClient(t, Config{})
	_, err := c.Do(context.Background(), Request{Source: "website", URL: srv.URL, CheckRedirect: sameHost})
	if err == nil || !strings.Contains(err.Error(), "localhost is another site") {
		t.Errorf("err = %v, want the redirect refused", err)
	}
	if offsite.Load() != 0 {
		t.Error("the other site was asked")
	}
	// Without the check the same redirect is followed.
	if _, err := c.Do(context.Background(), Request{Source: "website", URL: srv.URL}); err != nil || offsite.Load() != 1 {
		t.Errorf("unchecked redirect: err = %v, other site asked %d times", err, offsite.Load())
	}
}
