package entity

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMakeIDIsStableAndDistinct(t *testing.T) {
	a := MakeID(SchemaCompany, "kvkNumber", "68750110")
	if a != MakeID(SchemaCompany, "kvkNumber", " 68750110 ") {
		t.Errorf("surrounding space changed the id")
	}
	if !strings.HasPrefix(a, "company-") || len(a) != len("company-")+24 {
		t.Errorf("id %q has the wrong shape", a)
	}
	for _, other := range []string{
		MakeID(SchemaCompany, "kvkNumber", "69599084"),
		MakeID(SchemaCompany, "rsin", "68750110"),
		MakeID(SchemaAddress, "kvkNumber", "68750110"),
	} {
		if other == a {
			t.Errorf("different inputs gave the same id %s", a)
		}
	}
}

func TestAddSkipsEmptyAndDuplicates(t *testing.T) {
	var e Entity
	e.Add("name", "Test BV Donald", "", "  ", "Test BV Donald", "Donald")
	if got := e.Properties["name"]; len(got) != 2 || got[0] != "Test BV Donald" || got[1] != "Donald" {
		t.Errorf("name = %v", got)
	}
	if e.First("name") != "Test BV Donald" || e.First("missing") != "" {
		t.Errorf("First gave %q", e.First("name"))
	}
}

func TestMergeUnionsValuesAndProvenance(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	a := Entity{ID: "x", Schema: SchemaCompany, Properties: map[string][]string{"name": {"A"}},
		Provenance: []Provenance{{Source: "kvk", SHA256: "1", URL: "u"}}, FirstSeen: t2, LastSeen: t2}
	b := Entity{ID: "x", Schema: SchemaCompany, Caption: "A", Properties: map[string][]string{"name": {"A", "B"}, "rsin": {"9"}},
		Provenance: []Provenance{{Source: "kvk", SHA256: "1", URL: "u"}, {Source: "bag", SHA256: "2", URL: "v"}},
		FirstSeen:  t1, LastSeen: t1}
	a.Merge(b)
	if got := a.Properties["name"]; len(got) != 2 || got[1] != "B" || a.First("rsin") != "9" {
		t.Errorf("properties after merge = %v", a.Properties)
	}
	if len(a.Provenance) != 2 {
		t.Errorf("provenance after merge = %v, want the shared record once", a.Provenance)
	}
	if a.Caption != "A" || !a.FirstSeen.Equal(t1) || !a.LastSeen.Equal(t2) {
		t.Errorf("caption %q first %v last %v", a.Caption, a.FirstSeen, a.LastSeen)
	}
	if names := a.PropertyNames(); strings.Join(names, ",") != "name,rsin" {
		t.Errorf("PropertyNames = %v", names)
	}
}

func TestZeroTimesAreLeftOutOfJSON(t *testing.T) {
	b, _ := json.Marshal(Entity{ID: "x"})
	if strings.Contains(string(b), "first_seen") || strings.Contains(string(b), "last_seen") {
		t.Errorf("zero times in JSON: %s", b)
	}
}
