package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// Purged is what DeleteEntities removed: the entities, and the evidence
// that only they referenced.
type Purged struct {
	Entities []string `json:"entities"`
	Evidence []string `json:"evidence"` // sha256 of the evidence rows deleted
}

// ExpiredLinks returns links whose expiry is at or before now, earliest
// first, at most limit (default and cap 1000). A link without an expiry
// (NULL: not known) never expires here.
func (s *sqlStore) ExpiredLinks(ctx context.Context, now time.Time, limit int) ([]entity.Link, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.r().query(ctx, `SELECT signal_id, entity_id, purpose_id, job_id, purpose_version, linked_at, expires_at
		FROM signal_entity_links WHERE expires_at IS NOT NULL AND expires_at <= ?
		ORDER BY expires_at, signal_id, entity_id, purpose_id LIMIT ?`, s.d.timeArg(now), limit)
	if err != nil {
		return nil, fmt.Errorf("listing expired links: %w", err)
	}
	defer rows.Close()
	out := []entity.Link{}
	for rows.Next() {
		var l entity.Link
		var linked, expires dbTime
		if err := rows.Scan(&l.SignalID, &l.EntityID, &l.PurposeID, &l.JobID, &l.PurposeVersion, &linked, &expires); err != nil {
			return nil, fmt.Errorf("listing expired links: %w", err)
		}
		l.LinkedAt, l.ExpiresAt = linked.T, expires.T
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing expired links: %w", err)
	}
	return out, nil
}

// DeleteLinks deletes the given links in one transaction and returns the
// ones it deleted. A link is deleted only while its stored expiry is not
// later than the one given: a relink that extended it since ExpiredLinks
// read it keeps it. Entities that lost a link are touched, so the index
// projection re-reads them without it.
func (s *sqlStore) DeleteLinks(ctx context.Context, links []entity.Link) ([]entity.Link, error) {
	deleted := []entity.Link{}
	err := s.inTx(ctx, func(r runner) error {
		t := s.d.timeArg(now())
		for _, l := range links {
			if l.ExpiresAt.IsZero() {
				return fmt.Errorf("link %s/%s/%s has no expiry", l.SignalID, l.EntityID, l.PurposeID)
			}
			res, err := r.exec(ctx, `DELETE FROM signal_entity_links
				WHERE signal_id = ? AND entity_id = ? AND purpose_id = ? AND expires_at IS NOT NULL AND expires_at <= ?`,
				l.SignalID, l.EntityID, l.PurposeID, s.d.timeArg(l.ExpiresAt))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			if _, err := r.exec(ctx, `UPDATE entities SET updated_at = ? WHERE id = ?`, t, l.EntityID); err != nil {
				return err
			}
			deleted = append(deleted, l)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deleting links: %w", err)
	}
	return deleted, nil
}

// OrphanEntities returns the ids of entities that no signal links and that
// have not changed since changedBefore, oldest first, at most limit
// (default and cap 1000). The grace keeps a lookup's entity that is stored
// but not linked yet from looking like an orphan.
func (s *sqlStore) OrphanEntities(ctx context.Context, changedBefore time.Time, limit int) ([]string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.r().query(ctx, `SELECT e.id FROM entities e
		WHERE e.updated_at < ? AND NOT EXISTS (SELECT 1 FROM signal_entity_links l WHERE l.entity_id = e.id)
		ORDER BY e.updated_at, e.id LIMIT ?`, s.d.timeArg(changedBefore), limit)
	if err != nil {
		return nil, fmt.Errorf("listing orphan entities: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing orphan entities: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing orphan entities: %w", err)
	}
	return out, nil
}

// DeleteEntities deletes, in one transaction, those of the given entities
// that no signal links (any other is kept: it was linked again meanwhile),
// and the evidence their provenance names that no remaining entity's
// provenance names.
func (s *sqlStore) DeleteEntities(ctx context.Context, ids []string) (Purged, error) {
	out := Purged{Entities: []string{}, Evidence: []string{}}
	err := s.inTx(ctx, func(r runner) error {
		candidates := map[string]bool{}
		for _, id := range ids {
			// On PostgreSQL the full row lock waits for (or blocks) a new
			// link's foreign-key check, and the DELETE, a later statement,
			// sees a link committed meanwhile: a relinked entity is kept,
			// never deleted together with its new link by the cascade.
			var prov string
			err := r.row(ctx, `SELECT provenance FROM entities e WHERE e.id = ?
				AND NOT EXISTS (SELECT 1 FROM signal_entity_links l WHERE l.entity_id = e.id)`+s.d.lockRow(), id).Scan(&prov)
			if errors.Is(err, sql.ErrNoRows) {
				continue // gone already, or linked again
			}
			if err != nil {
				return fmt.Errorf("reading entity %s: %w", id, err)
			}
			res, err := r.exec(ctx, `DELETE FROM entities WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM signal_entity_links l WHERE l.entity_id = entities.id)`, id)
			if err != nil {
				return fmt.Errorf("deleting entity %s: %w", id, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("deleting entity %s: %w", id, err)
			} else if n == 0 {
				continue
			}
			out.Entities = append(out.Entities, id)
			names, _ := provenanceHashes(prov)
			for _, h := range names {
				candidates[h] = true
			}
		}
		kept, err := s.referencedHashes(ctx, r, candidates)
		if err != nil {
			return err
		}
		for h := range candidates {
			if kept[h] {
				continue
			}
			res, err := r.exec(ctx, `DELETE FROM evidence WHERE sha256 = ?`, h)
			if err != nil {
				return fmt.Errorf("deleting evidence %s: %w", h, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("deleting evidence %s: %w", h, err)
			} else if n > 0 {
				out.Evidence = append(out.Evidence, h)
			}
		}
		return nil
	})
	if err != nil {
		return Purged{}, fmt.Errorf("deleting entities: %w", err)
	}
	return out, nil
}

// referencedHashes returns which of the hashes a remaining entity's
// provenance still names. A LIKE on the JSON text finds the rows that may
// (the hashes are plain hex, so they hold no wildcard); decoding those rows
// decides exactly.
func (s *sqlStore) referencedHashes(ctx context.Context, r runner, hashes map[string]bool) (map[string]bool, error) {
	kept := map[string]bool{}
	list := make([]string, 0, len(hashes))
	for h := range hashes {
		list = append(list, h)
	}
	// SQLite's LIKE ignores ASCII case; PostgreSQL's does not, so it
	// compares the lowered text.
	col := "provenance"
	if s.d == dialectPostgres {
		col = "lower(provenance::text)"
	}
	const chunk = 100
	for start := 0; start < len(list); start += chunk {
		part := list[start:min(start+chunk, len(list))]
		conds := make([]string, len(part))
		args := make([]any, len(part))
		for i, h := range part {
			conds[i] = col + " LIKE ?"
			args[i] = "%" + h + "%"
		}
		rows, err := r.query(ctx, `SELECT provenance FROM entities WHERE `+strings.Join(conds, " OR "), args...)
		if err != nil {
			return nil, fmt.Errorf("finding evidence still referenced: %w", err)
		}
		for rows.Next() {
			var prov string
			if err := rows.Scan(&prov); err != nil {
				rows.Close()
				return nil, fmt.Errorf("finding evidence still referenced: %w", err)
			}
			names, ok := provenanceHashes(prov)
			if !ok {
				// Undecodable: keep whatever it might name.
				names = nil
				for _, h := range part {
					if strings.Contains(strings.ToLower(prov), h) {
						names = append(names, h)
					}
				}
			}
			for _, h := range names {
				if hashes[h] {
					kept[h] = true
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("finding evidence still referenced: %w", err)
		}
	}
	return kept, nil
}

// provenanceHashes returns the evidence hashes a provenance column names,
// lower-cased; anything that is not a SHA-256 in hex cannot key evidence
// and is skipped. ok is false when the column does not decode.
func provenanceHashes(prov string) (hashes []string, ok bool) {
	var ps []entity.Provenance
	if err := json.Unmarshal([]byte(prov), &ps); err != nil {
		return nil, false
	}
	for _, p := range ps {
		if h := strings.ToLower(p.SHA256); isSHA256Hex(h) {
			hashes = append(hashes, h)
		}
	}
	return hashes, true
}

func isSHA256Hex(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// lockRow is the full row lock DeleteEntities takes; SQLite's immediate
// transactions already hold the database's one write lock.
func (d dialect) lockRow() string {
	if d == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}
