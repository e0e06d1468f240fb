package indicators

import (
	"cmp"
	"slices"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// Hit is one warning sign found on one entity.
type Hit = store.IndicatorHit

// Caps on what one hit keeps: enough to explain it, bounded however large
// a signal grows.
const (
	maxValuesPerKey = 50
	maxEvidence     = 100
)

// Evaluate runs every rule over ents (the entities of one signal under one
// purpose) as of now and returns the hits, heaviest first. SignalID and
// PurposeID are left for the caller to fill in.
func (rs *Rules) Evaluate(ents []entity.Entity, now time.Time) []Hit {
	ev := newEvaluator(newUniverse(ents), now)
	var hits []Hit
	for i := range rs.Rules {
		r := &rs.Rules[i]
		for _, e := range ev.u.ents {
			if e.Schema != r.Schema {
				continue
			}
			if ok, facts := ev.cond(r.When, e); ok {
				hits = append(hits, rs.hit(r, e, facts, now))
			}
		}
	}
	SortByWeight(hits)
	return hits
}

// SortByWeight orders hits heaviest first, then by rule, entity and signal.
func SortByWeight(hits []Hit) {
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Caption, b.Caption), cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(a.SignalID, b.SignalID))
	})
}

// hit turns the facts a rule relied on into what the analyst sees: the
// values by property (a related entity's as "Schema.property", the related
// entities themselves under their schema) and the raw answers they came
// from.
func (rs *Rules) hit(r *Rule, e *entity.Entity, facts []fact, now time.Time) Hit {
	h := Hit{RuleID: r.ID, RuleVersion: rs.Version, Title: r.Title, Explanation: r.Explanation, Weight: r.Weight,
		EntityID: e.ID, Schema: e.Schema, Caption: captionOf(e), Values: map[string][]string{},
		Evidence: []store.IndicatorEvidence{}, ComputedAt: now.UTC()}
	ev := evidenceSet{index: map[evidenceKey]int{}}
	for _, f := range facts {
		key := f.prop
		if f.ent.ID != e.ID {
			key = f.ent.Schema + "." + f.prop
		}
		switch {
		case f.member:
			addValues(h.Values, f.ent.Schema, captionOf(f.ent))
			continue
		case f.absent:
			if _, ok := h.Values[key]; !ok {
				h.Values[key] = []string{}
			}
			// The absence is a fact about every answer read on the entity.
			for _, p := range f.ent.Provenance {
				ev.add(f.ent.ID, p, "")
			}
			continue
		case !f.link:
			addValues(h.Values, key, f.values...)
		}
		for _, p := range f.ent.Provenance {
			if slices.Contains(p.Properties, f.prop) {
				ev.add(f.ent.ID, p, f.prop)
			}
		}
	}
	h.Evidence = ev.list
	return h
}

func captionOf(e *entity.Entity) string {
	if e.Caption != "" {
		return e.Caption
	}
	return e.ID
}

func addValues(m map[string][]string, key string, vs ...string) {
	cur := m[key]
	if cur == nil {
		cur = []string{}
	}
	for _, v := range vs {
		if len(cur) < maxValuesPerKey && !slices.Contains(cur, v) {
			cur = append(cur, v)
		}
	}
	m[key] = cur
}

type evidenceKey struct{ entity, source, sha, url string }

// evidenceSet collects provenance once per (entity, answer), with the
// properties of the hit read from it.
type evidenceSet struct {
	index map[evidenceKey]int
	list  []store.IndicatorEvidence
}

func (s *evidenceSet) add(entityID string, p entity.Provenance, prop string) {
	k := evidenceKey{entityID, p.Source, p.SHA256, p.URL}
	i, ok := s.index[k]
	if !ok {
		if len(s.list) >= maxEvidence {
			return
		}
		i = len(s.list)
		s.index[k] = i
		s.list = append(s.list, store.IndicatorEvidence{EntityID: entityID, Source: p.Source, URL: p.URL,
			SHA256: p.SHA256, FetchedAt: p.FetchedAt, Properties: []string{}})
	}
	if prop != "" && !slices.Contains(s.list[i].Properties, prop) {
		s.list[i].Properties = append(s.list[i].Properties, prop)
	}
}
