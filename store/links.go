package store

import (
	"context"
	"fmt"

	"verrijk/pipeline/entity"
)

// Link upserts the (signal, entity, purpose) link. Relinking moves it to the
// new job and keeps the later expiry, so a second enrichment can extend the
// retention but never shorten it; the purpose version follows the job (a
// zero one leaves the stored version as it is). A zero ExpiresAt means "not known" and
// leaves a stored expiry as it is.
func (s *sqlStore) Link(ctx context.Context, l entity.Link) error {
	if l.LinkedAt.IsZero() {
		l.LinkedAt = now()
	}
	// Touching the entity puts the new link on the change feed, so the
	// index projection sees it.
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, `INSERT INTO signal_entity_links (signal_id, entity_id, purpose_id, job_id, purpose_version, linked_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (signal_id, entity_id, purpose_id) DO UPDATE SET
			job_id = CASE WHEN excluded.job_id = '' THEN signal_entity_links.job_id ELSE excluded.job_id END,
			purpose_version = CASE WHEN excluded.purpose_version = 0 THEN signal_entity_links.purpose_version
				ELSE excluded.purpose_version END,
			expires_at = CASE
				WHEN excluded.expires_at IS NULL THEN signal_entity_links.expires_at
				WHEN signal_entity_links.expires_at IS NULL OR excluded.expires_at > signal_entity_links.expires_at
					THEN excluded.expires_at
				ELSE signal_entity_links.expires_at END`,
			l.SignalID, l.EntityID, l.PurposeID, l.JobID, l.PurposeVersion, s.d.timeArg(l.LinkedAt), s.d.nullTimeArg(l.ExpiresAt)); err != nil {
			return err
		}
		_, err := r.exec(ctx, `UPDATE entities SET updated_at = ? WHERE id = ?`, s.d.timeArg(now()), l.EntityID)
		return err
	})
	if isForeignKey(err) {
		return fmt.Errorf("linking entity %s to signal %s under purpose %s: %w", l.EntityID, l.SignalID, l.PurposeID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("linking entity: %w", err)
	}
	return nil
}

// SignalEntities returns the entities linked to the signal under the
// purpose, in link order, each with all its links.
func (s *sqlStore) SignalEntities(ctx context.Context, signalID, purposeID string) ([]entity.Entity, error) {
	r := s.r()
	rows, err := r.query(ctx, `SELECT e.id, e.schema, e.caption, e.properties, e.provenance, e.first_seen, e.last_seen
		FROM entities e JOIN signal_entity_links l ON l.entity_id = e.id
		WHERE l.signal_id = ? AND l.purpose_id = ? ORDER BY l.linked_at, e.id`, signalID, purposeID)
	if err != nil {
		return nil, fmt.Errorf("listing signal entities: %w", err)
	}
	out := []entity.Entity{}
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing signal entities: %w", err)
		}
		out = append(out, e)
	}
	// Close before the next query: SQLite has a single connection.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing signal entities: %w", err)
	}
	links, err := s.links(ctx, r, `entity_id IN (SELECT entity_id FROM signal_entity_links WHERE signal_id = ? AND purpose_id = ?)`,
		signalID, purposeID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Signals = links[out[i].ID]
		if out[i].Signals == nil {
			out[i].Signals = []entity.Link{}
		}
	}
	return out, nil
}

// links reads the links matching where, grouped by entity id, oldest first.
func (s *sqlStore) links(ctx context.Context, r runner, where string, args ...any) (map[string][]entity.Link, error) {
	// The team comes from the signal, so a link always shows its current
	// owner; a subquery rather than a join keeps where's column names
	// unambiguous.
	rows, err := r.query(ctx, `SELECT signal_id, entity_id, purpose_id, job_id, purpose_version, linked_at, expires_at,
		COALESCE((SELECT team FROM signals WHERE signals.id = signal_entity_links.signal_id), '')
		FROM signal_entity_links WHERE `+where+` ORDER BY linked_at, signal_id, purpose_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading links: %w", err)
	}
	defer rows.Close()
	out := map[string][]entity.Link{}
	for rows.Next() {
		var l entity.Link
		var linked, expires dbTime
		if err := rows.Scan(&l.SignalID, &l.EntityID, &l.PurposeID, &l.JobID, &l.PurposeVersion, &linked, &expires, &l.Team); err != nil {
			return nil, fmt.Errorf("reading links: %w", err)
		}
		l.LinkedAt, l.ExpiresAt = linked.T, expires.T
		out[l.EntityID] = append(out[l.EntityID], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading links: %w", err)
	}
	return out, nil
}
