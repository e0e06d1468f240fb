package store

import (
	"context"
	"fmt"
	"regexp"
)

// tokenIDLen is how many hex digits of the hash name a token.
const tokenIDLen = 12

var tokenIDPattern = regexp.MustCompile(`^[0-9a-f]{12}$`)

const tokenColumns = `hash, "user", role, team, created_at, expires_at, revoked_at`

// CreateToken stores a token by the hash of its secret; ErrConflict if that
// hash is taken.
func (s *sqlStore) CreateToken(ctx context.Context, t Token) error {
	if t.Hash == "" {
		return fmt.Errorf("creating token: empty hash")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	_, err := s.r().exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL)`,
		t.Hash, t.User, t.Role, t.Team, s.d.timeArg(t.CreatedAt), s.d.nullTimeArg(t.ExpiresAt))
	if isUnique(err) {
		return fmt.Errorf("creating token: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("creating token: %w", err)
	}
	return nil
}

// TokenByHash finds a token that is neither revoked nor expired. Both
// count as "not found", so every caller refuses them without knowing why.
func (s *sqlStore) TokenByHash(ctx context.Context, hash string) (Token, error) {
	t, err := scanToken(s.r().row(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, hash, s.d.timeArg(now())))
	if err != nil {
		return Token{}, notFound(err, "looking up token")
	}
	return t, nil
}

func (s *sqlStore) ListTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.r().query(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY created_at, hash`)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("listing tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes the token named by its ID. Two tokens sharing an ID
// (a 48-bit collision) are refused with ErrConflict rather than guessed at.
func (s *sqlStore) RevokeToken(ctx context.Context, id string) error {
	if !tokenIDPattern.MatchString(id) {
		return fmt.Errorf("revoking token %q: %w", id, ErrNotFound)
	}
	return s.inTx(ctx, func(r runner) error {
		var n int
		if err := r.row(ctx, `SELECT COUNT(*) FROM api_tokens WHERE substr(hash, 1, 12) = ?`, id).Scan(&n); err != nil {
			return fmt.Errorf("revoking token: %w", err)
		}
		switch {
		case n == 0:
			return fmt.Errorf("revoking token %s: %w", id, ErrNotFound)
		case n > 1:
			return fmt.Errorf("revoking token %s: id is ambiguous: %w", id, ErrConflict)
		}
		if _, err := r.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE substr(hash, 1, 12) = ? AND revoked_at IS NULL`,
			s.d.timeArg(now()), id); err != nil {
			return fmt.Errorf("revoking token: %w", err)
		}
		return nil
	})
}

func scanToken(row scanner) (Token, error) {
	var t Token
	var created, expires, revoked dbTime
	if err := row.Scan(&t.Hash, &t.User, &t.Role, &t.Team, &created, &expires, &revoked); err != nil {
		return Token{}, err
	}
	t.ID = t.Hash[:min(len(t.Hash), tokenIDLen)]
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = created.T, expires.T, revoked.T
	return t, nil
}
