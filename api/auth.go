package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

// Roles (part of the external contract).
const (
	RoleAnalyst     = "analyst"
	RoleCoordinator = "coordinator"
	RoleAdmin       = "admin"
	RoleAuditor     = "auditor"
)

// Roles lists every role.
var Roles = []string{RoleAnalyst, RoleCoordinator, RoleAdmin, RoleAuditor}

// tokenPrefix makes verrijk tokens recognisable to secret scanners.
const tokenPrefix = "vrk_"

// NewToken returns a fresh random token and the hash to store for it.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is how a token is stored and looked up: only its SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type principalKey struct{}

// principal returns the authenticated caller as an audit actor.
func principal(r *http.Request) audit.Actor {
	a, _ := r.Context().Value(principalKey{}).(audit.Actor)
	return a
}

// authenticate resolves the bearer token and checks the caller's role.
func (s *server) authenticate(roles []string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="verrijk"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing bearer token")
			return
		}
		tok, err := s.Store.TokenByHash(r.Context(), HashToken(raw))
		if errors.Is(err, store.ErrNotFound) {
			if s.authLog.due("failed:"+clientAddr(r), failedAuthEvery, time.Now()) {
				// Never the token itself; the origin and the route only.
				_, _ = s.Audit.Record(r.Context(), audit.Actor{User: "unknown", Origin: clientAddr(r)}, audit.Entry{
					Action: audit.ActionAuthFailed, ObjectType: "route", ObjectID: r.Method + " " + r.URL.Path,
					Result: audit.ResultDenied, Detail: "unknown, expired or revoked token"})
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="verrijk", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "unknown or revoked token")
			return
		}
		if err != nil {
			s.writeStoreError(w, r, "token", err)
			return
		}
		actor := audit.Actor{User: tok.User, Role: tok.Role, Team: tok.Team, Origin: clientAddr(r)}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, actor))
		if s.authLog.due("use:"+tok.ID+"@"+actor.Origin, tokenUseEvery, time.Now()) {
			if _, err := s.Audit.Record(r.Context(), actor, audit.Entry{Action: audit.ActionTokenUsed,
				ObjectType: "user", ObjectID: tok.User, Detail: "id=" + tok.ID}); err != nil {
				s.writeStoreError(w, r, "audit entry", err)
				return
			}
		}
		if !slices.Contains(roles, tok.Role) {
			// A refusal is itself logged: probing is what an auditor looks for.
			s.deny(w, r, "route", r.Method+" "+r.URL.Path, "role "+tok.Role+" not allowed on "+r.Pattern,
				"role "+tok.Role+" may not use this route")
			return
		}
		next(w, r)
	})
}

// bearerToken returns the token of a Bearer Authorization header. The
// scheme name is case-insensitive (RFC 9110, section 11.1), so "bearer"
// from a hand-written client is accepted too.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
