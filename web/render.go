package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	_ "time/tzdata" // Dutch local time on any machine
)

type pageTemplate = *template.Template

// page is what every template gets: the header's user, role, team and
// purpose, the CSRF token for forms, and the page's own data.
type page struct {
	Title   string
	Section string // which menu item is current
	User    string
	Role    string
	Team    string
	Purpose string // chosen purpose id ("" if none yet)
	CSRF    string
	Flash   string
	Nav     []navItem
	Data    any
}

type navItem struct {
	Href, Label, Section string
}

// navFor lists the menu of a role; the API decides what each may do, the
// menu only leaves out what a role cannot use at all.
func navFor(role string) []navItem {
	switch role {
	case "admin":
		return []navItem{{"/beheer/bronnen", "Bronnen", "bronnen"}, {"/beheer/doelen", "Doelen en grondslagen", "doelen"},
			{"/beheer/gebruikers", "Gebruikers en tokens", "gebruikers"}}
	case "auditor":
		return []navItem{{"/privacy/logboek", "Verwerkingslog", "logboek"}, {"/privacy/controle", "Controle logketen", "controle"},
			{"/privacy/bewaartermijnen", "Bewaartermijnen", "bewaartermijnen"}, {"/privacy/betrokkene", "Rapport betrokkene", "betrokkene"}}
	}
	return []navItem{{"/signalen", "Signalen", "signalen"}, {"/zoeken", "Zoeken", "zoeken"}, {"/doel", "Doel", "doel"}}
}

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}()

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
	"oktober", "november", "december"}

// when renders a moment as Dutch local time, e.g. "4 december 2026 14:05".
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(amsterdam)
	return t.Format("2 ") + months[t.Month()-1] + t.Format(" 2006 15:04")
}

func day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(amsterdam)
	return t.Format("2 ") + months[t.Month()-1] + t.Format(" 2006")
}

// webLink returns s when it is an http(s) URL, else "": only such links
// are made clickable (html/template would also neutralise javascript:,
// this keeps other schemes from becoming links at all).
func webLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

var funcs = template.FuncMap{
	"roleName":    roleName,
	"statusName":  statusName,
	"subjectName": subjectTypeName,
	"schemaName":  schemaName,
	"sourceName":  sourceName,
	"propLabel":   propLabel,
	"when":        when,
	"retention":   retentionText,
	"history":     history,
	"first":       first,
	"moment":      moment,
	"day":         day,
	"webLink":     webLink,
	"percent":     func(f float64) int { return int(f*100 + 0.5) },
	"add":         func(a, b int) int { return a + b },
	"join":        strings.Join,
	"short":       func(s string, n int) string { return clip(s, n) },
	"contains": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// parsePages builds one template set per page: the layout plus the page.
func parsePages() map[string]pageTemplate {
	layout := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html",
		"templates/parts.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]pageTemplate{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "parts.html" {
			continue
		}
		out[strings.TrimSuffix(base, ".html")] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, n))
	}
	return out
}

// render writes a page with status; a template error becomes a 500 with
// nothing of the half-rendered page sent.
func (u *ui) render(w http.ResponseWriter, r *http.Request, sess *session, status int, name string, p page) {
	if sess != nil {
		p.User, p.Role, p.Team, p.Purpose, p.CSRF = sess.user, sess.role, sess.team, sess.purposeID, sess.csrf
		p.Nav = navFor(sess.role)
		if p.Flash == "" {
			p.Flash = u.sessions.takeFlash(sess.id)
		}
	}
	t, ok := u.pages[name]
	if !ok {
		u.opts.Log.Error("no such page template", "page", name)
		http.Error(w, "Interne fout", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		u.opts.Log.Error("rendering page", "page", name, "err", err)
		http.Error(w, "Interne fout bij het tonen van de pagina", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorData struct {
	Heading, Message string
}

// errorPage shows a Dutch message; sess may be nil.
func (u *ui) errorPage(w http.ResponseWriter, r *http.Request, sess *session, status int, heading, msg string) {
	u.render(w, r, sess, status, "error", page{Title: heading, Data: errorData{heading, msg}})
}

// apiFailed shows an API error as a Dutch page with a fitting status. An
// expired or revoked token ends the session.
func (u *ui) apiFailed(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	status := http.StatusBadGateway
	if ae, ok := err.(*apiError); ok {
		status = ae.Status
		if ae.Status == http.StatusUnauthorized && sess != nil {
			u.sessions.remove(sess.id)
			sess = nil
		}
	} else {
		u.opts.Log.Error("web: API call failed", "path", r.URL.Path, "err", err)
	}
	u.errorPage(w, r, sess, status, "Dat lukte niet", errorText(err))
}

// flash stores a notice for the next page and redirects there (POST →
// redirect → GET, so a reload does not post again).
func (u *ui) flashRedirect(w http.ResponseWriter, r *http.Request, sess *session, msg, to string) {
	u.sessions.update(sess.id, func(s *session) { s.flash = msg })
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var schemaNames = map[string]string{
	"Company":       "Bedrijf",
	"Address":       "Adres",
	"Person":        "Persoon",
	"Vehicle":       "Voertuig",
	"Publication":   "Publicatie",
	"Domain":        "Domein",
	"Sanction":      "Screening (sancties en PEP)",
	"Website":       "Website",
	"SocialProfile": "Sociaal-mediaprofiel",
}

func schemaName(s string) string {
	if n, ok := schemaNames[s]; ok {
		return n
	}
	return s
}

var sourceNames = map[string]string{
	"kvk":            "KvK Handelsregister",
	"bag":            "BAG (Kadaster)",
	"rdw":            "RDW voertuigen",
	"bekendmakingen": "Officiële bekendmakingen",
	"rdap":           "RDAP domeinregistratie",
	"wayback":        "Internet Archive (Wayback)",
	"opensanctions":  "OpenSanctions",
}

func sourceName(s string) string {
	if n, ok := sourceNames[s]; ok {
		return n
	}
	return s
}
