package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// MaxKeyBytes caps a lookup key; pipeline/resolve clips names to fit.
const MaxKeyBytes = 512

// EntityKey is one lookup key of an entity, in the form pipeline/resolve
// makes them: "rsin:857587973", "name:test bv donald", "ref:company-…".
type EntityKey struct {
	Key      string `json:"key"`
	EntityID string `json:"entity_id"`
	Schema   string `json:"schema"`
}

// Person match decisions.
const (
	MatchSame      = "same"
	MatchDifferent = "different"
)

// MatchDecision is an analyst's decision whether two Person entities are
// one person. The store keeps the pair in byte order (EntityID < OtherID).
type MatchDecision struct {
	EntityID  string    `json:"entity_id"`
	OtherID   string    `json:"other_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	Team      string    `json:"team"`
	DecidedAt time.Time `json:"decided_at"`
}

// Resolution is the store's part in entity resolution (pipeline/resolve)
// and in the views built on it (candidates, merged profiles, the graph).
type Resolution interface {
	// PutEntityKeys records lookup keys; a key an entity already has is
	// kept as it is. ErrNotFound when an entity does not exist.
	PutEntityKeys(ctx context.Context, keys []EntityKey) error
	// EntitiesByKeys returns, per key, the ids of the entities holding it
	// (of schema, or of any schema when schema is ""), in id order and at
	// most limit per key. Keys nobody holds are absent.
	EntitiesByKeys(ctx context.Context, schema string, keys []string, limit int) (map[string][]string, error)
	// GetEntities returns the entities with those ids, with their links, in
	// the order asked; ids of no entity are skipped.
	GetEntities(ctx context.Context, ids []string) ([]entity.Entity, error)

	// PutMatchDecision stores (or replaces) the decision on a pair and
	// returns it as stored. ErrNotFound when an entity does not exist.
	PutMatchDecision(ctx context.Context, d MatchDecision) (MatchDecision, error)
	// DeleteMatchDecision removes the decision on a pair (in either order)
	// and returns what it was; ErrNotFound when there is none.
	DeleteMatchDecision(ctx context.Context, a, b string) (MatchDecision, error)
	// MatchDecisions returns the decisions naming the entity, oldest first.
	MatchDecisions(ctx context.Context, entityID string) ([]MatchDecision, error)
}

// keyChunk bounds the rows of one multi-row statement (3 parameters each)
// and the ids of one IN list.
const keyChunk = 300

func (s *sqlStore) PutEntityKeys(ctx context.Context, keys []EntityKey) error {
	for _, k := range keys {
		if k.Key == "" || len(k.Key) > MaxKeyBytes || k.EntityID == "" {
			return fmt.Errorf("entity key %.40q of %q: empty or longer than %d bytes", k.Key, k.EntityID, MaxKeyBytes)
		}
	}
	err := s.inTx(ctx, func(r runner) error {
		for start := 0; start < len(keys); start += keyChunk {
			chunk := keys[start:min(start+keyChunk, len(keys))]
			args := make([]any, 0, 3*len(chunk))
			for _, k := range chunk {
				args = append(args, cleanText(k.Key), k.EntityID, k.Schema)
			}
			marks := strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(chunk)), ",")
			if _, err := r.exec(ctx, `INSERT INTO entity_keys (lookup_key, entity_id, schema) VALUES `+marks+`
				ON CONFLICT (lookup_key, entity_id) DO NOTHING`, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if isForeignKey(err) {
		return fmt.Errorf("storing entity keys: %w", ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("storing entity keys: %w", err)
	}
	return nil
}

func (s *sqlStore) EntitiesByKeys(ctx context.Context, schema string, keys []string, limit int) (map[string][]string, error) {
	out := map[string][]string{}
	if limit <= 0 {
		return out, nil
	}
	keys = uniqueStrings(keys)
	r := s.r()
	for start := 0; start < len(keys); start += keyChunk {
		chunk := keys[start:min(start+keyChunk, len(keys))]
		args := make([]any, 0, len(chunk)+3)
		for _, k := range chunk {
			args = append(args, k)
		}
		args = append(args, schema, schema, limit)
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		// The window keeps a key held by thousands of entities (the
		// references to one address) from flooding the answer.
		rows, err := r.query(ctx, `SELECT lookup_key, entity_id FROM (
			SELECT lookup_key, entity_id, ROW_NUMBER() OVER (PARTITION BY lookup_key ORDER BY entity_id) AS n
			FROM entity_keys WHERE lookup_key IN (`+marks+`) AND (schema = ? OR ? = '')) AS k
			WHERE n <= ? ORDER BY lookup_key, entity_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("looking up entity keys: %w", err)
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("looking up entity keys: %w", err)
			}
			out[k] = append(out[k], id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("looking up entity keys: %w", err)
		}
	}
	return out, nil
}

func (s *sqlStore) GetEntities(ctx context.Context, ids []string) ([]entity.Entity, error) {
	ids = uniqueStrings(ids)
	byID := make(map[string]entity.Entity, len(ids))
	r := s.r()
	for start := 0; start < len(ids); start += keyChunk {
		chunk := ids[start:min(start+keyChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		rows, err := r.query(ctx, `SELECT `+entityColumns+` FROM entities WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("reading entities: %w", err)
		}
		for rows.Next() {
			e, err := scanEntity(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("reading entities: %w", err)
			}
			byID[e.ID] = e
		}
		err = rows.Err()
		// Close before the next query: SQLite has a single connection.
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("reading entities: %w", err)
		}
		links, err := s.links(ctx, r, `entity_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if e, ok := byID[id]; ok {
				e.Signals = links[id]
				if e.Signals == nil {
					e.Signals = []entity.Link{}
				}
				byID[id] = e
			}
		}
	}
	out := make([]entity.Entity, 0, len(byID))
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// errMatchDecision is wrapped by PutMatchDecision's validation errors.
var errMatchDecision = errors.New("invalid match decision")

func (s *sqlStore) PutMatchDecision(ctx context.Context, d MatchDecision) (MatchDecision, error) {
	if d.EntityID > d.OtherID {
		d.EntityID, d.OtherID = d.OtherID, d.EntityID
	}
	switch {
	case d.EntityID == "" || d.EntityID == d.OtherID:
		return MatchDecision{}, fmt.Errorf("%w: two different entities are needed", errMatchDecision)
	case d.Decision != MatchSame && d.Decision != MatchDifferent:
		return MatchDecision{}, fmt.Errorf("%w: decision %q is neither %q nor %q", errMatchDecision, d.Decision, MatchSame, MatchDifferent)
	}
	d.Reason, d.DecidedBy, d.Team = cleanText(d.Reason), cleanText(d.DecidedBy), cleanText(d.Team)
	d.DecidedAt = now()
	_, err := s.r().exec(ctx, `INSERT INTO person_match_decisions (entity_a, entity_b, decision, reason, decided_by, team, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (entity_a, entity_b) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
			decided_by = excluded.decided_by, team = excluded.team, decided_at = excluded.decided_at`,
		d.EntityID, d.OtherID, d.Decision, d.Reason, d.DecidedBy, d.Team, s.d.timeArg(d.DecidedAt))
	if isForeignKey(err) {
		return MatchDecision{}, fmt.Errorf("storing match decision %s/%s: %w", d.EntityID, d.OtherID, ErrNotFound)
	}
	if err != nil {
		return MatchDecision{}, fmt.Errorf("storing match decision: %w", err)
	}
	return d, nil
}

const matchColumns = `entity_a, entity_b, decision, reason, decided_by, team, decided_at`

func (s *sqlStore) DeleteMatchDecision(ctx context.Context, a, b string) (MatchDecision, error) {
	if a > b {
		a, b = b, a
	}
	var out MatchDecision
	err := s.inTx(ctx, func(r runner) error {
		var err error
		out, err = scanMatch(r.row(ctx, `SELECT `+matchColumns+` FROM person_match_decisions
			WHERE entity_a = ? AND entity_b = ?`+s.d.forUpdate(), a, b))
		if err != nil {
			return notFound(err, "reading match decision")
		}
		_, err = r.exec(ctx, `DELETE FROM person_match_decisions WHERE entity_a = ? AND entity_b = ?`, a, b)
		return err
	})
	if err != nil {
		return MatchDecision{}, fmt.Errorf("deleting match decision: %w", err)
	}
	return out, nil
}

func (s *sqlStore) MatchDecisions(ctx context.Context, entityID string) ([]MatchDecision, error) {
	rows, err := s.r().query(ctx, `SELECT `+matchColumns+` FROM person_match_decisions
		WHERE entity_a = ? OR entity_b = ? ORDER BY decided_at, entity_a, entity_b`, entityID, entityID)
	if err != nil {
		return nil, fmt.Errorf("listing match decisions: %w", err)
	}
	defer rows.Close()
	out := []MatchDecision{}
	for rows.Next() {
		d, err := scanMatch(rows)
		if err != nil {
			return nil, fmt.Errorf("listing match decisions: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing match decisions: %w", err)
	}
	return out, nil
}

func scanMatch(row scanner) (MatchDecision, error) {
	var d MatchDecision
	var at dbTime
	if err := row.Scan(&d.EntityID, &d.OtherID, &d.Decision, &d.Reason, &d.DecidedBy, &d.Team, &at); err != nil {
		return MatchDecision{}, err
	}
	d.DecidedAt = at.T
	return d, nil
}

// uniqueStrings drops empty and repeated values, keeping the first order.
func uniqueStrings(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, v := range in {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
