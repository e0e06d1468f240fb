package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

// Tokens are verrijk's users: each names a user, a role and a team. The
// secret is shown once, at creation; the store keeps only its hash.

// maxTokenLifetime caps what one token may be issued for.
const maxTokenLifetime = 5 * 366 * 24 * time.Hour

// IssueToken creates a token for user and records token.created in the
// same transaction; it returns the secret (shown once) and the stored
// record. The CLI and the admin API both issue through here.
func IssueToken(ctx context.Context, st store.Store, actor audit.Actor, t store.Token) (string, store.Token, error) {
	if msg := checkTokenFields(t); msg != "" {
		return "", store.Token{}, errors.New(msg)
	}
	secret, hash, err := NewToken()
	if err != nil {
		return "", store.Token{}, err
	}
	t.Hash = hash
	err = st.Atomic(ctx, func(tx store.Store) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return fmt.Errorf("storing token: %w", err)
		}
		detail := "id=" + TokenID(hash) + " role=" + t.Role + " team=" + t.Team
		if !t.ExpiresAt.IsZero() {
			detail += " expires=" + t.ExpiresAt.UTC().Format(time.RFC3339)
		}
		_, err := audit.New(tx).Record(ctx, actor, audit.Entry{Action: audit.ActionTokenCreated,
			ObjectType: "user", ObjectID: t.User, Detail: detail})
		return err
	})
	if err != nil {
		return "", store.Token{}, err
	}
	t.ID = TokenID(hash)
	return secret, t, nil
}

// TokenID is the public id of a token: the start of its hash, which is
// what `verrijk token list` and the API show.
func TokenID(hash string) string { return hash[:12] }

// RevokeToken revokes the token with that id and records token.revoked
// (naming its user, so an auditor can tell whose access ended) in the same
// transaction. store.ErrNotFound when there is no such token.
func RevokeToken(ctx context.Context, st store.Store, actor audit.Actor, id string) (store.Token, error) {
	var revoked store.Token
	err := st.Atomic(ctx, func(tx store.Store) error {
		tokens, err := tx.ListTokens(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(tokens, func(t store.Token) bool { return t.ID == id })
		if i < 0 {
			return fmt.Errorf("token %q: %w", id, store.ErrNotFound)
		}
		revoked = tokens[i]
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		_, err = audit.New(tx).Record(ctx, actor, audit.Entry{Action: audit.ActionTokenRevoked, ObjectType: "user",
			ObjectID: revoked.User, Detail: "id=" + id + " role=" + revoked.Role + " team=" + revoked.Team})
		return err
	})
	return revoked, err
}

// checkTokenFields names what is wrong with a token request, or "".
func checkTokenFields(t store.Token) string {
	var problems []string
	if msg := checkText("user", strings.TrimSpace(t.User), 1, 200); msg != "" {
		problems = append(problems, strings.TrimSuffix(msg, "; "))
	}
	if !slices.Contains(Roles, t.Role) {
		problems = append(problems, fmt.Sprintf("role %q is not one of %s", t.Role, strings.Join(Roles, ", ")))
	}
	if msg := checkText("team", t.Team, 0, 100); msg != "" {
		problems = append(problems, strings.TrimSuffix(msg, "; "))
	}
	if !t.ExpiresAt.IsZero() && (t.ExpiresAt.Before(time.Now()) || time.Until(t.ExpiresAt) > maxTokenLifetime) {
		problems = append(problems, "expires_at must be in the future and within five years")
	}
	return strings.Join(problems, "; ")
}

type tokenRequest struct {
	User      string    `json:"user"`
	Role      string    `json:"role"`
	Team      string    `json:"team"`
	ExpiresAt time.Time `json:"expires_at"`
}

// listTokens serves GET /tokens: every token (the users), never a secret.
func (s *server) listTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.Store.ListTokens(r.Context())
	if err != nil {
		s.writeStoreError(w, r, "tokens", err)
		return
	}
	if tokens == nil {
		tokens = []store.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": tokens})
}

// createToken serves POST /tokens: the answer holds the secret, once.
func (s *server) createToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if !decode(w, r, &req) {
		return
	}
	t := store.Token{User: strings.TrimSpace(req.User), Role: req.Role, Team: strings.TrimSpace(req.Team), ExpiresAt: req.ExpiresAt}
	if msg := checkTokenFields(t); msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	secret, stored, err := IssueToken(r.Context(), s.Store, principal(r), t)
	if err != nil {
		s.writeStoreError(w, r, "token", err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": stored.ID, "user": stored.User,
		"role": stored.Role, "team": stored.Team, "expires_at": stored.ExpiresAt})
}

// revokeToken serves DELETE /tokens/{id}.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("id"))
	if _, err := RevokeToken(r.Context(), s.Store, principal(r), id); err != nil {
		s.writeStoreError(w, r, "token "+id, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
