// Package web serves verrijk's browser pages, in Dutch. Everything is
// embedded in the binary and rendered on the server with html/template, so
// every value, scraped text above all, is escaped. The pages own no access
// rules: they call the JSON API in-process with the session's token (see
// apiclient.go). The Content-Security-Policy allows scripts and styles only
// from our own origin, no inline code, no frames and no other origin.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"verrijk/audit"
	"verrijk/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// csp: our own scripts, styles and images only; no inline code, no
// plugins, no frames, forms only to ourselves; connect-src for the
// progress stream.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Options wires the UI.
type Options struct {
	// API is verrijk's JSON API handler (api.New); every page goes through it.
	API http.Handler
	// Store is used for tokens only: to identify a pasted token, and to
	// issue and revoke the short-lived tokens of OIDC logins.
	Store store.Store
	Audit *audit.Logger // logins and logouts are recorded
	Log   *slog.Logger
	// SecureCookies marks cookies Secure even on plain HTTP (server.secure_cookies).
	SecureCookies bool
	// OIDC enables single sign-on; nil: token login only.
	OIDC *OIDCConfig
}

type ui struct {
	opts     Options
	sessions *sessions
	pages    map[string]pageTemplate
	oidc     *oidcLogin
}

// Handler serves the web UI.
func Handler(o Options) http.Handler { return newUI(o).routes() }

func newUI(o Options) *ui {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	u := &ui{opts: o, sessions: newSessions(), pages: parsePages()}
	if o.OIDC != nil {
		u.oidc = newOIDCLogin(*o.OIDC)
	}
	return u
}

func (u *ui) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, max-age=3600")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /{$}", u.home)
	mux.HandleFunc("GET /inloggen", u.loginPage)
	mux.HandleFunc("POST /inloggen", u.loginToken)
	mux.HandleFunc("GET /oidc/login", u.oidcStart)
	mux.HandleFunc("GET /oidc/callback", u.oidcCallback)

	// Pages for a logged-in user; every POST carries the session's CSRF token.
	auth := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, u.requireSession(h))
	}
	auth("POST /uitloggen", u.logout)
	auth("GET /doel", u.purposePage)
	auth("POST /doel", u.choosePurpose)
	auth("GET /signalen", u.signalList)
	auth("GET /signalen/nieuw", u.signalNew)
	auth("POST /signalen", u.signalCreate)
	auth("GET /signalen/{id}", u.signalView)
	auth("GET /signalen/{id}/bewerken", u.signalEdit)
	auth("POST /signalen/{id}/bewerken", u.signalUpdate)
	auth("POST /signalen/{id}/subjecten", u.subjectAdd)
	auth("GET /signalen/{id}/verrijken", u.enrichForm)
	auth("POST /signalen/{id}/verrijken", u.enrichStart)
	auth("GET /opdrachten/{id}", u.jobPage)
	auth("GET /opdrachten/{id}/voortgang", u.jobProgress)
	auth("GET /entiteiten/{id}", u.entityPage)
	auth("POST /entiteiten/{id}/kandidaten", u.candidateDecide)
	auth("POST /entiteiten/{id}/kandidaten/{other}/intrekken", u.candidateReverse)
	auth("GET /bewijs/{sha}", u.evidencePage)
	auth("GET /zoeken", u.searchPage)
	auth("GET /beheer/bronnen", u.adminSources)
	auth("POST /beheer/bronnen/{name}", u.adminSourceUpdate)
	auth("POST /beheer/bronnen/{name}/test", u.adminSourceTest)
	auth("GET /beheer/doelen", u.adminPurposes)
	auth("GET /beheer/doelen/nieuw", u.adminPurposeNew)
	auth("POST /beheer/doelen", u.adminPurposeCreate)
	auth("GET /beheer/doelen/{id}", u.adminPurposeEdit)
	auth("POST /beheer/doelen/{id}", u.adminPurposeUpdate)
	auth("GET /beheer/gebruikers", u.adminUsers)
	auth("POST /beheer/gebruikers", u.adminTokenCreate)
	auth("POST /beheer/gebruikers/{id}/intrekken", u.adminTokenRevoke)
	auth("GET /privacy/logboek", u.auditLog)
	auth("GET /privacy/controle", u.auditVerify)
	auth("GET /privacy/bewaartermijnen", u.retentionPage)
	auth("GET /privacy/betrokkene", u.subjectReport)
	auth("GET /privacy/betrokkene/afdruk", u.subjectPrintable)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u.errorPage(w, r, u.current(r), http.StatusNotFound, "Pagina niet gevonden",
			"Deze pagina bestaat niet. Controleer het adres of ga terug naar het begin.")
	})
	return u.headers(mux)
}

// headers sets the CSP on every answer of the UI, and refuses state
// changes from other origins before any handler runs.
func (u *ui) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// same-origin, not no-referrer: with no-referrer a browser sends
		// "Origin: null" on our own form posts, and the origin check below
		// needs the real one. Other sites still learn nothing.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
			http.Error(w, "Verzoek van een andere website geweigerd.", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin checks the Origin (or, lacking it, the Referer) of a state
// changing request against our own host. Browsers send Origin on every
// POST; a request with neither is from a non-browser client and is let
// through to the CSRF token check.
func sameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return true
	}
	o, err := url.Parse(src)
	return err == nil && strings.EqualFold(o.Host, r.Host)
}

// requireSession sends visitors without a session to the login page, and
// checks the CSRF token of every request that changes something.
func (u *ui) requireSession(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := u.current(r)
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/inloggen?terug="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			u.errorPage(w, r, nil, http.StatusUnauthorized, "Niet ingelogd", "Je sessie is verlopen. Log opnieuw in.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			got := r.PostFormValue("csrf")
			if got == "" {
				got = r.Header.Get("X-CSRF-Token")
			}
			if !sess.validCSRF(got) {
				u.errorPage(w, r, sess, http.StatusForbidden, "Verzoek geweigerd",
					"Het formulier was verlopen of kwam niet van deze site. Laad de pagina opnieuw en probeer het nog eens.")
				return
			}
		}
		h(w, r, sess)
	})
}

// maxFormBytes caps a posted form; the longest field is a description.
const maxFormBytes = 256 << 10

// home sends each role to where its work is.
func (u *ui) home(w http.ResponseWriter, r *http.Request) {
	sess := u.current(r)
	if sess == nil {
		http.Redirect(w, r, "/inloggen", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, landing(sess.role), http.StatusSeeOther)
}

func landing(role string) string {
	switch role {
	case "admin":
		return "/beheer/bronnen"
	case "auditor":
		return "/privacy/logboek"
	}
	return "/signalen"
}

// safeReturn keeps a post-login return path on this site.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}
