package store

import (
	"context"
	"fmt"
	"strings"
)

// teamChunk bounds the ids in one IN list, well under SQLite's and
// PostgreSQL's limits on bound parameters.
const teamChunk = 500

// SignalTeams returns the owning team of each existing signal among ids
// ("" for a signal without a team); ids that name no signal are absent.
func (s *sqlStore) SignalTeams(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	r := s.r()
	for start := 0; start < len(ids); start += teamChunk {
		chunk := ids[start:min(start+teamChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		rows, err := r.query(ctx, `SELECT id, team FROM signals WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("reading signal teams: %w", err)
		}
		for rows.Next() {
			var id, team string
			if err := rows.Scan(&id, &team); err != nil {
				rows.Close()
				return nil, fmt.Errorf("reading signal teams: %w", err)
			}
			out[id] = team
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reading signal teams: %w", err)
		}
	}
	return out, nil
}
