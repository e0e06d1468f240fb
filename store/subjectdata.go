package store

import (
	"context"
	"fmt"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// Data-subject rights (AVG chapter III): finding everything held on an
// identifier, and erasing it. Matching itself (which property of which
// schema holds a KvK number, a plate …) is the rights package's job; the
// store offers a cheap candidate search and the deletions.

// maxCandidates caps one EntitiesContaining answer.
const maxCandidates = 5000

// EntitiesContaining returns entities (with their links) whose caption or
// property text contains token, case-insensitively: a candidate list the
// caller filters exactly. token is a word of the identifier (letters and
// digits), matched inside JSON text; "_" in it matches any one character,
// so that a caller can leave open letters that may carry an accent.
func (s *sqlStore) EntitiesContaining(ctx context.Context, token string, limit int) ([]entity.Entity, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if strings.Trim(token, "_") == "" || strings.ContainsAny(token, `%\`) {
		return nil, fmt.Errorf("searching entities: token %q must be a plain word", token)
	}
	if limit <= 0 || limit > maxCandidates {
		limit = maxCandidates
	}
	props := "properties"
	if s.d == dialectPostgres {
		props = "properties::text"
	}
	r := s.r()
	rows, err := r.query(ctx, `SELECT `+entityColumns+` FROM entities
		WHERE LOWER(caption) LIKE ? OR LOWER(`+props+`) LIKE ? ORDER BY id LIMIT ?`,
		"%"+token+"%", "%"+token+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("searching entities: %w", err)
	}
	var out []entity.Entity
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("searching entities: %w", err)
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("searching entities: %w", err)
	}
	for i := range out {
		links, err := s.links(ctx, r, `entity_id = ?`, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Signals = links[out[i].ID]
		if out[i].Signals == nil {
			out[i].Signals = []entity.Link{}
		}
	}
	return out, nil
}

// SubjectsByValue returns the signal subjects with exactly this
// identifier, on any signal.
func (s *sqlStore) SubjectsByValue(ctx context.Context, t subject.Type, value string) ([]Subject, error) {
	return querySubjects(ctx, s.r(), `type = ? AND value = ? ORDER BY created_at, id`, string(t), value)
}

// DeleteSubjects deletes subjects by id and returns how many went.
func (s *sqlStore) DeleteSubjects(ctx context.Context, ids []string) (int, error) {
	n := 0
	err := s.inTx(ctx, func(r runner) error {
		for _, id := range ids {
			res, err := r.exec(ctx, `DELETE FROM subjects WHERE id = ?`, id)
			if err != nil {
				return fmt.Errorf("deleting subject %s: %w", id, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

// DeleteEntityLinks deletes every link of the entities, whatever their
// expiry, and returns them: an erasure is not a retention sweep.
func (s *sqlStore) DeleteEntityLinks(ctx context.Context, ids []string) ([]entity.Link, error) {
	var out []entity.Link
	err := s.inTx(ctx, func(r runner) error {
		for _, id := range ids {
			links, err := s.links(ctx, r, `entity_id = ?`, id)
			if err != nil {
				return err
			}
			if _, err := r.exec(ctx, `DELETE FROM signal_entity_links WHERE entity_id = ?`, id); err != nil {
				return fmt.Errorf("deleting links of %s: %w", id, err)
			}
			out = append(out, links[id]...)
		}
		return nil
	})
	return out, err
}
