package store

import (
	"context"
	"fmt"
)

// PutSourceOverride stores an admin's run-time settings for a source,
// replacing earlier ones.
func (s *sqlStore) PutSourceOverride(ctx context.Context, o SourceOverride) error {
	o.UpdatedAt = now()
	_, err := s.r().exec(ctx, `INSERT INTO source_overrides (name, enabled, rate, concurrency, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, rate = excluded.rate,
			concurrency = excluded.concurrency, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		o.Name, o.Enabled, o.Rate, o.Concurrency, s.d.timeArg(o.UpdatedAt), o.UpdatedBy)
	if err != nil {
		return fmt.Errorf("storing settings of source %s: %w", o.Name, err)
	}
	return nil
}

// SourceOverrides returns every source's run-time settings, by name.
func (s *sqlStore) SourceOverrides(ctx context.Context) (map[string]SourceOverride, error) {
	rows, err := s.r().query(ctx, `SELECT name, enabled, rate, concurrency, updated_at, updated_by FROM source_overrides`)
	if err != nil {
		return nil, fmt.Errorf("reading source settings: %w", err)
	}
	defer rows.Close()
	out := map[string]SourceOverride{}
	for rows.Next() {
		var o SourceOverride
		var at dbTime
		if err := rows.Scan(&o.Name, &o.Enabled, &o.Rate, &o.Concurrency, &at, &o.UpdatedBy); err != nil {
			return nil, fmt.Errorf("reading source settings: %w", err)
		}
		o.UpdatedAt = at.T
		out[o.Name] = o
	}
	return out, rows.Err()
}
