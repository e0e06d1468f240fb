package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RecordAuditHead records the chain's current last entry (sequence number
// and hash); recording the same head twice is a no-op. An empty log has no
// head: the zero AuditHead is returned.
func (s *sqlStore) RecordAuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	err := s.r().row(ctx, `SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditHead{}, nil
	}
	if err != nil {
		return AuditHead{}, fmt.Errorf("reading the audit head: %w", err)
	}
	h.RecordedAt = now()
	if _, err := s.r().exec(ctx, `INSERT INTO audit_heads (seq, hash, recorded_at) VALUES (?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
		h.Seq, h.Hash, s.d.timeArg(h.RecordedAt)); err != nil {
		return AuditHead{}, fmt.Errorf("recording the audit head: %w", err)
	}
	return h, nil
}

// AuditHeads lists the recorded heads, oldest first.
func (s *sqlStore) AuditHeads(ctx context.Context) ([]AuditHead, error) {
	rows, err := s.r().query(ctx, `SELECT seq, hash, recorded_at FROM audit_heads ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("reading audit heads: %w", err)
	}
	defer rows.Close()
	var out []AuditHead
	for rows.Next() {
		var h AuditHead
		var at dbTime
		if err := rows.Scan(&h.Seq, &h.Hash, &at); err != nil {
			return nil, fmt.Errorf("reading audit heads: %w", err)
		}
		h.RecordedAt = at.T
		out = append(out, h)
	}
	return out, rows.Err()
}
