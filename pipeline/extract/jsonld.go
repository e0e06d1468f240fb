package extract

import (
	"encoding/json"
	"slices"
	"strings"
)

// JSON-LD on real sites is hostile in every way: one object, an array of
// them, a "@graph", several blocks, objects nested in objects, "@type" as
// a string or a list, values as a string, a number, a list or an object,
// comments and CDATA wrappers around the JSON, and broken JSON. The walk
// below takes every object with a "@type" wherever it sits, within caps.
const (
	maxJSONDepth   = 32
	maxJSONNodes   = 20000 // values visited per block
	maxJSONObjects = 500   // typed objects kept per page
)

// node is one JSON-LD object.
type node map[string]any

// jsonLDNodes returns the typed objects in one JSON-LD block, outer ones
// first. Broken JSON yields what was read before the break.
func jsonLDNodes(block string) []node {
	// Comment and CDATA wrappers ("<!--//--><![CDATA[//><!--") go first,
	// then whatever is left before the JSON.
	for _, w := range []string{"<![CDATA[", "]]>", "<!--", "-->"} {
		block = strings.ReplaceAll(block, w, "")
	}
	if i := strings.IndexAny(block, "{["); i >= 0 {
		block = block[i:]
	}
	dec := json.NewDecoder(strings.NewReader(block))
	dec.UseNumber()
	w := &jsonWalk{}
	for len(w.out) < maxJSONObjects {
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		w.walk(v, 0)
	}
	return w.out
}

// otherParties are properties whose objects are someone other than the
// page's owner: the brand of a product sold, the seller of an offer, a
// reviewer, an employer. They are not walked into.
var otherParties = set("brand", "manufacturer", "offers", "seller", "review", "reviewedBy", "sponsor",
	"funder", "memberOf", "member", "alumniOf", "worksFor", "affiliation", "competitor", "itemReviewed",
	"recipient", "customer", "provider", "broker", "isSimilarTo", "isRelatedTo")

type jsonWalk struct {
	out     []node
	visited int
}

func (w *jsonWalk) walk(v any, depth int) {
	w.visited++
	if depth > maxJSONDepth || w.visited > maxJSONNodes || len(w.out) >= maxJSONObjects {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["@type"]; ok {
			w.out = append(w.out, node(x))
		}
		for _, k := range sortedKeys(x) {
			if !otherParties[k] {
				w.walk(x[k], depth+1)
			}
		}
	case []any:
		for _, e := range x {
			w.walk(e, depth+1)
		}
	}
}

// types returns the node's schema.org types without their prefix.
func (n node) types() []string {
	var out []string
	for _, t := range jsonStrings(n["@type"]) {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/")
		t = strings.TrimPrefix(t, "schema:")
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (n node) is(types ...string) bool {
	for _, t := range n.types() {
		for _, want := range types {
			if strings.EqualFold(t, want) {
				return true
			}
		}
	}
	return false
}

// str is the first string value of a property.
func (n node) str(key string) string {
	if vs := jsonStrings(n[key]); len(vs) > 0 {
		return clean(vs[0])
	}
	return ""
}

// strs are all string values of a property, capped.
func (n node) strs(key string) []string {
	var out []string
	for _, v := range jsonStrings(n[key]) {
		if v = clean(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// nodes are the object values of a property.
func (n node) nodes(key string) []node {
	var out []node
	add := func(v any) {
		if m, ok := v.(map[string]any); ok {
			out = append(out, node(m))
		}
	}
	switch x := n[key].(type) {
	case []any:
		for _, e := range x {
			add(e)
			if len(out) == MaxValues {
				break
			}
		}
	default:
		add(x)
	}
	return out
}

// jsonStrings reads a JSON-LD value as strings: a string, a number, a
// list of them, or an object's "@value", "@id", "url" or "name".
func jsonStrings(v any) []string {
	var out []string
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > 2 || len(out) >= MaxValues {
			return
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case []any:
			for _, e := range x {
				add(e, depth+1)
			}
		case map[string]any:
			for _, k := range []string{"@value", "@id", "url", "contentUrl", "name"} {
				if s, ok := x[k].(string); ok {
					out = append(out, s)
					return
				}
			}
		}
	}
	add(v, 0)
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Sorted so that the walk, and so the order of what is found, does not
	// depend on Go's map order.
	slices.Sort(keys)
	return keys
}
