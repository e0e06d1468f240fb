package store

import (
	"context"
	"fmt"
	"time"
)

// PurposeExpiry summarises the links held under one purpose: what the
// retention sweep will delete, and when.
type PurposeExpiry struct {
	PurposeID    string    `json:"purpose_id"`
	Links        int       `json:"links"`
	Entities     int       `json:"entities"`
	Signals      int       `json:"signals"`
	NextExpiry   time.Time `json:"next_expiry,omitzero"`
	LastExpiry   time.Time `json:"last_expiry,omitzero"`
	ExpiringSoon int       `json:"expiring_soon"` // at or before the soon moment asked for
}

// SignalActivity summarises the signals' own retention: how many there
// are and the oldest last activity (the next to be purged).
type SignalActivity struct {
	Signals        int       `json:"signals"`
	OldestActivity time.Time `json:"oldest_activity,omitzero"`
	InactiveBefore int       `json:"inactive_before"` // last activity at or before the moment asked for
}

// LinkExpiries returns, per purpose with links, the counts and expiry
// range; soon marks what counts as expiring soon.
func (s *sqlStore) LinkExpiries(ctx context.Context, soon time.Time) ([]PurposeExpiry, error) {
	rows, err := s.r().query(ctx, `SELECT purpose_id, COUNT(*), COUNT(DISTINCT entity_id), COUNT(DISTINCT signal_id),
		MIN(expires_at), MAX(expires_at), SUM(CASE WHEN expires_at <= ? THEN 1 ELSE 0 END)
		FROM signal_entity_links GROUP BY purpose_id ORDER BY purpose_id`, s.d.timeArg(soon))
	if err != nil {
		return nil, fmt.Errorf("summarising link expiries: %w", err)
	}
	defer rows.Close()
	out := []PurposeExpiry{}
	for rows.Next() {
		var p PurposeExpiry
		var first, last dbTime
		if err := rows.Scan(&p.PurposeID, &p.Links, &p.Entities, &p.Signals, &first, &last, &p.ExpiringSoon); err != nil {
			return nil, fmt.Errorf("summarising link expiries: %w", err)
		}
		p.NextExpiry, p.LastExpiry = first.T, last.T
		out = append(out, p)
	}
	return out, rows.Err()
}

// SignalActivitySummary counts the signals, the oldest last activity and
// how many were last active at or before cutoff.
func (s *sqlStore) SignalActivitySummary(ctx context.Context, cutoff time.Time) (SignalActivity, error) {
	var a SignalActivity
	var oldest dbTime
	err := s.r().row(ctx, `SELECT COUNT(*), MIN(updated_at), COALESCE(SUM(CASE WHEN updated_at <= ? THEN 1 ELSE 0 END), 0)
		FROM signals`, s.d.timeArg(cutoff)).Scan(&a.Signals, &oldest, &a.InactiveBefore)
	if err != nil {
		return a, fmt.Errorf("summarising signals: %w", err)
	}
	a.OldestActivity = oldest.T
	return a, nil
}
