package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// IndicatorHit is one warning sign a rule found on an entity of a signal,
// under the purpose the entity is linked by. It keeps what the analyst is
// shown (title, explanation, weight), the rules version it was computed
// with, the values that triggered it and their provenance, so that a hit
// explains itself even after the rules changed.
type IndicatorHit struct {
	SignalID    string              `json:"signal_id"`
	PurposeID   string              `json:"purpose_id"`
	EntityID    string              `json:"entity_id"`
	RuleID      string              `json:"rule_id"`
	RuleVersion string              `json:"rule_version"`
	Title       string              `json:"title"`
	Explanation string              `json:"explanation"`
	Weight      int                 `json:"weight"`
	Schema      string              `json:"schema"`
	Caption     string              `json:"entity_caption"`
	Values      map[string][]string `json:"values"`
	Evidence    []IndicatorEvidence `json:"evidence"`
	ComputedAt  time.Time           `json:"computed_at"`
}

// IndicatorEvidence points at the raw answer a triggering value was read
// from: the entity that holds it, the source, URL, time and SHA-256.
type IndicatorEvidence struct {
	EntityID   string    `json:"entity_id"`
	Source     string    `json:"source"`
	URL        string    `json:"url"`
	SHA256     string    `json:"sha256"`
	FetchedAt  time.Time `json:"fetched_at"`
	Properties []string  `json:"properties"`
}

// IndicatorFilter selects stored hits: those of a signal, of an entity, or
// both; PurposeID narrows to one purpose. SignalID or EntityID is required.
type IndicatorFilter struct {
	SignalID  string
	EntityID  string
	PurposeID string
}

// IndicatorRun is one evaluation of a signal's indicators: the rules
// version used and the moment before its data was read. An entity of the
// signal changed after DataAsOf, or a link of it gone, makes the signal
// stale (see StaleIndicatorSignals).
type IndicatorRun struct {
	SignalID     string
	RulesVersion string
	DataAsOf     time.Time
}

// ReplaceIndicatorHits replaces all stored hits of the run's signal (under
// every purpose) with hits and records the run, in one transaction. A hit
// whose entity is no longer linked to the signal under its purpose cannot
// be stored (ErrNotFound): the link is what keeps it, so retention removes
// a hit with its link.
func (s *sqlStore) ReplaceIndicatorHits(ctx context.Context, run IndicatorRun, hits []IndicatorHit) error {
	signalID := run.SignalID
	if run.DataAsOf.IsZero() {
		return fmt.Errorf("storing indicators of signal %s: the run has no data time", signalID)
	}
	t := now()
	err := s.inTx(ctx, func(r runner) error {
		// Two evaluations of one signal (after a job, and serve's periodic
		// pass) must not interleave their delete and insert: the signal's
		// row is the lock (SQLite transactions are serial already).
		var id string
		if err := r.row(ctx, `SELECT id FROM signals WHERE id = ?`+s.d.forUpdate(), signalID).Scan(&id); err != nil {
			return notFound(err, "locking signal "+signalID)
		}
		if _, err := r.exec(ctx, `DELETE FROM indicator_hits WHERE signal_id = ?`, signalID); err != nil {
			return err
		}
		for _, h := range hits {
			if h.SignalID != signalID {
				return fmt.Errorf("hit of rule %s belongs to signal %s, not %s", h.RuleID, h.SignalID, signalID)
			}
			vals, ev, err := encodeHit(h)
			if err != nil {
				return err
			}
			computed := h.ComputedAt
			if computed.IsZero() {
				computed = t
			}
			if _, err := r.exec(ctx, `INSERT INTO indicator_hits (signal_id, entity_id, purpose_id, rule_id,
				rule_version, title, explanation, weight, schema, caption, trigger_values, evidence, computed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				h.SignalID, h.EntityID, h.PurposeID, cleanText(h.RuleID), cleanText(h.RuleVersion), cleanText(h.Title),
				cleanText(h.Explanation), h.Weight, cleanText(h.Schema), cleanText(h.Caption), vals, ev,
				s.d.timeArg(computed)); err != nil {
				return err
			}
		}
		_, err := r.exec(ctx, `INSERT INTO indicator_runs (signal_id, rules_version, data_as_of, link_count, computed_at)
			VALUES (?, ?, ?, (SELECT COUNT(*) FROM signal_entity_links WHERE signal_id = ?), ?)
			ON CONFLICT (signal_id) DO UPDATE SET rules_version = excluded.rules_version,
				data_as_of = excluded.data_as_of, link_count = excluded.link_count, computed_at = excluded.computed_at`,
			signalID, cleanText(run.RulesVersion), s.d.timeArg(run.DataAsOf), signalID, s.d.timeArg(t))
		return err
	})
	switch {
	case isForeignKey(err):
		return fmt.Errorf("storing indicators of signal %s: a hit's entity is not linked to the signal: %w", signalID, ErrNotFound)
	case isUnique(err):
		return fmt.Errorf("storing indicators of signal %s: a rule hit the same entity twice: %w", signalID, ErrConflict)
	case err != nil:
		return fmt.Errorf("storing indicators of signal %s: %w", signalID, err)
	}
	return nil
}

func encodeHit(h IndicatorHit) (vals, ev string, err error) {
	if h.Values == nil {
		h.Values = map[string][]string{}
	}
	clean := make(map[string][]string, len(h.Values))
	for k, vs := range h.Values {
		cv := make([]string, len(vs))
		for i, v := range vs {
			cv[i] = cleanText(v)
		}
		clean[cleanText(k)] = cv
	}
	v, err := json.Marshal(clean)
	if err != nil {
		return "", "", fmt.Errorf("encoding values of hit %s: %w", h.RuleID, err)
	}
	evidence := make([]IndicatorEvidence, len(h.Evidence))
	for i, e := range h.Evidence {
		e.EntityID, e.Source, e.URL, e.SHA256 = cleanText(e.EntityID), cleanText(e.Source), cleanText(e.URL), cleanText(e.SHA256)
		e.FetchedAt = normTime(e.FetchedAt)
		if e.Properties == nil {
			e.Properties = []string{}
		}
		evidence[i] = e
	}
	p, err := json.Marshal(evidence)
	if err != nil {
		return "", "", fmt.Errorf("encoding evidence of hit %s: %w", h.RuleID, err)
	}
	return string(v), string(p), nil
}

// IndicatorHits returns the stored hits f selects, heaviest first, then by
// rule id, entity and signal.
func (s *sqlStore) IndicatorHits(ctx context.Context, f IndicatorFilter) ([]IndicatorHit, error) {
	var where []string
	var args []any
	if f.SignalID != "" {
		where, args = append(where, "signal_id = ?"), append(args, f.SignalID)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if len(where) == 0 {
		return nil, errors.New("listing indicators: a signal or an entity is required")
	}
	if f.PurposeID != "" {
		where, args = append(where, "purpose_id = ?"), append(args, f.PurposeID)
	}
	rows, err := s.r().query(ctx, `SELECT signal_id, entity_id, purpose_id, rule_id, rule_version, title, explanation,
		weight, schema, caption, trigger_values, evidence, computed_at FROM indicator_hits
		WHERE `+strings.Join(where, " AND ")+` ORDER BY weight DESC, rule_id, entity_id, signal_id, purpose_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing indicators: %w", err)
	}
	defer rows.Close()
	out := []IndicatorHit{}
	for rows.Next() {
		var h IndicatorHit
		var vals, ev string
		var computed dbTime
		if err := rows.Scan(&h.SignalID, &h.EntityID, &h.PurposeID, &h.RuleID, &h.RuleVersion, &h.Title, &h.Explanation,
			&h.Weight, &h.Schema, &h.Caption, &vals, &ev, &computed); err != nil {
			return nil, fmt.Errorf("listing indicators: %w", err)
		}
		if err := json.Unmarshal([]byte(vals), &h.Values); err != nil {
			return nil, fmt.Errorf("decoding values of hit %s: %w", h.RuleID, err)
		}
		if err := json.Unmarshal([]byte(ev), &h.Evidence); err != nil {
			return nil, fmt.Errorf("decoding evidence of hit %s: %w", h.RuleID, err)
		}
		for i := range h.Evidence {
			h.Evidence[i].FetchedAt = normTime(h.Evidence[i].FetchedAt)
		}
		h.ComputedAt = computed.T
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing indicators: %w", err)
	}
	return out, nil
}

// StaleIndicatorSignals returns, in id order after the id after, at most
// limit ids of signals with links whose indicators are due: never
// evaluated, evaluated with another rules version than rulesVersion, or
// their data changed since (an entity updated or linked after the run's
// DataAsOf, or a link deleted).
func (s *sqlStore) StaleIndicatorSignals(ctx context.Context, rulesVersion, after string, limit int) ([]string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.r().query(ctx, `SELECT s.id FROM signals s WHERE s.id > ?
		AND EXISTS (SELECT 1 FROM signal_entity_links l WHERE l.signal_id = s.id)
		AND NOT EXISTS (SELECT 1 FROM indicator_runs r WHERE r.signal_id = s.id AND r.rules_version = ?
			AND r.link_count = (SELECT COUNT(*) FROM signal_entity_links l WHERE l.signal_id = s.id)
			AND NOT EXISTS (SELECT 1 FROM signal_entity_links l JOIN entities e ON e.id = l.entity_id
				WHERE l.signal_id = s.id AND e.updated_at > r.data_as_of))
		ORDER BY s.id LIMIT ?`, after, rulesVersion, limit)
	if err != nil {
		return nil, fmt.Errorf("listing signals to evaluate: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing signals to evaluate: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
