package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/audit"
	"verrijk/store"
	"verrijk/web/oidctest"
)

// oidcFixture is the web UI with single sign-on against a local provider.
func oidcFixture(t *testing.T) (*fixture, *oidctest.Issuer) {
	is := oidctest.New("verrijk", "geheim")
	t.Cleanup(is.Close)
	f := newFixture(t, func(o *Options, serverURL string) {
		o.OIDC = &OIDCConfig{Issuer: is.URL, ClientID: "verrijk", ClientSecret: "geheim", RedirectURL: serverURL + "/oidc/callback",
			RoleClaim: "verrijk_role", TeamClaim: "verrijk_team"}
	})
	return f, is
}

// follow runs the whole redirect chain of an OIDC login, as a browser
// would, and returns the last answer.
func (b *browser) follow(path string) answer {
	b.t.Helper()
	p := b.get(path)
	for i := 0; i < 10 && (p.status == http.StatusFound || p.status == http.StatusSeeOther); i++ {
		loc := p.header.Get("Location")
		if strings.HasPrefix(loc, "/") {
			p = b.get(loc)
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, loc, nil)
		resp, err := b.client.Do(req)
		if err != nil {
			b.t.Fatal(err)
		}
		resp.Body.Close()
		p = answer{status: resp.StatusCode, header: resp.Header}
		if next := resp.Header.Get("Location"); strings.HasPrefix(next, b.f.srv.URL) {
			u, _ := url.Parse(next)
			p = b.get(u.RequestURI())
		}
	}
	return p
}

func TestOIDCLoginMintsAuditedSessionToken(t *testing.T) {
	f, is := oidcFixture(t)
	is.SetClaims(map[string]any{"sub": "s-1", "preferred_username": "olga", "verrijk_role": "coordinator", "verrijk_team": teamNoord})
	b := f.browser(t)
	mustContain(t, "login page", b.get("/inloggen").body, "Inloggen met je organisatieaccount")
	done := b.follow("/oidc/login")
	if done.status != http.StatusOK || !strings.Contains(done.body, `http-equiv="refresh"`) {
		t.Fatalf("OIDC callback answer %d: %s", done.status, done.body)
	}
	home := b.follow("/")
	mustContain(t, "page after OIDC login", home.body, "olga", "coördinator", "team team-noord")

	ctx := context.Background()
	logins, _ := f.store.ListAudit(ctx, store.AuditFilter{Action: audit.ActionLogin})
	if len(logins) != 1 || logins[0].ActorUser != "olga" || !strings.Contains(logins[0].Detail, "method=oidc") {
		t.Errorf("login audit = %+v", logins)
	}
	created, _ := f.store.ListAudit(ctx, store.AuditFilter{Action: "token.created"})
	if len(created) != 1 || created[0].ObjectID != "olga" {
		t.Fatalf("token.created audit = %+v", created)
	}
	tokens, _ := f.store.ListTokens(ctx)
	var minted store.Token
	for _, tk := range tokens {
		if tk.User == "olga" {
			minted = tk
		}
	}
	if minted.Role != "coordinator" || minted.Team != teamNoord || minted.ExpiresAt.IsZero() {
		t.Fatalf("minted token %+v: want coordinator of team-noord with an expiry", minted)
	}
	// Logging out revokes the session's token.
	b.post("/uitloggen", url.Values{})
	tokens, _ = f.store.ListTokens(ctx)
	for _, tk := range tokens {
		if tk.ID == minted.ID && tk.RevokedAt.IsZero() {
			t.Error("logout left the session token valid")
		}
	}
}

func TestOIDCRefusesMissingRoleForgedStateAndDeniedLogin(t *testing.T) {
	f, is := oidcFixture(t)
	b := f.browser(t)
	is.SetClaims(map[string]any{"sub": "s-2", "preferred_username": "piet", "verrijk_role": "superuser"})
	p := b.follow("/oidc/login")
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "geen rol voor verrijk") {
		t.Errorf("login with an unknown role = %d", p.status)
	}
	is.SetClaims(map[string]any{"sub": "s-3", "preferred_username": "ria", "verrijk_role": []any{"analyst", "admin"}})
	if p := b.follow("/oidc/login"); p.status != http.StatusUnauthorized {
		t.Errorf("login with two roles = %d, want refused", p.status)
	}
	is.SetRefuse(true)
	if p := b.follow("/oidc/login"); !strings.Contains(p.body, "geweigerd") {
		t.Errorf("login the provider refused = %d", p.status)
	}
	is.SetRefuse(false)
	// A callback this browser did not start is refused.
	other := f.browser(t)
	if p := other.get("/oidc/callback?state=x&code=y"); p.status != http.StatusUnauthorized {
		t.Errorf("forged callback = %d", p.status)
	}
	tokens, _ := f.store.ListTokens(context.Background())
	for _, tk := range tokens {
		if tk.User == "piet" || tk.User == "ria" {
			t.Errorf("a refused login got a token: %+v", tk)
		}
	}
}

func TestClaimRole(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{"analyst", "analyst"}, {"root", ""}, {nil, ""}, {[]any{"x", "auditor"}, "auditor"},
		{[]any{"admin", "auditor"}, ""}, {[]any{"admin", "admin"}, "admin"}, {42.0, ""},
	} {
		if got := claimRole(c.in); got != c.want {
			t.Errorf("claimRole(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
