package store

import (
	"context"
	"fmt"
)

// CreateToken stores a token by the hash of its secret; ErrConflict if that
// hash is taken.
func (s *sqlStore) CreateToken(ctx context.Context, t Token) error {
	if t.Hash == "" {
		return fmt.Errorf("creating token: empty hash")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	_, err := s.r().exec(ctx, `INSERT INTO api_tokens (hash, "user", role, team, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.Hash, t.User, t.Role, t.Team, s.d.timeArg(t.CreatedAt))
	if isUnique(err) {
		return fmt.Errorf("creating token: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("creating token: %w", err)
	}
	return nil
}

func (s *sqlStore) TokenByHash(ctx context.Context, hash string) (Token, error) {
	var t Token
	var created dbTime
	err := s.r().row(ctx, `SELECT hash, "user", role, team, created_at FROM api_tokens WHERE hash = ?`, hash).
		Scan(&t.Hash, &t.User, &t.Role, &t.Team, &created)
	if err != nil {
		return Token{}, notFound(err, "looking up token")
	}
	t.CreatedAt = created.T
	return t, nil
}
