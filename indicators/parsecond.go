package indicators

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"verrijk/retention"
)

// Conditions: all/any/not, property tests and related, read node by node
// like the rest of the file (see parse.go).

var (
	condKeys = []string{"all", "any", "not", "related", "property", "properties", "min_count",
		OpExists, OpEquals, OpPrefix, OpContainsAny, OpOnly, OpAtLeast, OpAtMost, OpWithin, OpOlderThan}
	leafOps = []string{OpExists, OpEquals, OpPrefix, OpContainsAny, OpOnly, OpAtLeast, OpAtMost, OpWithin, OpOlderThan}
)

func (p *parser) cond(n *yaml.Node, path string, depth int) *Cond {
	if depth > maxDepth {
		p.fail(path, n, "conditions nest deeper than %d levels", maxDepth)
		return nil
	}
	f, ok := p.fields(n, path, condKeys...)
	if !ok {
		return nil
	}
	var kinds []string
	for _, k := range []string{"all", "any", "not", "related"} {
		if f[k] != nil {
			kinds = append(kinds, k)
		}
	}
	if f["property"] != nil || f["properties"] != nil {
		kinds = append(kinds, "property")
	}
	if len(kinds) != 1 {
		p.fail(path, n, "a condition has exactly one of all, any, not, related or property/properties (found %d)", len(kinds))
		return nil
	}
	if kinds[0] != "property" && len(f) != 1 {
		p.fail(path, n, "%s stands alone: write other tests inside it", kinds[0])
		return nil
	}
	switch kinds[0] {
	case "all", "any":
		list := f[kinds[0]]
		field := join(path, kinds[0])
		if list.Kind != yaml.SequenceNode || len(list.Content) == 0 || len(list.Content) > maxChildren {
			p.fail(field, list, "must be a list of 1 to %d conditions", maxChildren)
			return nil
		}
		var kids []*Cond
		for i, c := range list.Content {
			kids = append(kids, p.cond(c, fmt.Sprintf("%s[%d]", field, i), depth+1))
		}
		if kinds[0] == "all" {
			return &Cond{All: kids}
		}
		return &Cond{Any: kids}
	case "not":
		return &Cond{Not: p.cond(f["not"], join(path, "not"), depth+1)}
	case "related":
		return &Cond{Related: p.related(f["related"], join(path, "related"), depth+1)}
	}
	return &Cond{Leaf: p.leaf(f, n, path)}
}

func (p *parser) leaf(f map[string]*yaml.Node, n *yaml.Node, path string) *Leaf {
	l := &Leaf{MinCount: 1}
	switch {
	case f["property"] != nil && f["properties"] != nil:
		p.fail(path, n, "give property or properties, not both")
	case f["property"] != nil:
		if v := p.prop(join(path, "property"), f["property"]); v != "" {
			l.Props = []string{v}
		}
	default:
		l.Props = p.props(join(path, "properties"), f["properties"])
	}
	var ops []string
	for _, op := range leafOps {
		if f[op] != nil {
			ops = append(ops, op)
		}
	}
	if len(ops) != 1 {
		p.fail(path, n, "a property test has exactly one of %s (found %d)", strings.Join(leafOps, ", "), len(ops))
		return nil
	}
	l.Op = ops[0]
	v, field := f[l.Op], join(path, l.Op)
	switch l.Op {
	case OpExists:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			p.fail(field, v, "must be true or false")
		}
		l.Exists = v.Value == "true"
	case OpEquals, OpPrefix, OpContainsAny, OpOnly:
		l.Terms = p.terms(field, v)
	case OpAtLeast, OpAtMost:
		x, err := strconv.ParseFloat(strings.TrimSpace(v.Value), 64)
		if v.Kind != yaml.ScalarNode || err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			p.fail(field, v, "%q must be a number", v.Value)
		}
		l.Number = x
	case OpWithin, OpOlderThan:
		per, err := retention.Parse(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil {
			p.fail(field, v, "%q must be an ISO 8601 period such as P12M, P2Y or P30D", v.Value)
		}
		l.Period = per
	}
	if mc := f["min_count"]; mc != nil {
		c, err := strconv.Atoi(mc.Value)
		switch {
		case err != nil || c < 1 || c > 1000:
			p.fail(join(path, "min_count"), mc, "%q must be a whole number from 1 to 1000", mc.Value)
		case l.Op == OpOnly || l.Op == OpExists && !l.Exists:
			p.fail(join(path, "min_count"), mc, "does not apply to %s", l.Op)
		default:
			l.MinCount = c
		}
	}
	return l
}

func (p *parser) related(n *yaml.Node, path string, depth int) *Related {
	f, ok := p.fields(n, path, "schema", "via", "back_via", "same_signal", "distinct_by", "at_least", "at_most", "where")
	if !ok {
		return nil
	}
	r := &Related{AtLeast: 1}
	if s := f["schema"]; s == nil || !schemaPattern.MatchString(s.Value) {
		p.fail(join(path, "schema"), n, "is required: the schema of the related entities, e.g. Company")
	} else {
		r.Schema = s.Value
	}
	ways := 0
	if v := f["via"]; v != nil {
		r.Via = p.prop(join(path, "via"), v)
		ways++
	}
	if v := f["back_via"]; v != nil {
		r.BackVia = p.prop(join(path, "back_via"), v)
		ways++
	}
	if v := f["same_signal"]; v != nil {
		if v.Tag != "!!bool" || v.Value != "true" {
			p.fail(join(path, "same_signal"), v, "must be true (or left out)")
		}
		r.SameSignal = true
		ways++
	}
	if ways != 1 {
		p.fail(path, n, "give exactly one of via, back_via or same_signal")
	}
	if v := f["distinct_by"]; v != nil {
		r.DistinctBy = p.prop(join(path, "distinct_by"), v)
	}
	count := func(key string) (int, bool) {
		v := f[key]
		if v == nil {
			return 0, false
		}
		c, err := strconv.Atoi(v.Value)
		if err != nil || c < 0 || c > 100000 {
			p.fail(join(path, key), v, "%q must be a whole number from 0 to 100000", v.Value)
			return 0, false
		}
		return c, true
	}
	if c, ok := count("at_least"); ok {
		r.AtLeast = c
	}
	if c, ok := count("at_most"); ok {
		r.AtMost = &c
		if r.AtLeast > c {
			p.fail(join(path, "at_most"), f["at_most"], "is below at_least (%d)", r.AtLeast)
		}
	}
	if w := f["where"]; w != nil {
		r.Where = p.cond(w, join(path, "where"), depth+1)
	}
	return r
}

// terms reads a list of values, or {list: name} naming one under lists.
func (p *parser) terms(field string, n *yaml.Node) []string {
	if n.Kind == yaml.MappingNode {
		f, ok := p.fields(n, field, "list")
		if !ok || f["list"] == nil {
			p.fail(field, n, "write a list of values, or {list: name} for a list under lists")
			return nil
		}
		name := f["list"].Value
		vals, found := p.lists[name]
		if !found {
			p.fail(join(field, "list"), f["list"], "no list named %q under lists", name)
		}
		return vals
	}
	return p.literalTerms(field, n)
}

func (p *parser) literalTerms(field string, n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 || len(n.Content) > maxTerms {
		p.fail(field, n, "must be a list of 1 to %d values", maxTerms)
		return nil
	}
	var out []string
	for i, c := range n.Content {
		v := p.text(fmt.Sprintf("%s[%d]", field, i), c, 200)
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
