package indicators

import "fmt"

// A rule's reads list is what an auditor or the privacy officer reads to
// know which data a rule uses; the validator makes it exact (every property
// the condition touches is listed, nothing else is) and refuses any rule
// that touches a forbidden property or looks for a forbidden term.

// touch is one property a condition reads, on entities of schema.
type touch struct {
	schema, prop, field string
}

// check validates a parsed rule beyond its syntax.
func (p *parser) check(r Rule) {
	if r.When == nil || r.Schema == "" {
		return // already reported
	}
	var touched []touch
	var terms []touch // prop holds the term
	walk(r.When, r.Schema, "when", func(t touch) { touched = append(touched, t) },
		func(t touch) { terms = append(terms, t) })

	for _, prop := range r.Reads {
		if why := forbiddenProperty(r.Schema, prop); why != "" {
			p.fail("reads", nil, "%q may not be used by an indicator: %s", prop, why)
		}
	}
	used := map[string]bool{}
	reported := map[string]bool{}
	for _, t := range touched {
		used[t.prop] = true
		if why := forbiddenProperty(t.schema, t.prop); why != "" && !reported[t.schema+"."+t.prop] {
			reported[t.schema+"."+t.prop] = true
			p.fail(t.field, nil, "%s.%s may not be used by an indicator: %s", t.schema, t.prop, why)
		}
		if !contains(r.Reads, t.prop) && !reported["reads."+t.prop] {
			reported["reads."+t.prop] = true
			p.fail("reads", nil, "the condition reads %q (at %s), which reads does not list", t.prop, t.field)
		}
	}
	for _, prop := range r.Reads {
		if !used[prop] {
			p.fail("reads", nil, "lists %q, which the condition does not read", prop)
		}
	}
	for _, t := range terms {
		if w := forbiddenTerm(t.prop); w != "" {
			p.fail(t.field, nil, "%q names a nationality, origin or religion (%q); indicators may not look for it", t.prop, w)
		}
	}
	if d := relatedDepth(r.When); d > maxRelatedDepth {
		p.fail("when", nil, "related conditions nest %d deep; at most %d keep a rule cheap to evaluate", d, maxRelatedDepth)
	}
}

// maxRelatedDepth bounds related-inside-related: each level multiplies the
// entities an evaluation visits.
const maxRelatedDepth = 2

func relatedDepth(c *Cond) int {
	if c == nil {
		return 0
	}
	d := relatedDepth(c.Not)
	for _, k := range append(append([]*Cond{}, c.All...), c.Any...) {
		d = max(d, relatedDepth(k))
	}
	if c.Related != nil {
		d = max(d, 1+relatedDepth(c.Related.Where))
	}
	return d
}

// walk calls read for every property c touches and term for every term it
// looks for; schema is the schema of the entity c is evaluated on.
func walk(c *Cond, schema, path string, read, term func(touch)) {
	if c == nil {
		return
	}
	for i, k := range c.All {
		walk(k, schema, fmt.Sprintf("%s.all[%d]", path, i), read, term)
	}
	for i, k := range c.Any {
		walk(k, schema, fmt.Sprintf("%s.any[%d]", path, i), read, term)
	}
	walk(c.Not, schema, path+".not", read, term)
	if l := c.Leaf; l != nil {
		field := path + "." + l.Op
		for _, prop := range l.Props {
			read(touch{schema, prop, path})
		}
		for _, t := range l.Terms {
			term(touch{schema, t, field})
		}
	}
	if r := c.Related; r != nil {
		rp := path + ".related"
		if r.Via != "" {
			read(touch{schema, r.Via, rp + ".via"})
		}
		if r.BackVia != "" {
			read(touch{r.Schema, r.BackVia, rp + ".back_via"})
		}
		if r.DistinctBy != "" {
			read(touch{r.Schema, r.DistinctBy, rp + ".distinct_by"})
		}
		walk(r.Where, r.Schema, rp+".where", read, term)
	}
}
