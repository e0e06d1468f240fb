package indicators

import (
	"strings"
	"testing"
)

// ruleFile wraps rule YAML (indented as a list item under rules:) in a
// file with a version and a list.
func ruleFile(rules string) string {
	return "version: t1\nlists:\n  cash: [\"56\", \"9602\"]\nrules:\n" + rules
}

const validRule = `  - id: recent-ingeschreven
    title: Recent ingeschreven
    explanation: Minder dan een jaar oud.
    schema: Company
    weight: 2
    reads: [incorporationDate]
    when: {property: incorporationDate, within: P12M}
`

func TestParseValidRule(t *testing.T) {
	rs, err := Parse([]byte(ruleFile(validRule)), "rules.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	r := rs.Rules[0]
	if rs.Version != "t1" || r.ID != "recent-ingeschreven" || r.Weight != 2 || r.Schema != "Company" ||
		r.When.Leaf == nil || r.When.Leaf.Op != OpWithin || r.When.Leaf.Period.Months != 12 || r.When.Leaf.MinCount != 1 {
		t.Errorf("parsed %+v / %+v", rs, r.When.Leaf)
	}
	if got := rs.Lists["cash"]; len(got) != 2 || got[1] != "9602" {
		t.Errorf("lists = %v", rs.Lists)
	}
}

// TestParseErrorsNameRuleAndField: every mistake is refused with a
// message naming the rule and the field (and the line where known).
func TestParseErrorsNameRuleAndField(t *testing.T) {
	rule := func(when, reads string) string {
		return ruleFile(`  - id: r1
    title: T
    explanation: E
    schema: Company
    weight: 2
    reads: ` + reads + `
    when: ` + when + "\n")
	}
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"no version", "rules:\n" + validRule, []string{"rules.yaml", "version", "is required"}},
		{"unknown top key", "version: x\nrulez: []\n", []string{"rulez", "unknown key"}},
		{"no rules", "version: x\nrules: []\n", []string{"rules", "is required"}},
		{"not yaml", "version: [x\n", []string{"not valid YAML"}},
		{"bad id", ruleFile("  - {id: R_1, title: T, explanation: E, schema: Company, weight: 1, reads: [a], when: {property: a, exists: true}}\n"),
			[]string{"rules[0].id", "a-z, 0-9"}},
		{"duplicate id", ruleFile(validRule + validRule), []string{"recent-ingeschreven", "used twice"}},
		{"misspelt rule key", ruleFile(strings.Replace(validRule, "weight: 2", "wieght: 2", 1)),
			[]string{`rule "recent-ingeschreven": wieght (line 9): unknown key`, `rule "recent-ingeschreven": weight`, "is required"}},
		{"weight too high", ruleFile(strings.Replace(validRule, "weight: 2", "weight: 11", 1)),
			[]string{`rule "recent-ingeschreven"`, "weight (line 9)", "1 to 10"}},
		{"no title", ruleFile(strings.Replace(validRule, "title: Recent ingeschreven", "title: \"\"", 1)),
			[]string{`rule "recent-ingeschreven"`, "title", "must not be empty"}},
		{"bad schema", ruleFile(strings.Replace(validRule, "schema: Company", "schema: company", 1)),
			[]string{`rule "recent-ingeschreven"`, "schema", "is required"}},
		{"bad period", rule("{property: a, within: P12X}", "[a]"), []string{`rule "r1"`, "when.within", "ISO 8601 period"}},
		{"two operators", rule("{property: a, within: P1Y, exists: true}", "[a]"), []string{`rule "r1"`, "when (line", "exactly one of"}},
		{"no operator", rule("{property: a}", "[a]"), []string{`rule "r1"`, "found 0"}},
		{"two kinds", rule("{property: a, not: {property: a, exists: true}}", "[a]"), []string{`rule "r1"`, "exactly one of all, any"}},
		{"unknown condition key", rule("{property: a, exsts: true}", "[a]"), []string{`rule "r1"`, "when.exsts", "unknown key"}},
		{"all not a list", rule("{all: {property: a, exists: true}}", "[a]"), []string{`rule "r1"`, "when.all", "list of 1 to"}},
		{"nested error path", rule("{all: [{property: a, exists: true}, {any: [{property: b, at_least: many}]}]}", "[a, b]"),
			[]string{`rule "r1"`, "when.all[1].any[0].at_least", `"many" must be a number`}},
		{"exists not bool", rule("{property: a, exists: yes please}", "[a]"), []string{"when.exists", "true or false"}},
		{"unknown list", rule("{property: sbiCode, prefix: {list: kas}}", "[sbiCode]"), []string{`rule "r1"`, "when.prefix.list", `no list named "kas"`}},
		{"empty terms", rule("{property: a, equals: []}", "[a]"), []string{"when.equals", "list of 1 to"}},
		{"min_count with only", rule("{property: a, only: [x], min_count: 2}", "[a]"), []string{"when.min_count", "does not apply"}},
		{"min_count zero", rule("{property: a, exists: true, min_count: 0}", "[a]"), []string{"when.min_count", "1 to 1000"}},
		{"related without way", rule("{related: {schema: Address}}", "[a]"), []string{"when.related", "exactly one of via, back_via or same_signal"}},
		{"related two ways", rule("{related: {schema: Address, via: a, same_signal: true}}", "[a]"), []string{"when.related", "exactly one of via"}},
		{"related bounds", rule("{related: {schema: Address, via: a, at_least: 3, at_most: 2}}", "[a]"), []string{"when.related.at_most", "below at_least"}},
		{"related too deep", rule(`{related: {schema: A, same_signal: true, where: {related: {schema: B, same_signal: true,
        where: {related: {schema: C, same_signal: true}}}}}}`, "[a]"), []string{"when", "nest 3 deep"}},
		{"reads misses a property", rule("{all: [{property: a, exists: true}, {property: b, exists: true}]}", "[a]"),
			[]string{`rule "r1"`, "reads", `reads "b" (at when.all[1])`, "which reads does not list"}},
		{"reads misses a relation property", rule("{related: {schema: Address, via: addressEntity, where: {property: gebruiksdoel, exists: true}}}", "[addressEntity]"),
			[]string{"reads", `"gebruiksdoel"`, "when.related.where"}},
		{"reads lists too much", rule("{property: a, exists: true}", "[a, b]"), []string{`rule "r1"`, "reads", `lists "b", which the condition does not read`}},
		{"reads twice", rule("{property: a, exists: true}", "[a, a]"), []string{"reads[1]", "listed twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.file), "rules.yaml")
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tc.file)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsAllProblems(t *testing.T) {
	file := ruleFile(strings.Replace(validRule, "weight: 2", "weight: 0", 1) +
		strings.Replace(strings.Replace(validRule, "recent-ingeschreven", "tweede", 1), "P12M", "twaalf maanden", 1))
	_, err := Parse([]byte(file), "rules.yaml")
	if err == nil || !strings.Contains(err.Error(), `rule "recent-ingeschreven": weight`) ||
		!strings.Contains(err.Error(), `rule "tweede": when.within`) {
		t.Errorf("err = %v; want both rules' problems", err)
	}
}

func TestParseCapsFileSize(t *testing.T) {
	big := ruleFile(validRule) + "# " + strings.Repeat("x", MaxFileBytes) + "\n"
	if _, err := Parse([]byte(big), "rules.yaml"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized file: %v", err)
	}
}
