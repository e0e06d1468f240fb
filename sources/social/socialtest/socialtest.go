// Package socialtest replays public profile pages of the six platforms
// (see sources/social/testdata/README.md), each under its own prefix
// (/instagram, /facebook, /linkedin, /tiktok, /x, /youtube), and the walls
// the platforms put up: X sends every visitor who is not logged in to its
// login flow, a private Instagram account sends them to the login page, a
// distrusted TikTok client gets a captcha. Tests and the offline demo point
// sources.social.platforms at it (PlatformURLs).
package socialtest

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"verrijk/sources/replay"
	"verrijk/sources/social"
)

// The replayed profiles' handles.
const (
	Handle         = "testbvdonald"             // on instagram, facebook, tiktok, x and youtube
	LinkedInHandle = "test-bv-donald"           // the LinkedIn company page
	YouTubeChannel = "UCxYz0123456789abcdeFGHI" // the same YouTube channel by id
	PrivateHandle  = "besloten"                 // Instagram: a private account, behind the login page
	BlockedHandle  = "geblokkeerd"              // TikTok: answered with a captcha
)

// PlatformURLs maps every platform to its prefix on a replay at base, as
// sources.Config.Platforms takes it.
func PlatformURLs(base string) map[string]string {
	out := map[string]string{}
	for _, p := range social.Platforms() {
		out[p] = strings.TrimRight(base, "/") + "/" + p
	}
	return out
}

// Files are the pages, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(social.Recorded) }

const html = "text/html; charset=utf-8"

// page is an answer of the replay.
type page struct {
	status int
	file   string // under testdata; "" with a redirect
	to     string // redirect target, under the platform's prefix
}

// pages maps platform-relative paths to answers.
var pages = map[string]map[string]page{
	"instagram": {
		"/" + Handle + "/":        {status: 200, file: "instagram/testbvdonald.html"},
		"/" + PrivateHandle + "/": {status: 302, to: "/accounts/login/?next=%2F" + PrivateHandle + "%2F"},
		"/accounts/login/":        {status: 200, file: "instagram/login.html"},
	},
	"facebook": {"/" + Handle: {status: 200, file: "facebook/testbvdonald.html"}},
	"linkedin": {"/company/" + LinkedInHandle + "/": {status: 200, file: "linkedin/test-bv-donald.html"}},
	"youtube": {
		"/@" + Handle:                {status: 200, file: "youtube/testbvdonald.html"},
		"/channel/" + YouTubeChannel: {status: 200, file: "youtube/testbvdonald.html"},
	},
	"tiktok": {
		"/@" + Handle:        {status: 200, file: "tiktok/testbvdonald.html"},
		"/@" + BlockedHandle: {status: 403, file: "tiktok/captcha.html"},
	},
	"x": {"/i/flow/login": {status: 200, file: "x/login.html"}},
}

// Handler serves the pages and counts requests by path.
type Handler struct {
	replay.Counter
	files fs.FS
}

// NewHandler returns a Handler serving the profiles.
func NewHandler() *Handler { return &Handler{files: Files()} }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)
	platform, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	rest = "/" + rest
	byPath, ok := pages[platform]
	if !ok {
		http.NotFound(w, r)
		return
	}
	p, ok := byPath[rest]
	if !ok && platform == "x" {
		// X shows no profile to visitors who are not logged in.
		p, ok = page{status: 302, to: "/i/flow/login?redirect_after_login=" + url.QueryEscape(rest)}, true
	}
	if !ok {
		w.Header().Set("Content-Type", html)
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`<!DOCTYPE html><html><head><title>Pagina niet gevonden</title></head>` +
			`<body><h2>Deze pagina is niet beschikbaar.</h2></body></html>`))
		return
	}
	if p.to != "" {
		http.Redirect(w, r, "/"+platform+p.to, p.status)
		return
	}
	body, err := fs.ReadFile(h.files, p.file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", html)
	w.WriteHeader(p.status)
	w.Write(body)
}
