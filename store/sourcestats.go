package store

import (
	"context"
	"fmt"
	"time"
)

// SourceStats reads each source's recent record from its tasks: how many
// lookups ended done or failed since a moment, the last success and the
// last error. The tasks table is the truth for all worker processes, so
// these figures hold across a cluster.
func (s *sqlStore) SourceStats(ctx context.Context, since time.Time) (map[string]SourceStat, error) {
	r := s.r()
	rows, err := r.query(ctx, `SELECT source, status, COUNT(*) FROM tasks
		WHERE updated_at >= ? AND status IN (?, ?) GROUP BY source, status`,
		s.d.timeArg(normTime(since)), StatusDone, StatusFailed)
	if err != nil {
		return nil, fmt.Errorf("counting tasks per source: %w", err)
	}
	out := map[string]SourceStat{}
	for rows.Next() {
		var source, status string
		var n int
		if err := rows.Scan(&source, &status, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("counting tasks per source: %w", err)
		}
		st := out[source]
		if status == StatusDone {
			st.Done = n
		} else {
			st.Failed = n
		}
		out[source] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting tasks per source: %w", err)
	}
	for _, status := range []string{StatusDone, StatusFailed} {
		if err := s.lastPerSource(ctx, r, status, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lastPerSource fills the latest task of each source with status.
func (s *sqlStore) lastPerSource(ctx context.Context, r runner, status string, out map[string]SourceStat) error {
	rows, err := r.query(ctx, `SELECT t.source, t.updated_at, t.error FROM tasks t
		JOIN (SELECT source, MAX(updated_at) AS last FROM tasks WHERE status = ? GROUP BY source) m
		ON t.source = m.source AND t.updated_at = m.last WHERE t.status = ?`, status, status)
	if err != nil {
		return fmt.Errorf("reading last %s task per source: %w", status, err)
	}
	defer rows.Close()
	for rows.Next() {
		var source, errText string
		var at dbTime
		if err := rows.Scan(&source, &at, &errText); err != nil {
			return fmt.Errorf("reading last %s task per source: %w", status, err)
		}
		st := out[source]
		if status == StatusDone {
			st.LastSuccess = at.T
		} else {
			st.LastError, st.LastErrorAt = errText, at.T
		}
		out[source] = st
	}
	return rows.Err()
}
