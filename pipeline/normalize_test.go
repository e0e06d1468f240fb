package pipeline

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/bag"
	"verrijk/sources/kvk"
)

func TestAddressKey(t *testing.T) {
	cases := []struct {
		pc       string
		n        int
		l, a     string
		want     string
		fromSubj string
	}{
		{"8823SJ", 3, "A", "", "8823SJ 3A", "8823sj 3a"},
		{"8823 sj", 3, "", "", "8823SJ 3", "8823SJ 3"},
		{"8823SJ", 3, "", "bis", "8823SJ 3-BIS", "8823SJ 3-bis"},
		{"1034WL", 17, "m", "2", "1034WL 17M-2", "1034wl 17m-2"},
		{"", 3, "A", "", "", ""},
		{"8823SJ", 0, "", "", "", ""},
	}
	for _, c := range cases {
		got := AddressKey(c.pc, c.n, c.l, c.a)
		if got != c.want {
			t.Errorf("AddressKey(%q, %d, %q, %q) = %q; want %q", c.pc, c.n, c.l, c.a, got, c.want)
		}
		if c.fromSubj == "" {
			continue
		}
		s, err := subject.Parse(subject.Address, c.fromSubj)
		if err != nil || s.Value != got {
			t.Errorf("subject %q parses to %q (%v); AddressKey gives %q", c.fromSubj, s.Value, err, got)
		}
	}
}

func normalizeFile(t *testing.T, path string) []entity.Entity {
	t.Helper()
	ents, err := Normalize(goldenEvidence(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func bySchema(ents []entity.Entity, schema string) []entity.Entity {
	var out []entity.Entity
	for _, e := range ents {
		if e.Schema == schema {
			out = append(out, e)
		}
	}
	return out
}

// TestKvKAndBAGNameTheSameAddress: the KvK hoofdvestiging of Test BV
// Donald ("Hizzaarderlaan 3 A", letter filed as toevoeging) and BAG's
// 8823SJ 3A are one Address entity, and its subject is the analyst's.
func TestKvKAndBAGNameTheSameAddress(t *testing.T) {
	fromKvK := bySchema(normalizeFile(t, "testdata/kvk/basisprofiel-68750110.json"), entity.SchemaAddress)
	fromVes := bySchema(normalizeFile(t, "testdata/kvk/vestigingsprofiel-000037178598.json"), entity.SchemaAddress)
	fromBAG := bySchema(normalizeFile(t, "testdata/bag/free-8823SJ-3A.json"), entity.SchemaAddress)
	if len(fromKvK) != 1 || len(fromVes) != 1 || len(fromBAG) != 1 {
		t.Fatalf("addresses: kvk %d, vestiging %d, bag %d; want one each", len(fromKvK), len(fromVes), len(fromBAG))
	}
	want := AddressID("8823SJ 3A")
	for _, e := range []entity.Entity{fromKvK[0], fromVes[0], fromBAG[0]} {
		if e.ID != want {
			t.Errorf("%s address id %s; want %s", e.Provenance[0].Source, e.ID, want)
		}
		if key := e.First("postalCode") + " " + e.First("houseNumber"); key != "8823SJ 3A" {
			t.Errorf("postalCode + houseNumber = %q; want the subject 8823SJ 3A", key)
		}
	}
	merged := fromKvK[0]
	merged.Merge(fromBAG[0])
	if len(merged.Properties["full"]) != 1 || len(merged.Provenance) != 2 || merged.First("bagId") == "" {
		t.Errorf("merged address %+v", merged)
	}
	company := legalEntities(normalizeFile(t, "testdata/kvk/basisprofiel-68750110.json"))[0]
	if company.ID != CompanyID("68750110") || company.First("addressEntity") != want {
		t.Errorf("company %s does not point at the address: %v", company.ID, company.Properties["addressEntity"])
	}
}

// TestShieldedAddressesStayShielded: nothing of a shielded address but
// its city reaches an entity.
func TestShieldedAddressesStayShielded(t *testing.T) {
	for path, secret := range map[string][]string{
		"testdata/kvk/basisprofiel-69599068-shielded.json": nil,
		"testdata/kvk/vestigingsprofiel-foreign.json":      {"Geheim", "1011AB"},
	} {
		ents := normalizeFile(t, path)
		for _, e := range ents {
			if e.Schema == entity.SchemaAddress && e.First("country") == "nl" {
				t.Errorf("%s: Dutch address entity %v made from a shielded address", path, e.Properties)
			}
			out, _ := json.Marshal(e)
			for _, s := range secret {
				if strings.Contains(string(out), s) {
					t.Errorf("%s: shielded %q leaked into %s", path, s, out)
				}
			}
		}
		// The city stays on the company or branch the address belongs to.
		cities := 0
		for _, c := range bySchema(ents, entity.SchemaCompany) {
			cities += len(c.Properties["city"])
			if path == "testdata/kvk/basisprofiel-69599068-shielded.json" && len(c.Properties["address"]) > 0 {
				t.Errorf("shielded %s has address %v", c.ID, c.Properties["address"])
			}
		}
		if cities == 0 {
			t.Errorf("%s: the city of the shielded address should be kept", path)
		}
	}
}

func TestEveryAdapterKindHasANormaliser(t *testing.T) {
	for _, kind := range []string{kvk.KindZoeken, kvk.KindBasisprofiel, kvk.KindVestigingsprofiel, kvk.KindEmpty,
		kvk.KindEigenaar, kvk.KindHoofdvestiging, kvk.KindVestigingen, bag.KindFree, bag.KindLookup} {
		if _, ok := normalizers[kind]; !ok {
			t.Errorf("no normaliser for %s", kind)
		}
	}
	ents, err := Normalize(sources.Evidence{Kind: kvk.KindEmpty, Body: []byte(`{"fout":[]}`)})
	if err != nil || len(ents) != 0 {
		t.Errorf("kvk.empty gave %v, %v", ents, err)
	}
}

func TestProvenanceNamesTheProperties(t *testing.T) {
	for _, e := range normalizeFile(t, "testdata/kvk/zoeken-naam-test.json") {
		if len(e.Provenance) != 1 || strings.Join(e.Provenance[0].Properties, ",") != strings.Join(e.PropertyNames(), ",") {
			t.Errorf("%s: provenance %+v for properties %v", e.ID, e.Provenance, e.PropertyNames())
		}
		if e.Provenance[0].SHA256 == "" || e.Provenance[0].Source != "kvk" {
			t.Errorf("%s: provenance %+v", e.ID, e.Provenance[0])
		}
	}
}

// TestHostileBodiesNeverPanic feeds every recorded body, truncated and
// with each kind of value swapped for another, to its normaliser.
func TestHostileBodiesNeverPanic(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*/*.json")
	swaps := []any{nil, "x", 12.5, -1, true, []any{1, "a"}, map[string]any{"a": nil}}
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		ev := goldenEvidence(t, p)
		body := ev.Body
		for i := 0; i < len(body); i += 7 {
			ev.Body = body[:i]
			mustNotPanic(t, ev)
		}
		var doc any
		if json.Unmarshal(body, &doc) != nil {
			continue
		}
		for _, s := range swaps {
			ev.Body, _ = json.Marshal(replaceLeaves(doc, s))
			mustNotPanic(t, ev)
		}
	}
}

func mustNotPanic(t *testing.T, ev sources.Evidence) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s panicked on %.200s: %v", ev.Kind, ev.Body, r)
		}
	}()
	_, _ = Normalize(ev)
}

func replaceLeaves(v, with any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, vv := range x {
			out[k] = replaceLeaves(vv, with)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = replaceLeaves(vv, with)
		}
		return out
	}
	return with
}

func TestIsoDate(t *testing.T) {
	for in, want := range map[string]string{"20170519": "2017-05-19", "20170500": "2017-05", "20170000": "2017",
		"2017051": "", "2017O519": "", "00000000": "", "20171319": "", "": ""} {
		if got := isoDate(in); got != want {
			t.Errorf("isoDate(%q) = %q; want %q", in, got, want)
		}
	}
}
