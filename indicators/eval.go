package indicators

import (
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// universe is what one evaluation may look at: the entities linked to one
// signal under one purpose. Relations are followed only inside it, so a
// rule never reads data gathered for another signal or purpose.
type universe struct {
	ents []*entity.Entity
	byID map[string]*entity.Entity
	back map[string]map[string][]*entity.Entity // property → id → entities naming that id in it
}

func newUniverse(ents []entity.Entity) *universe {
	u := &universe{byID: make(map[string]*entity.Entity, len(ents)), back: map[string]map[string][]*entity.Entity{}}
	for i := range ents {
		e := &ents[i]
		if _, dup := u.byID[e.ID]; dup {
			continue
		}
		u.byID[e.ID] = e
		u.ents = append(u.ents, e)
	}
	return u
}

// backRefs returns the entities whose property prop names id.
func (u *universe) backRefs(prop, id string) []*entity.Entity {
	idx, ok := u.back[prop]
	if !ok {
		idx = map[string][]*entity.Entity{}
		for _, e := range u.ents {
			for _, v := range e.Properties[prop] {
				idx[v] = append(idx[v], e)
			}
		}
		u.back[prop] = idx
	}
	return idx[id]
}

// fact is something a condition relied on: values of a property of an
// entity (absent: the property was looked for and had none), a related
// entity that was counted (member), or the property that relates two
// entities (link, kept for its provenance only).
type fact struct {
	ent    *entity.Entity
	prop   string
	values []string
	absent bool
	member bool
	link   bool
}

// evaluator evaluates conditions as of one moment.
type evaluator struct {
	u     *universe
	today time.Time // midnight UTC of the evaluation day
}

func newEvaluator(u *universe, now time.Time) *evaluator {
	y, m, d := now.UTC().Date()
	return &evaluator{u: u, today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// cond reports whether c holds for e, with the facts it relied on.
func (ev *evaluator) cond(c *Cond, e *entity.Entity) (bool, []fact) {
	switch {
	case c == nil:
		return false, nil
	case c.All != nil:
		var facts []fact
		for _, k := range c.All {
			ok, f := ev.cond(k, e)
			if !ok {
				return false, nil
			}
			facts = append(facts, f...)
		}
		return true, facts
	case c.Any != nil:
		// Every passing branch is evidence, so none is skipped.
		held := false
		var facts []fact
		for _, k := range c.Any {
			if ok, f := ev.cond(k, e); ok {
				held = true
				facts = append(facts, f...)
			}
		}
		return held, facts
	case c.Not != nil:
		ok, _ := ev.cond(c.Not, e)
		return !ok, nil
	case c.Leaf != nil:
		return ev.leaf(c.Leaf, e)
	case c.Related != nil:
		return ev.related(c.Related, e)
	}
	return false, nil
}

func (ev *evaluator) leaf(l *Leaf, e *entity.Entity) (bool, []fact) {
	switch l.Op {
	case OpExists:
		var facts []fact
		n := 0
		for _, p := range l.Props {
			if vs := nonEmpty(e.Properties[p]); len(vs) > 0 {
				facts = append(facts, fact{ent: e, prop: p, values: vs})
				n += len(vs)
			}
		}
		if l.Exists {
			return n >= l.MinCount, facts
		}
		if n > 0 {
			return false, nil
		}
		for _, p := range l.Props {
			facts = append(facts, fact{ent: e, prop: p, absent: true})
		}
		return true, facts
	case OpOnly:
		var facts []fact
		for _, p := range l.Props {
			vs := nonEmpty(e.Properties[p])
			for _, v := range vs {
				if !equalsAny(v, l.Terms) {
					return false, nil
				}
			}
			if len(vs) > 0 {
				facts = append(facts, fact{ent: e, prop: p, values: vs})
			}
		}
		return len(facts) > 0, facts
	}
	var facts []fact
	n := 0
	for _, p := range l.Props {
		var hit []string
		for _, v := range nonEmpty(e.Properties[p]) {
			if ev.test(l, v) {
				hit = append(hit, v)
			}
		}
		if len(hit) > 0 {
			facts = append(facts, fact{ent: e, prop: p, values: hit})
			n += len(hit)
		}
	}
	if n < l.MinCount {
		return false, nil
	}
	return true, facts
}

// test applies a value operator to one value. Values that are not what
// the operator reads (a date, a number) never pass.
func (ev *evaluator) test(l *Leaf, v string) bool {
	switch l.Op {
	case OpEquals:
		return equalsAny(v, l.Terms)
	case OpPrefix:
		lv := strings.ToLower(strings.TrimSpace(v))
		for _, t := range l.Terms {
			if strings.HasPrefix(lv, strings.ToLower(t)) {
				return true
			}
		}
	case OpContainsAny:
		for _, t := range l.Terms {
			if containsWords(v, t) {
				return true
			}
		}
	case OpAtLeast, OpAtMost:
		x, ok := number(v)
		if !ok {
			return false
		}
		if l.Op == OpAtLeast {
			return x >= l.Number
		}
		return x <= l.Number
	case OpWithin, OpOlderThan:
		d, ok := date(v)
		if !ok || d.After(ev.today) {
			return false // a date in the future is not a fact about the past
		}
		cut := cutoff(l.Period, ev.today)
		if l.Op == OpWithin {
			return d.After(cut) // less than the period ago
		}
		return !d.After(cut) // at least the period ago
	}
	return false
}

func (ev *evaluator) related(r *Related, e *entity.Entity) (bool, []fact) {
	var cands []*entity.Entity
	seen := map[string]bool{e.ID: true}
	add := func(c *entity.Entity) {
		if c != nil && c.Schema == r.Schema && !seen[c.ID] {
			seen[c.ID] = true
			cands = append(cands, c)
		}
	}
	switch {
	case r.Via != "":
		for _, id := range e.Properties[r.Via] {
			add(ev.u.byID[id])
		}
	case r.BackVia != "":
		for _, c := range ev.u.backRefs(r.BackVia, e.ID) {
			add(c)
		}
	case r.SameSignal:
		for _, c := range ev.u.ents {
			add(c)
		}
	}
	keys := map[string]bool{}
	var facts []fact
	for _, c := range cands {
		var sub []fact
		if r.Where != nil {
			ok, f := ev.cond(r.Where, c)
			if !ok {
				continue
			}
			sub = f
		}
		key := c.ID
		if r.DistinctBy != "" {
			if v := c.First(r.DistinctBy); v != "" {
				key = v
				facts = append(facts, fact{ent: c, prop: r.DistinctBy, values: []string{v}, link: true})
			}
		}
		keys[key] = true
		facts = append(facts, fact{ent: c, member: true})
		facts = append(facts, sub...)
		if r.Via != "" {
			facts = append(facts, fact{ent: e, prop: r.Via, values: []string{c.ID}, link: true})
		}
		if r.BackVia != "" {
			facts = append(facts, fact{ent: c, prop: r.BackVia, values: []string{e.ID}, link: true})
		}
	}
	n := len(keys)
	if n < r.AtLeast || r.AtMost != nil && n > *r.AtMost {
		return false, nil
	}
	return true, facts
}
