package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/audit"
	"verrijk/store"
)

func TestEveryAnswerCarriesAStrictCSP(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	for _, path := range []string{"/inloggen", "/nope", "/static/app.js"} {
		p := b.get(path)
		csp := p.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP %q is not strict", path, csp)
		}
	}
	if p := b.get("/nope"); p.status != 404 || !strings.Contains(p.body, "niet gevonden") || !strings.Contains(p.body, `lang="nl"`) {
		t.Errorf("GET /nope = %d", p.status)
	}
}

func TestLoginWithTokenShowsWhoAndSetsSafeCookie(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	if p := b.get("/signalen"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/inloggen") {
		t.Fatalf("unauthenticated /signalen = %d %s", p.status, p.header.Get("Location"))
	}
	b.get("/inloggen")
	bad := b.post("/inloggen", url.Values{"token": {"vrk_nietgeldig"}})
	if bad.status != http.StatusUnauthorized || !strings.Contains(bad.body, "onbekend, verlopen of ingetrokken") {
		t.Errorf("bad token: %d", bad.status)
	}
	b.get("/inloggen")
	p := b.post("/inloggen", url.Values{"token": {f.tokens["analyst"]}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("login = %d %s", p.status, p.body)
	}
	var cookie string
	for _, c := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionCookie+"=") {
			cookie = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, f.tokens["analyst"]) {
		t.Error("the session cookie carries the API token")
	}
	home := b.get(p.header.Get("Location"))
	mustContain(t, "signal list header", home.body, "anna", "analist", "team team-noord", "Doel: nog niet gekozen", "Uitloggen")

	entries, err := f.store.ListAudit(context.Background(), store.AuditFilter{Action: audit.ActionLogin})
	if err != nil || len(entries) != 1 || entries[0].ActorUser != "anna" || !strings.Contains(entries[0].Detail, "method=token") {
		t.Errorf("login audit entries = %+v, %v", entries, err)
	}
	if out := b.post("/uitloggen", url.Values{}); out.status != http.StatusSeeOther {
		t.Fatalf("logout = %d", out.status)
	}
	if p := b.get("/signalen"); p.status != http.StatusSeeOther {
		t.Errorf("after logout /signalen = %d, want a redirect to the login", p.status)
	}
}

func TestSecureCookieBehindTLSProxyFlag(t *testing.T) {
	f := newFixture(t, func(o *Options, _ string) { o.SecureCookies = true })
	b := f.browser(t)
	b.get("/inloggen")
	p := b.post("/inloggen", url.Values{"token": {f.tokens["analyst"]}})
	if c := strings.Join(p.header.Values("Set-Cookie"), "\n"); !strings.Contains(c, "Secure") {
		t.Errorf("cookies %q are not Secure with SecureCookies set", c)
	}
}

func TestStateChangesNeedCSRFTokenAndSameOrigin(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("analyst")
	form := url.Values{"title": {"Signaal zonder token"}, "csrf": {"vervalst"}}
	if p := b.post("/signalen", form); p.status != http.StatusForbidden || !strings.Contains(p.body, "Verzoek geweigerd") {
		t.Errorf("POST with a wrong CSRF token = %d", p.status)
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/signalen", strings.NewReader(url.Values{"title": {"x"}, "csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://kwaadaardig.example")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST = %d, want 403", resp.StatusCode)
	}
	list, _, err := f.store.ListSignals(context.Background(), store.SignalFilter{Team: teamNoord, Limit: 10})
	if err != nil || len(list) != 0 {
		t.Errorf("refused posts stored signals: %v %v", list, err)
	}
}
