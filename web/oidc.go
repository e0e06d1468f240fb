package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/store"
)

// OIDCConfig is single sign-on with an OpenID Connect provider
// (auth.oidc.* in the configuration).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // our /oidc/callback as the provider knows it
	RoleClaim    string // ID token claim with one of the four roles
	TeamClaim    string // ID token claim with the team; may be absent
	// HTTPClient talks to the provider. The provider is infrastructure the
	// organisation runs (often on an internal network), not an open
	// source, so it is not reached through egress; nil: a plain client
	// with a 10 s timeout.
	HTTPClient *http.Client
}

// oidcCookie names the pending login between our redirect to the provider
// and its redirect back.
const oidcCookie = "verrijk_oidc"

// pendingTTL is how long a browser may take at the provider's login page.
const pendingTTL = 10 * time.Minute

type pendingLogin struct {
	state, nonce, verifier, ret string
	created                     time.Time
}

type oidcLogin struct {
	cfg    OIDCConfig
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use: the provider may be down when we start
	pending  map[string]pendingLogin
}

func newOIDCLogin(cfg OIDCConfig) *oidcLogin {
	c := cfg.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return &oidcLogin{cfg: cfg, client: c, pending: map[string]pendingLogin{}}
}

func (o *oidcLogin) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.client)
}

// setup discovers the provider once and returns the OAuth2 config.
func (o *oidcLogin) setup(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(o.ctx(ctx), o.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discovering OIDC provider: %w", err)
		}
		o.provider = p
	}
	return o.provider, &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret,
		RedirectURL: o.cfg.RedirectURL, Endpoint: o.provider.Endpoint(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}, nil
}

func (o *oidcLogin) put(id string, p pendingLogin) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, v := range o.pending {
		if time.Since(v.created) > pendingTTL {
			delete(o.pending, k)
		}
	}
	if len(o.pending) < maxSessions {
		o.pending[id] = p
	}
}

// take returns and forgets a pending login: each is good for one callback.
func (o *oidcLogin) take(id string) (pendingLogin, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.pending[id]
	delete(o.pending, id)
	return p, ok && time.Since(p.created) <= pendingTTL
}

// oidcStart sends the browser to the provider: authorization code flow
// with PKCE, a state against forged callbacks and a nonce against
// replayed ID tokens.
func (u *ui) oidcStart(w http.ResponseWriter, r *http.Request) {
	if u.oidc == nil {
		http.NotFound(w, r)
		return
	}
	_, conf, err := u.oidc.setup(r.Context())
	if err != nil {
		u.opts.Log.Error("web: OIDC login", "err", err)
		u.showLogin(w, r, http.StatusBadGateway, "De inlogdienst van je organisatie is nu niet bereikbaar. Probeer het later opnieuw of log in met een token.")
		return
	}
	p := pendingLogin{state: randomID(), nonce: randomID(), verifier: oauth2.GenerateVerifier(),
		ret: safeReturn(r.FormValue("terug")), created: time.Now()}
	id := randomID()
	u.oidc.put(id, p)
	u.setCookie(w, r, oidcCookie, id, "/oidc/", pendingTTL, http.SameSiteLaxMode)
	http.Redirect(w, r, conf.AuthCodeURL(p.state, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier)),
		http.StatusFound)
}

// errLoginRefused is a login the provider or the claims refuse; its text
// is shown to the user.
type errLoginRefused struct{ msg string }

func (e errLoginRefused) Error() string { return e.msg }

// oidcCallback finishes the login: it exchanges the code, verifies the ID
// token, reads role and team from its claims, mints a short-lived API
// token for the session and records the login.
func (u *ui) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if u.oidc == nil {
		http.NotFound(w, r)
		return
	}
	s, err := u.oidcIdentity(r)
	if err != nil {
		var refused errLoginRefused
		msg := "Inloggen via de inlogdienst is mislukt. Probeer het opnieuw."
		if errors.As(err, &refused) {
			msg = refused.msg
		} else {
			u.opts.Log.Warn("web: OIDC callback", "err", err)
		}
		u.setCookie(w, r, oidcCookie, "", "/oidc/", -1, http.SameSiteLaxMode)
		u.showLogin(w, r, http.StatusUnauthorized, msg)
		return
	}
	sess, ok := u.startSession(w, r, s.session, "oidc")
	if !ok {
		_, _ = api.RevokeToken(r.Context(), u.opts.Store, s.actor(r), s.tokenID)
		return
	}
	u.setCookie(w, r, oidcCookie, "", "/oidc/", -1, http.SameSiteLaxMode)
	to := s.ret
	if to == "" {
		to = landing(sess.role)
	}
	// The provider's redirect was a cross-site navigation, on which the
	// browser withholds SameSite=Strict cookies; a page of ours that moves
	// on is a same-site navigation that carries the new session cookie.
	u.render(w, r, nil, http.StatusOK, "continue", page{Title: "Ingelogd", Data: to})
}

type oidcResult struct {
	session
	ret string
}

func (u *ui) oidcIdentity(r *http.Request) (oidcResult, error) {
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return oidcResult{}, errLoginRefused{"De inlogpoging is verlopen. Begin opnieuw."}
	}
	p, ok := u.oidc.take(c.Value)
	if !ok || r.FormValue("state") == "" || r.FormValue("state") != p.state {
		return oidcResult{}, errLoginRefused{"De inlogpoging is verlopen of niet door deze browser begonnen. Begin opnieuw."}
	}
	if e := r.FormValue("error"); e != "" {
		return oidcResult{}, errLoginRefused{"De inlogdienst heeft de aanmelding geweigerd."}
	}
	provider, conf, err := u.oidc.setup(r.Context())
	if err != nil {
		return oidcResult{}, err
	}
	ctx := u.oidc.ctx(r.Context())
	tok, err := conf.Exchange(ctx, r.FormValue("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		return oidcResult{}, fmt.Errorf("exchanging code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return oidcResult{}, errors.New("token answer without id_token")
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: u.oidc.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return oidcResult{}, fmt.Errorf("verifying id_token: %w", err)
	}
	if idt.Nonce != p.nonce {
		return oidcResult{}, errors.New("id_token nonce does not match")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return oidcResult{}, fmt.Errorf("reading claims: %w", err)
	}
	role := claimRole(claims[u.oidc.cfg.RoleClaim])
	if role == "" {
		return oidcResult{}, errLoginRefused{"Je account heeft geen rol voor verrijk (analist, coördinator, beheerder of auditor). Vraag je beheerder om er een toe te kennen."}
	}
	team, _ := claims[u.oidc.cfg.TeamClaim].(string)
	user := firstString(claims, "preferred_username", "email", "name")
	if user == "" {
		user = idt.Subject
	}
	res := oidcResult{session: session{user: clip(user, 200), role: role, team: clip(team, 100)}, ret: p.ret}
	// The session's API token lives no longer than the session can; its
	// issue is audited (token.created) like any other.
	secret, t, err := api.IssueToken(r.Context(), u.opts.Store, res.actor(r), store.Token{User: res.user, Role: role,
		Team: res.team, ExpiresAt: time.Now().Add(maxLifetime).UTC()})
	if err != nil {
		return oidcResult{}, fmt.Errorf("minting session token: %w", err)
	}
	res.token, res.tokenID = secret, t.ID
	return res, nil
}

func (s oidcResult) actor(r *http.Request) audit.Actor {
	return audit.Actor{User: s.user, Role: s.role, Team: s.team, Origin: clientAddr(r)}
}

// claimRole accepts a role claim that is one role, or a list holding
// exactly one of the four roles.
func claimRole(v any) string {
	switch x := v.(type) {
	case string:
		if slices.Contains(api.Roles, x) {
			return x
		}
	case []any:
		found := ""
		for _, e := range x {
			if s, ok := e.(string); ok && slices.Contains(api.Roles, s) {
				if found != "" && found != s {
					return "" // two roles: ambiguous, refuse rather than guess
				}
				found = s
			}
		}
		return found
	}
	return ""
}

func firstString(claims map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := claims[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
