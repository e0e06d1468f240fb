// Package oidctest is a small OpenID Connect provider for tests: discovery,
// JWKS, an authorize endpoint that logs in whoever Claims names without
// asking, and a token endpoint that checks the client, the redirect URI and
// the PKCE verifier before it signs an ID token. It speaks the real
// protocol, so go-oidc and x/oauth2 are tested against it unchanged.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Issuer is a running test provider.
type Issuer struct {
	*httptest.Server
	ClientID     string
	ClientSecret string

	key *rsa.PrivateKey

	mu     sync.Mutex
	claims map[string]any
	grants map[string]grant
	// Refuse makes the authorize endpoint answer error=access_denied.
	refuse bool
}

type grant struct {
	clientID, redirect, challenge, nonce string
	claims                               map[string]any
}

// New starts a provider for one client; Close it when done.
func New(clientID, clientSecret string) *Issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	is := &Issuer{ClientID: clientID, ClientSecret: clientSecret, key: key, grants: map[string]grant{},
		claims: map[string]any{"sub": "user-1", "preferred_username": "olga"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", is.discovery)
	mux.HandleFunc("GET /jwks", is.jwks)
	mux.HandleFunc("GET /authorize", is.authorize)
	mux.HandleFunc("POST /token", is.token)
	is.Server = httptest.NewServer(mux)
	return is
}

// SetClaims sets the claims of the next logins (sub, preferred_username,
// role and team claims, …).
func (is *Issuer) SetClaims(c map[string]any) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.claims = c
}

// SetRefuse makes the provider refuse (or again accept) logins.
func (is *Issuer) SetRefuse(refuse bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.refuse = refuse
}

func (is *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": is.URL, "authorization_endpoint": is.URL + "/authorize", "token_endpoint": is.URL + "/token",
		"jwks_uri": is.URL + "/jwks", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (is *Issuer) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &is.key.PublicKey, KeyID: "test-key", Algorithm: string(jose.RS256), Use: "sig"}}})
}

// authorize logs the configured user in at once and sends the browser back.
func (is *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("client_id") != is.ClientID || q.Get("response_type") != "code" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	is.mu.Lock()
	refuse, claims := is.refuse, is.claims
	is.mu.Unlock()
	switch {
	case refuse:
		back.Set("error", "access_denied")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
	default:
		code := randomString()
		is.mu.Lock()
		is.grants[code] = grant{clientID: is.ClientID, redirect: redirect.String(), challenge: q.Get("code_challenge"),
			nonce: q.Get("nonce"), claims: claims}
		is.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token redeems a code once, for the right client, redirect URI and PKCE
// verifier, with a signed ID token.
func (is *Issuer) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != is.ClientID || secret != is.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	code := r.PostFormValue("code")
	is.mu.Lock()
	g, found := is.grants[code]
	delete(is.grants, code)
	is.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	claims := map[string]any{}
	for k, v := range g.claims {
		claims[k] = v
	}
	claims["iss"], claims["aud"], claims["iat"], claims["exp"] = is.URL, is.ClientID, now.Unix(), now.Add(5*time.Minute).Unix()
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	idToken, err := is.sign(claims)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": randomString(), "token_type": "Bearer",
		"expires_in": 300, "id_token": idToken})
}

func (is *Issuer) sign(claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: is.key, KeyID: "test-key"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
