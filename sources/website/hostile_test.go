package website_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"verrijk/sources"
	"verrijk/sources/website"
)

// recorder wraps a site and keeps the host and path of every request, with
// its time.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	hits []hit
}

type hit struct {
	hostPath string
	at       time.Time
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.hits = append(r.hits, hit{req.Host + req.URL.Path, time.Now()})
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func (r *recorder) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, h := range r.hits {
		out = append(out, h.hostPath)
	}
	return out
}

func TestHostileSite(t *testing.T) {
	var links strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&links, `<a href="/p%d">p%d</a>`, i, i)
	}
	long := "/" + strings.Repeat("a", 3000)
	rec := &recorder{h: site{
		"/": page(`<html><body>` +
			`<a href="/big">big</a><a href="/away">away</a><a href="` + long + `">long</a>` +
			`<a href="/archief.ZIP">zip</a><a href="/foto.jpeg?x=1">foto</a><a href="ftp://www.voorbeeld-bv.nl/x">ftp</a>` +
			`<a href="http://user:pw@www.voorbeeld-bv.nl/login">creds</a><a href="http://www.voorbeeld-bv.nl:8080/">other port</a>` +
			`<a href="http://shop.voorbeeld-bv.nl/">shop</a>` + links.String() + `</body></html>`),
		"/big": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			chunk := []byte(strings.Repeat("<p>groot</p>", 4096))
			for range 200 { // 9.6 MB, past the page cap
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"/away": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://www.elders-voorbeeld.nl/", http.StatusFound)
		},
	}}
	src := website.New(viaProxy(t, rec), sources.Config{MaxPages: 200, MaxDepth: 1})
	res, err := fetch(t, src, "url:http://www.voorbeeld-bv.nl/")
	if err != nil {
		t.Fatal(err)
	}
	asked := rec.paths()
	for _, p := range asked {
		switch {
		case strings.HasPrefix(p, "www.elders-voorbeeld.nl"):
			t.Errorf("followed a redirect off the site: %s", p)
		case len(p) > 2048, strings.Contains(p, ".ZIP"), strings.Contains(p, ".jpeg"), strings.Contains(p, ":8080"):
			t.Errorf("fetched %.80s", p)
		}
	}
	// Only the first 200 links of a page are looked at: of the 1000 /pN
	// links those before the cap, after the 9 other links.
	pn := 0
	for _, p := range asked {
		if strings.HasPrefix(p, "www.voorbeeld-bv.nl/p") {
			pn++
		}
	}
	if pn != 200-9 {
		t.Errorf("%d /pN links followed, want %d", pn, 200-9)
	}
	for _, ev := range res.Evidence {
		if strings.HasSuffix(ev.URL, "/big") {
			t.Error("a page past the cap was kept")
		}
	}
	// The subdomain is the same site: asked for its robots.txt and page.
	if !contains(asked, "shop.voorbeeld-bv.nl/robots.txt") || !contains(asked, "shop.voorbeeld-bv.nl/") {
		t.Errorf("the site's subdomain was not crawled: %v", asked[:min(len(asked), 12)])
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Two requests to one host are at least the delay apart.
func TestPolitenessDelay(t *testing.T) {
	rec := &recorder{h: site{
		"/robots.txt": page("User-agent: *\nAllow: /\n"),
		"/":           page(`<a href="/a">a</a><a href="/b">b</a>`),
		"/a":          page("a"), "/b": page("b"),
	}}
	const delay = 60 * time.Millisecond
	if _, err := fetch(t, website.New(viaProxy(t, rec), sources.Config{Delay: delay}), "url:http://www.voorbeeld-bv.nl/"); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.hits) != 4 {
		t.Fatalf("%d requests, want robots.txt, /, /a, /b", len(rec.hits))
	}
	for i := 1; i < len(rec.hits); i++ {
		if gap := rec.hits[i].at.Sub(rec.hits[i-1].at); gap < delay {
			t.Errorf("%s came %s after %s, want at least %s", rec.hits[i].hostPath, gap, rec.hits[i-1].hostPath, delay)
		}
	}
}

// A slow site ends the crawl at its budget with what was read, not with an
// error that would throw the pages away.
func TestCrawlBudget(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(120 * time.Millisecond)
		page(`<a href="/`+fmt.Sprint(time.Now().UnixNano())+`">next</a>`)(w, r)
	}
	rec := &recorder{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		slow(w, r)
	})}
	// Timeout 200ms: budget 600ms, room for about four slow pages of 20.
	src := website.New(viaProxy(t, rec), sources.Config{Timeout: 200 * time.Millisecond, MaxDepth: 50})
	res, err := fetch(t, src, "url:http://www.voorbeeld-bv.nl/")
	if err != nil {
		t.Fatalf("budget used up: err = %v, want the pages read so far", err)
	}
	if !res.Found || countKind(res, website.KindPage) >= 20 {
		t.Errorf("%d pages: want some, fewer than max_pages", countKind(res, website.KindPage))
	}
}

// The evidence is the bytes the site sent, whatever colly makes of them.
func TestEvidenceKeepsRawBytes(t *testing.T) {
	latin1 := "<html><body>Caf\xe9 de Wijk, Stra\xdfe</body></html>"
	rec := &recorder{h: site{"/": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte(latin1))
	}}}
	res, err := fetch(t, website.New(viaProxy(t, rec), sources.Config{}), "url:http://www.voorbeeld-bv.nl/")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Evidence) != 1 || string(res.Evidence[0].Body) != latin1 {
		t.Errorf("evidence = %+v, want the ISO-8859-1 bytes as sent", res.Evidence)
	}
}
