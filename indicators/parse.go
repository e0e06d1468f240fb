package indicators

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// The rules file is read node by node rather than decoded into structs, so
// that every error names the rule, the field path inside it and the line,
// and so that an unknown or misspelt key is an error, not a silent default.

// MaxFileBytes caps the rules file: a few hundred rules fit easily.
const MaxFileBytes = 1 << 20

// Limits that keep a rule readable and its evaluation cheap.
const (
	maxDepth    = 6
	maxChildren = 20
	maxTerms    = 500
	maxWeight   = 10
)

var (
	ruleIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	schemaPattern   = regexp.MustCompile(`^[A-Z][A-Za-z]{1,40}$`)
	propPattern     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`)
	listNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
)

// Parse reads and validates a rules file; name (usually its path) starts
// every error message. All problems are reported together.
func Parse(data []byte, name string) (*Rules, error) {
	p := &parser{name: name}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("indicators: %s: the file is larger than %d bytes", name, MaxFileBytes)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("indicators: %s: not valid YAML: %w", name, err)
	}
	if len(doc.Content) != 1 {
		return nil, fmt.Errorf("indicators: %s: the file is empty", name)
	}
	rs := p.file(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	rs.Source = name
	return rs, nil
}

type parser struct {
	name  string
	rule  string // id of the rule being read, "" at the top level
	lists map[string][]string
	errs  []error
}

// fail records a problem with field (a dotted path) at node n.
func (p *parser) fail(field string, n *yaml.Node, format string, args ...any) {
	where := field
	if n != nil && n.Line > 0 {
		where = fmt.Sprintf("%s (line %d)", field, n.Line)
	}
	msg := fmt.Sprintf(format, args...)
	if p.rule != "" {
		p.errs = append(p.errs, fmt.Errorf("indicators: %s: rule %q: %s: %s", p.name, p.rule, where, msg))
		return
	}
	p.errs = append(p.errs, fmt.Errorf("indicators: %s: %s: %s", p.name, where, msg))
}

// fields returns a mapping's values by key, refusing unknown and repeated
// keys; ok is false when n is not a mapping.
func (p *parser) fields(n *yaml.Node, path string, allowed ...string) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		p.fail(path, n, "must be a mapping of keys to values")
		return nil, false
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		switch {
		case !contains(allowed, key):
			p.fail(join(path, key), k, "unknown key; allowed here: %s", strings.Join(allowed, ", "))
		case out[key] != nil:
			p.fail(join(path, key), k, "given twice")
		default:
			out[key] = v
		}
	}
	return out, true
}

func (p *parser) file(root *yaml.Node) *Rules {
	f, ok := p.fields(root, "(file)", "version", "lists", "rules")
	if !ok {
		return nil
	}
	rs := &Rules{Lists: map[string][]string{}}
	if v := f["version"]; v == nil {
		p.fail("version", root, "is required: name this edition of the rules, and change it on every edit")
	} else {
		rs.Version = p.text("version", v, 64)
	}
	p.lists = rs.Lists
	if l := f["lists"]; l != nil {
		p.readLists(l)
	}
	seen := map[string]bool{}
	if r := f["rules"]; r == nil || r.Kind != yaml.SequenceNode || len(r.Content) == 0 {
		p.fail("rules", root, "is required: a list of rules")
	} else {
		for i, n := range r.Content {
			rule := p.readRule(n, fmt.Sprintf("rules[%d]", i))
			if rule.ID == "" {
				continue
			}
			if seen[rule.ID] {
				p.rule = ""
				p.fail(fmt.Sprintf("rules[%d].id", i), n, "rule id %q is used twice", rule.ID)
				continue
			}
			seen[rule.ID] = true
			rs.Rules = append(rs.Rules, rule)
		}
	}
	p.rule = ""
	return rs
}

func (p *parser) readLists(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.fail("lists", n, "must map list names to lists of values")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := join("lists", k.Value)
		if !listNamePattern.MatchString(k.Value) {
			p.fail(path, k, "a list name is lower case letters, digits and _")
			continue
		}
		if _, dup := p.lists[k.Value]; dup {
			p.fail(path, k, "given twice")
			continue
		}
		p.lists[k.Value] = p.literalTerms(path, v)
	}
}

func (p *parser) readRule(n *yaml.Node, path string) Rule {
	p.rule = ""
	// Every message about a rule with a usable id names the rule, with
	// field paths inside it.
	if id := mappingValue(n, "id"); id != nil && ruleIDPattern.MatchString(id.Value) {
		p.rule, path = id.Value, ""
	}
	f, ok := p.fields(n, path, "id", "title", "explanation", "schema", "weight", "reads", "when")
	if !ok {
		return Rule{}
	}
	var r Rule
	id := f["id"]
	if id == nil || !ruleIDPattern.MatchString(id.Value) {
		p.fail(join(path, "id"), n, "is required: 2 to 63 characters of a-z, 0-9 and -")
		return Rule{}
	}
	r.ID = id.Value
	r.Title = p.required(f, "title", n, 200)
	r.Explanation = p.required(f, "explanation", n, 2000)
	if s := f["schema"]; s == nil || !schemaPattern.MatchString(s.Value) {
		p.fail("schema", n, "is required: the entity schema the rule applies to, e.g. Company or Address")
	} else {
		r.Schema = s.Value
	}
	if w := f["weight"]; w == nil {
		p.fail("weight", n, "is required: a whole number from 1 to %d", maxWeight)
	} else if v, err := strconv.Atoi(w.Value); err != nil || v < 1 || v > maxWeight {
		p.fail("weight", w, "%q must be a whole number from 1 to %d", w.Value, maxWeight)
	} else {
		r.Weight = v
	}
	if rd := f["reads"]; rd == nil {
		p.fail("reads", n, "is required: every property the condition reads")
	} else {
		r.Reads = p.props("reads", rd)
	}
	if w := f["when"]; w == nil {
		p.fail("when", n, "is required: the condition")
	} else {
		r.When = p.cond(w, "when", 1)
	}
	p.check(r)
	return r
}

func (p *parser) required(f map[string]*yaml.Node, key string, parent *yaml.Node, max int) string {
	n := f[key]
	if n == nil {
		p.fail(key, parent, "is required")
		return ""
	}
	return p.text(key, n, max)
}

// text reads a non-empty scalar of at most max characters.
func (p *parser) text(field string, n *yaml.Node, max int) string {
	v := strings.TrimSpace(n.Value)
	switch {
	case n.Kind != yaml.ScalarNode:
		p.fail(field, n, "must be text")
	case v == "":
		p.fail(field, n, "must not be empty")
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > max:
		p.fail(field, n, "must be valid text of at most %d characters", max)
	default:
		return v
	}
	return ""
}

// props reads a non-empty list of distinct property names.
func (p *parser) props(field string, n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(field, n, "must be a non-empty list of property names")
		return nil
	}
	var out []string
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case c.Kind != yaml.ScalarNode || !propPattern.MatchString(c.Value):
			p.fail(f, c, "%q is not a property name", c.Value)
		case contains(out, c.Value):
			p.fail(f, c, "%q is listed twice", c.Value)
		default:
			out = append(out, c.Value)
		}
	}
	return out
}

func (p *parser) prop(field string, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || !propPattern.MatchString(n.Value) {
		p.fail(field, n, "%q is not a property name", n.Value)
		return ""
	}
	return n.Value
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" || path == "(file)" {
		return key
	}
	return path + "." + key
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
