package store

import (
	"context"
	"fmt"
	"time"

	"verrijk/pipeline/entity"
)

// ChangedEntities reads the change feed: entities whose record or links
// changed at or after since. Upserts and links both set updated_at.
func (s *sqlStore) ChangedEntities(ctx context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	r := s.r()
	rows, err := r.query(ctx, `SELECT `+entityColumns+`, updated_at FROM entities
		WHERE updated_at >= ? ORDER BY updated_at, id LIMIT ?`, s.d.timeArg(normTime(since)), limit)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reading changed entities: %w", err)
	}
	var out []entity.Entity
	var last time.Time
	for rows.Next() {
		var updated dbTime
		e, err := scanEntity(scanWith(rows, &updated))
		if err != nil {
			rows.Close()
			return nil, time.Time{}, fmt.Errorf("reading changed entities: %w", err)
		}
		out = append(out, e)
		last = updated.T
	}
	// Close before the next query: SQLite has a single connection.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("reading changed entities: %w", err)
	}
	for i := range out {
		links, err := s.links(ctx, r, `entity_id = ?`, out[i].ID)
		if err != nil {
			return nil, time.Time{}, err
		}
		out[i].Signals = links[out[i].ID]
		if out[i].Signals == nil {
			out[i].Signals = []entity.Link{}
		}
	}
	return out, last, nil
}

// scanWith lets scanEntity read a row that has extra trailing columns.
func scanWith(row scanner, extra ...any) scanner {
	return extraScanner{row, extra}
}

type extraScanner struct {
	row   scanner
	extra []any
}

func (x extraScanner) Scan(dest ...any) error { return x.row.Scan(append(dest, x.extra...)...) }
