// Package websitetest serves a small Dutch company website (see
// sources/website/testdata/README.md) the way an HTTP forward proxy in
// front of the internet would: by the host name of each absolute-form
// request. Pointing sources.website.proxy at it makes a crawl of
// domain:testbvdonald.nl reach it without touching DNS or the network, and
// lets a test see every request the crawler made, on any host (hosts other
// than the site's answer 404). Requests sent to it directly (not as a
// proxy) get the site too, for a look in a browser during the offline demo.
package websitetest

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"verrijk/sources/replay"
	"verrijk/sources/website"
)

// The site's hosts: Host serves it, Domain redirects there.
const (
	Host   = "www.testbvdonald.nl"
	Domain = "testbvdonald.nl"
)

// Pages the crawler may read and keep by default settings (max_depth 2),
// in breadth-first order; the robots.txt comes first.
var Pages = []string{"/", "/over-ons", "/aanbod", "/contact", "/aanbod/appels", "/aanbod/peren"}

// NeverFetched lists paths a correct crawl never asks for: disallowed by
// robots.txt, a binary by its extension, or beyond the depth.
var NeverFetched = []string{"/intern/", "/downloads/prijslijst-2025.pdf", "/aanbod/appels/elstar", "/winkelwagen"}

// route is one served path.
type route struct {
	file        string // under sites/<Host>/
	contentType string
}

const html = "text/html; charset=utf-8"

var routes = map[string]route{
	"/robots.txt":                    {"robots.txt", "text/plain; charset=utf-8"},
	"/":                              {"index.html", html},
	"/over-ons":                      {"over-ons.html", html},
	"/aanbod":                        {"aanbod.html", html},
	"/aanbod/appels":                 {"aanbod/appels.html", html},
	"/aanbod/appels/elstar":          {"aanbod/appels-elstar.html", html},
	"/aanbod/peren":                  {"aanbod/peren.html", html},
	"/contact":                       {"contact.html", html},
	"/intern/":                       {"intern/index.html", html},
	"/documenten/folder":             {"documenten/folder.pdf", "application/pdf"},
	"/downloads/prijslijst-2025.pdf": {"downloads/prijslijst-2025.pdf", "application/pdf"},
}

// Files are the site's files, for tests that read them directly.
func Files() fs.FS {
	sub, err := fs.Sub(replay.Recordings(website.Recorded), "sites/"+Host)
	if err != nil {
		panic(err)
	}
	return sub
}

// Handler serves the site and counts requests by host and path
// ("www.testbvdonald.nl/contact"), CONNECT attempts as "CONNECT host:port".
type Handler struct {
	replay.Counter
	files fs.FS

	mu    sync.Mutex
	exact map[string]int
}

// NewHandler returns a Handler serving the site.
func NewHandler() *Handler { return &Handler{files: Files(), exact: map[string]int{}} }

// Asked counts the requests for exactly host+path ("www.testbvdonald.nl/aanbod"),
// where RequestsTo counts every path containing its argument.
func (h *Handler) Asked(hostPath string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.exact[hostPath]
}

func (h *Handler) count(key string) {
	h.Count(key)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.exact[key]++
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		// No certificates here: https cannot be served, as for a site
		// without working TLS.
		h.count("CONNECT " + r.Host)
		http.Error(w, "no TLS on this replay", http.StatusBadGateway)
		return
	}
	host := strings.ToLower(r.Host)
	if !r.URL.IsAbs() {
		host = Host // asked directly, not as a proxy
	}
	h.count(host + r.URL.Path)
	switch host {
	case Domain:
		http.Redirect(w, r, "http://"+Host+r.URL.RequestURI(), http.StatusMovedPermanently)
		return
	case Host:
	default:
		// The only site in this internet: any other host has nothing
		// (a domain without a website ends as Found false).
		notFound(w)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		notFound(w)
		return
	}
	body, err := fs.ReadFile(h.files, path.Clean(rt.file))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", rt.contentType)
	w.Write(body)
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", html)
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`<!DOCTYPE html><html lang="nl"><head><title>Pagina niet gevonden</title></head>` +
		`<body><h1>404</h1><p>Deze pagina bestaat niet. <a href="/">Naar de homepage</a></p></body></html>`))
}
