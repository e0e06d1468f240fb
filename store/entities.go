package store

import (
	"context"
	"encoding/json"
	"fmt"

	"verrijk/pipeline/entity"
)

const entityColumns = `id, schema, caption, properties, provenance, first_seen, last_seen`

// UpsertEntity merges e into the stored entity in one transaction. The
// insert-or-nothing comes first so that, on PostgreSQL, concurrent writers of
// a new id queue on one row lock instead of racing to create it.
func (s *sqlStore) UpsertEntity(ctx context.Context, e entity.Entity) (entity.Entity, error) {
	if e.ID == "" {
		return entity.Entity{}, fmt.Errorf("upserting entity: empty id")
	}
	e = normEntity(e)
	t := now()
	if e.FirstSeen.IsZero() {
		e.FirstSeen = t
	}
	if e.LastSeen.IsZero() {
		e.LastSeen = t
	}
	var out entity.Entity
	err := s.inTx(ctx, func(r runner) error {
		props, prov, err := encodeEntity(e)
		if err != nil {
			return err
		}
		res, err := r.exec(ctx, `INSERT INTO entities (`+entityColumns+`, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			e.ID, e.Schema, e.Caption, props, prov, s.d.nullTimeArg(e.FirstSeen), s.d.nullTimeArg(e.LastSeen), s.d.timeArg(t))
		if err != nil {
			return fmt.Errorf("inserting entity: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("inserting entity: %w", err)
		} else if n == 1 {
			out = e
		} else {
			cur, err := scanEntity(r.row(ctx, `SELECT `+entityColumns+` FROM entities WHERE id = ?`+s.d.forUpdate(), e.ID))
			if err != nil {
				return notFound(err, "reading entity for merge")
			}
			cur.Merge(e)
			if cur.Schema == "" {
				cur.Schema = e.Schema
			}
			props, prov, err := encodeEntity(cur)
			if err != nil {
				return err
			}
			_, err = r.exec(ctx, `UPDATE entities SET schema = ?, caption = ?, properties = ?, provenance = ?,
				first_seen = ?, last_seen = ?, updated_at = ? WHERE id = ?`,
				cur.Schema, cur.Caption, props, prov, s.d.nullTimeArg(cur.FirstSeen), s.d.nullTimeArg(cur.LastSeen),
				s.d.timeArg(t), cur.ID)
			if err != nil {
				return fmt.Errorf("updating entity: %w", err)
			}
			out = cur
		}
		return nil
	})
	if err != nil {
		return entity.Entity{}, err
	}
	// Links are read after the commit, so the row lock is held no longer
	// than the merge needs.
	links, err := s.links(ctx, s.r(), `entity_id = ?`, e.ID)
	if err != nil {
		return entity.Entity{}, err
	}
	out.Signals = links[e.ID]
	if out.Signals == nil {
		out.Signals = []entity.Link{}
	}
	return out, nil
}

func (s *sqlStore) GetEntity(ctx context.Context, id string) (entity.Entity, error) {
	r := s.r()
	e, err := scanEntity(r.row(ctx, `SELECT `+entityColumns+` FROM entities WHERE id = ?`, id))
	if err != nil {
		return entity.Entity{}, notFound(err, "reading entity")
	}
	links, err := s.links(ctx, r, `entity_id = ?`, id)
	if err != nil {
		return entity.Entity{}, err
	}
	e.Signals = links[id]
	if e.Signals == nil {
		e.Signals = []entity.Link{}
	}
	return e, nil
}

// normEntity gives an entity the shape it has after a round trip: non-nil
// collections and normalised times, so callers can compare what they wrote
// with what they read.
// Scraped text is cleaned here too (see cleanText), before values are
// deduplicated.
func normEntity(e entity.Entity) entity.Entity {
	props := e.Properties
	e.Properties = map[string][]string{}
	for k, vs := range props {
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = cleanText(v)
		}
		e.Add(cleanText(k), clean...)
	}
	e.ID, e.Schema, e.Caption = cleanText(e.ID), cleanText(e.Schema), cleanText(e.Caption)
	prov := make([]entity.Provenance, len(e.Provenance))
	for i, p := range e.Provenance {
		p.Source, p.URL, p.SHA256 = cleanText(p.Source), cleanText(p.URL), cleanText(p.SHA256)
		names := make([]string, len(p.Properties))
		for j, name := range p.Properties {
			names[j] = cleanText(name)
		}
		p.Properties = names
		p.FetchedAt = normTime(p.FetchedAt)
		prov[i] = p
	}
	e.Provenance = prov
	e.FirstSeen, e.LastSeen = normTime(e.FirstSeen), normTime(e.LastSeen)
	e.Signals = nil
	return e
}

func encodeEntity(e entity.Entity) (props, prov string, err error) {
	p, err := json.Marshal(e.Properties)
	if err != nil {
		return "", "", fmt.Errorf("encoding properties of %s: %w", e.ID, err)
	}
	v, err := json.Marshal(e.Provenance)
	if err != nil {
		return "", "", fmt.Errorf("encoding provenance of %s: %w", e.ID, err)
	}
	return string(p), string(v), nil
}

func scanEntity(row scanner) (entity.Entity, error) {
	var e entity.Entity
	var props, prov string
	var first, last dbTime
	if err := row.Scan(&e.ID, &e.Schema, &e.Caption, &props, &prov, &first, &last); err != nil {
		return entity.Entity{}, err
	}
	if err := json.Unmarshal([]byte(props), &e.Properties); err != nil {
		return entity.Entity{}, fmt.Errorf("decoding properties of %s: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(prov), &e.Provenance); err != nil {
		return entity.Entity{}, fmt.Errorf("decoding provenance of %s: %w", e.ID, err)
	}
	e.FirstSeen, e.LastSeen = first.T, last.T
	return normEntity(e), nil
}
