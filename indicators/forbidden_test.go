package indicators

import (
	"strings"
	"testing"
)

// TestForbiddenRulesAreRefused: a rule that reads nationality, ethnicity,
// religion or a proxy for them never loads, wherever in the rule it hides.
func TestForbiddenRulesAreRefused(t *testing.T) {
	rule := func(schema, reads, when string) string {
		return ruleFile(`  - id: verboden
    title: Verboden regel
    explanation: Deze regel mag niet bestaan.
    schema: ` + schema + `
    weight: 3
    reads: ` + reads + `
    when: ` + when + "\n")
	}
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"nationality", rule("Person", "[nationality]", "{property: nationality, equals: [ma]}"),
			[]string{`rule "verboden"`, `reads: "nationality" may not be used`, "Person.nationality may not be used", "toeslagenaffaire"}},
		{"case does not hide it", rule("Person", "[Nationality]", "{property: Nationality, exists: true}"),
			[]string{`"Nationality" may not be used`}},
		{"country of birth", rule("Person", "[countryOfBirth]", "{property: countryOfBirth, exists: true}"),
			[]string{"countryOfBirth", "proxy for nationality"}},
		{"birth place", rule("Person", "[birthPlace]", "{property: birthPlace, exists: true}"), []string{"birthPlace"}},
		{"religion", rule("Company", "[religion]", "{property: religion, exists: true}"), []string{"religion", "AVG art. 9"}},
		{"ethnicity", rule("Person", "[ethnicity]", "{property: ethnicity, exists: true}"), []string{"ethnicity", "ethnic origin"}},
		{"language", rule("Person", "[language]", "{property: language, equals: [ar]}"), []string{"language", "proxy"}},
		{"name origin", rule("Person", "[nameOrigin]", "{property: nameOrigin, exists: true}"), []string{"nameOrigin"}},
		{"a person's name", rule("Person", "[lastName]", "{property: lastName, contains_any: [el]}"),
			[]string{"Person.lastName", "proxy for ethnic origin"}},
		{"a person's country", rule("Person", "[country]", "{property: country, equals: [tr]}"), []string{"Person.country"}},
		{"hidden behind a relation", rule("Vehicle", "[cataloguePrice, birthCountry]",
			"{all: [{property: cataloguePrice, at_least: 1}, {related: {schema: Person, same_signal: true, where: {property: birthCountry, exists: true}}}]}"),
			[]string{"when.all[1].related.where", "Person.birthCountry may not be used"}},
		{"a related person's name", rule("Company", "[name]",
			"{related: {schema: Person, same_signal: true, where: {property: name, contains_any: [mohammed]}}}"),
			[]string{"Person.name may not be used"}},
		{"a screened person's country", rule("Sanction", "[country]", "{property: country, equals: [ir]}"),
			[]string{"Sanction.country"}},
		{"nationality word in text", rule("Company", "[name]", "{property: name, contains_any: [\"Marokkaanse bakkerij\"]}"),
			[]string{"when.contains_any", `"marokkaanse"`, "nationality, origin or religion"}},
		{"religious word in a list", "version: t1\nlists:\n  woorden: [kapper, halal]\nrules:\n" + `  - id: verboden
    title: T
    explanation: E
    schema: Company
    weight: 1
    reads: [name]
    when: {property: name, contains_any: {list: woorden}}
`, []string{`rule "verboden"`, `"halal"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.file), "rules.yaml")
			if err == nil {
				t.Fatalf("a forbidden rule loaded:\n%s", tc.file)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

// TestAllowedLookalikes: the guard is not a blanket ban on names and
// countries; a company's name or country of registration may be read, and
// ordinary words pass.
func TestAllowedLookalikes(t *testing.T) {
	file := ruleFile(`  - id: holding-in-buitenland
    title: T
    explanation: E
    schema: Company
    weight: 1
    reads: [name, country]
    when: {all: [{property: name, contains_any: [holding, "poolcentrum"]}, {not: {property: country, equals: [nl]}}]}
`)
	if _, err := Parse([]byte(file), "rules.yaml"); err != nil {
		t.Errorf("a rule on a company's name and country was refused: %v", err)
	}
}

func TestForbiddenTerm(t *testing.T) {
	for term, want := range map[string]string{
		"Turkse supermarkt": "turkse", "islamitische slager": "islamitische", "art. 13b": "", "romantisch": "",
		"turquoise": "", "Polen": "polen", "poolhouse": "", "Surinaamse toko": "surinaamse",
	} {
		if got := forbiddenTerm(term); got != want {
			t.Errorf("forbiddenTerm(%q) = %q, want %q", term, got, want)
		}
	}
}
