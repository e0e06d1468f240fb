package pipeline

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
)

// The Domain id must stay what wayback computes for the same name, so
// registration data and archive history land on one entity.
func TestRDAPDomainID(t *testing.T) {
	ents, err := Normalize(goldenEvidence(t, "testdata/rdap/domain-voorbeeldbedrijf.nl.json"))
	if err != nil || len(ents) != 1 {
		t.Fatalf("%v %v", ents, err)
	}
	if want := entity.MakeID("Domain", "domain", "voorbeeldbedrijf.nl"); ents[0].ID != want || ents[0].Schema != entity.SchemaDomain {
		t.Fatalf("id %s schema %s; want %s Domain", ents[0].ID, ents[0].Schema, want)
	}
}

// Data minimisation: whatever the registry publishes, no phone number,
// e-mail, street address or redacted name reaches an entity.
func TestRDAPKeepsNoContactData(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/rdap/*.json")
	forbidden := []string{"@", "tel:", "+31", "Voorbeeldstraat", "1011AB", "Jan Jansen", "REDACTED", "Not Disclosed", "hostmaster", "abuse"}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") {
			continue
		}
		ents, _ := Normalize(goldenEvidence(t, in))
		for _, e := range ents {
			n++
			props, _ := json.Marshal(e.Properties)
			for _, f := range forbidden {
				if strings.Contains(string(props), f) {
					t.Errorf("%s: %q in %s", in, f, props)
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d entities checked", n)
	}
}
