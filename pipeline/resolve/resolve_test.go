package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"verrijk/pipeline"
	"verrijk/pipeline/entity"
)

// fakeLookup answers from a fixed key table and records what it was asked.
type fakeLookup struct {
	keys  map[string][]string
	asked [][]string
	err   error
}

func (f *fakeLookup) EntitiesByKeys(_ context.Context, _ string, keys []string, limit int) (map[string][]string, error) {
	f.asked = append(f.asked, keys)
	out := map[string][]string{}
	for _, k := range keys {
		if ids := f.keys[k]; len(ids) > 0 {
			out[k] = ids[:min(limit, len(ids))]
		}
	}
	return out, f.err
}

func ent(schema, id string, props map[string][]string, source string) entity.Entity {
	e := entity.Entity{ID: id, Schema: schema, Properties: map[string][]string{}}
	for k, vs := range props {
		e.Add(k, vs...)
	}
	e.Caption = e.First("name")
	e.Provenance = []entity.Provenance{{Source: source, SHA256: source + "-sha", Properties: e.PropertyNames()}}
	return e
}

func resolveAll(t *testing.T, l *fakeLookup, in ...entity.Entity) []entity.Entity {
	t.Helper()
	out, err := Resolver{Lookup: l}.Resolve(t.Context(), in)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return out
}

func TestResolveStrongIdentifiers(t *testing.T) {
	l := &fakeLookup{}
	out := resolveAll(t, l,
		ent(entity.SchemaCompany, "company-website", map[string][]string{"name": {"Test B.V. Donald"}, "kvkNumber": {"KvK 6875.0110"},
			"rsin": {"8575 87 973"}}, "website"),
		ent(entity.SchemaCompany, "company-branch", map[string][]string{"vestigingsnummer": {"0000 3717 8598"}, "isBranch": {"true"}}, "website"),
		ent(entity.SchemaAddress, "address-full", map[string][]string{"full": {"Hizzaarderlaan 3 A, 8823 SJ Lollum"}}, "website"),
		ent(entity.SchemaVehicle, "vehicle-x", map[string][]string{"registrationNumber": {"6-tjr-64"}}, "social"),
		ent(entity.SchemaDomain, "domain-x", map[string][]string{"name": {"WWW.TestBVDonald.nl"}}, "website"),
	)
	want := []string{pipeline.CompanyID("68750110"), pipeline.BranchID("000037178598"), pipeline.AddressID("8823SJ 3A"),
		pipeline.VehicleID("6TJR64"), DomainID("testbvdonald.nl")}
	for i, e := range out {
		if e.ID != want[i] {
			t.Errorf("entity %d (%s) id = %s, want %s", i, e.Schema, e.ID, want[i])
		}
	}
	if c := out[0]; !slices.Equal(c.Properties["kvkNumber"], []string{"68750110"}) || !slices.Equal(c.Properties["rsin"], []string{"857587973"}) {
		t.Errorf("identifiers not in canonical notation: %v", c.Properties)
	}
	if !slices.Equal(out[3].Properties["registrationNumber"], []string{"6TJR64"}) || !slices.Equal(out[4].Properties["name"], []string{"testbvdonald.nl"}) {
		t.Errorf("plate/domain notation: %v / %v", out[3].Properties, out[4].Properties)
	}
	if len(l.asked) != 0 {
		t.Errorf("entities with a strong identifier were looked up: %v", l.asked)
	}
}

func TestResolveByLookup(t *testing.T) {
	kvkID := pipeline.CompanyID("68750110")
	l := &fakeLookup{keys: map[string][]string{
		"name:test bv donald":     {kvkID},
		"name:donald":             {"company-holding", "company-ops"},
		"rsin:857587973":          {kvkID},
		"website:testbvdonald.nl": {kvkID},
		"bag:0363200000123456":    {"address-bag"},
		"person:de jan vries":     {"person-1"},
	}}
	cases := []struct {
		name string
		in   entity.Entity
		want string
	}{
		{"by name, another spelling", ent(entity.SchemaCompany, "company-pub", map[string][]string{"name": {"TEST B.V. Donald"}}, "bekendmakingen"), kvkID},
		{"by rsin", ent(entity.SchemaCompany, "company-os", map[string][]string{"name": {"Iets Anders"}, "rsin": {"857587973"}}, "opensanctions"), kvkID},
		{"by website", ent(entity.SchemaCompany, "company-social", map[string][]string{"website": {"https://testbvdonald.nl/over-ons"}}, "social"), kvkID},
		{"ambiguous name", ent(entity.SchemaCompany, "company-d", map[string][]string{"name": {"Donald B.V."}}, "bekendmakingen"), "company-d"},
		{"rsin wins over name", ent(entity.SchemaCompany, "company-r", map[string][]string{"name": {"Donald BV"}, "rsin": {"857587973"}}, "x"), kvkID},
		{"itself known", ent(entity.SchemaCompany, "company-holding", map[string][]string{"name": {"Donald Holding"}}, "x"), "company-holding"},
		{"unknown name", ent(entity.SchemaCompany, "company-u", map[string][]string{"name": {"Onbekend BV"}}, "x"), "company-u"},
		{"branch not by name", ent(entity.SchemaCompany, "company-b", map[string][]string{"name": {"Test BV Donald"}, "isBranch": {"true"}}, "x"), "company-b"},
		{"address by bag id", ent(entity.SchemaAddress, "address-q", map[string][]string{"bagId": {"363200000123456"}}, "x"), "address-bag"},
		{"person never by name", ent(entity.SchemaPerson, "person-2", map[string][]string{"name": {"Jan de Vries"}}, "x"), "person-2"},
	}
	for _, c := range cases {
		out := resolveAll(t, l, c.in)
		if len(out) != 1 || out[0].ID != c.want {
			t.Errorf("%s: resolved to %v, want %s", c.name, out, c.want)
		}
	}

	// Two KvK numbers that disagree: kept as it is, and not looked up by name.
	l.asked = nil
	out := resolveAll(t, l, ent(entity.SchemaCompany, "company-two", map[string][]string{
		"kvkNumber": {"68750110", "69599084"}, "name": {"Test BV Donald"}}, "x"))
	if out[0].ID != "company-two" || len(l.asked) != 0 {
		t.Errorf("conflicting KvK numbers: id %s, lookups %v", out[0].ID, l.asked)
	}
}

func TestResolveRewritesReferencesAndMerges(t *testing.T) {
	kvkID := pipeline.CompanyID("68750110")
	addrID := pipeline.AddressID("8823SJ 3A")
	l := &fakeLookup{}
	company := ent(entity.SchemaCompany, "company-site", map[string][]string{"name": {"Test BV Donald"}, "kvkNumber": {"68750110"},
		"addressEntity": {"address-site"}, "parent": {"company-site"}}, "website")
	again := ent(entity.SchemaCompany, "company-footer", map[string][]string{"kvkNumber": {"6875 0110"}, "email": {"info@testbvdonald.nl"}}, "website-footer")
	address := ent(entity.SchemaAddress, "address-site", map[string][]string{"full": {"Hizzaarderlaan 3A, 8823SJ Lollum"}}, "website")
	domain := ent(entity.SchemaDomain, "domain-site", map[string][]string{"name": {"testbvdonald.nl"}, "owner": {"company-site"}}, "website")
	in := []entity.Entity{company, again, address, domain}
	before := cloneAll(in)

	out := resolveAll(t, l, in...)
	if !reflect.DeepEqual(in, before) {
		t.Error("Resolve modified its argument")
	}
	if len(out) != 3 {
		t.Fatalf("%d entities, want the two companies merged into one: %v", len(out), out)
	}
	c := out[0]
	if c.ID != kvkID || !slices.Equal(c.Properties["addressEntity"], []string{addrID}) || c.Properties["parent"] != nil {
		t.Errorf("company = %+v; want its address reference rewritten and the self-reference dropped", c)
	}
	if !slices.Equal(c.Properties["email"], []string{"info@testbvdonald.nl"}) || len(c.Provenance) != 2 {
		t.Errorf("merged company = %+v; want both entities' properties and provenance", c)
	}
	if out[1].ID != addrID || out[2].ID != DomainID("testbvdonald.nl") || !slices.Equal(out[2].Properties["owner"], []string{kvkID}) {
		t.Errorf("address %s, domain %+v", out[1].ID, out[2])
	}
}

func TestResolveAttachesWebsites(t *testing.T) {
	kvkID := pipeline.CompanyID("68750110")
	l := &fakeLookup{keys: map[string][]string{
		"website:testbvdonald.nl": {kvkID},
		"name:donald":             {"company-holding", "company-ops"},
		"name:appels en peren":    {"company-ap"},
	}}
	site := func(domain, name string, company ...string) entity.Entity {
		props := map[string][]string{"domain": {domain}, "name": {name}}
		if len(company) > 0 {
			props["company"] = company
		}
		return ent(entity.SchemaWebsite, entity.MakeID(entity.SchemaWebsite, "url", domain), props, "website")
	}
	cases := []struct {
		name string
		in   entity.Entity
		want []string
	}{
		{"by domain", site("testbvdonald.nl", "Iets"), []string{kvkID}},
		{"by name", site("appelsenperen.nl", "Appels & Peren B.V."), []string{"company-ap"}},
		{"ambiguous name", site("donald.nl", "Donald BV"), nil},
		{"already known", site("testbvdonald.nl", "Iets", "company-other"), []string{"company-other"}},
		{"unknown", site("onbekend.nl", "Onbekend"), nil},
	}
	for _, c := range cases {
		out := resolveAll(t, l, c.in)
		if got := out[0].Properties["company"]; !slices.Equal(got, c.want) || out[0].ID != c.in.ID {
			t.Errorf("%s: company = %v (id %s), want %v", c.name, got, out[0].ID, c.want)
		}
	}
}

func TestResolveLookupError(t *testing.T) {
	l := &fakeLookup{err: errors.New("database is gone")}
	_, err := Resolver{Lookup: l}.Resolve(t.Context(), []entity.Entity{
		ent(entity.SchemaCompany, "company-x", map[string][]string{"name": {"X BV"}}, "x")})
	if err == nil {
		t.Fatal("a failed lookup was not reported")
	}
}

func TestKeys(t *testing.T) {
	c := ent(entity.SchemaCompany, "company-a", map[string][]string{
		"name": {"Test BV Donald"}, "alias": {"Donald Appels B.V."}, "rsin": {"857587973", "12"},
		"website": {"www.testbvdonald.nl", "https://facebook.com/donald"}, "addressEntity": {"address-47fb25ebd7aa8f7e913c7346"},
	}, "kvk")
	want := []string{"rsin:857587973", "website:testbvdonald.nl", "name:test bv donald", "name:donald appels",
		"ref:address-47fb25ebd7aa8f7e913c7346"}
	if got := Keys(c); !slices.Equal(got, want) {
		t.Errorf("Keys(company) = %q, want %q", got, want)
	}
	branch := ent(entity.SchemaCompany, "company-b", map[string][]string{"name": {"Test BV Donald"}, "isBranch": {"true"},
		"parent": {pipeline.CompanyID("68750110")}}, "kvk")
	if got := Keys(branch); !slices.Equal(got, []string{"ref:" + pipeline.CompanyID("68750110")}) {
		t.Errorf("Keys(branch) = %q, want only its reference", got)
	}
	p := ent(entity.SchemaPerson, "person-a", map[string][]string{"name": {"Jan de Vries"}, "alias": {"de Vries, Jan"}}, "x")
	if got := Keys(p); !slices.Equal(got, []string{"person:de jan vries"}) {
		t.Errorf("Keys(person) = %q", got)
	}
	a := ent(entity.SchemaAddress, "address-a", map[string][]string{"bagId": {"NL.IMBAG.NUMMERAANDUIDING.0363200000123456"}}, "x")
	if got := Keys(a); !slices.Equal(got, []string{"bag:0363200000123456"}) {
		t.Errorf("Keys(address) = %q", got)
	}
}

func cloneAll(in []entity.Entity) []entity.Entity {
	out := make([]entity.Entity, len(in))
	for i, e := range in {
		props := map[string][]string{}
		for k, vs := range e.Properties {
			props[k] = slices.Clone(vs)
		}
		e.Properties = props
		e.Provenance = slices.Clone(e.Provenance)
		out[i] = e
	}
	return out
}

// TestRegistersAreCanonical: resolution changes no id or value the
// normalisers give (their golden outputs): what the registers say is
// already in canonical form and never moves.
func TestRegistersAreCanonical(t *testing.T) {
	paths, err := filepath.Glob("../testdata/*/*.golden.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	n := 0
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			Entities []entity.Entity `json:"entities"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out := resolveAll(t, &fakeLookup{}, g.Entities...)
		if len(out) != len(g.Entities) {
			t.Errorf("%s: %d entities became %d", p, len(g.Entities), len(out))
			continue
		}
		for i, e := range out {
			if e.ID != g.Entities[i].ID {
				t.Errorf("%s: %s (%s) resolved to %s", p, g.Entities[i].ID, g.Entities[i].Caption, e.ID)
			}
			if want := g.Entities[i].Properties; !reflect.DeepEqual(e.Properties, want) && len(want) > 0 {
				t.Errorf("%s: %s properties changed:\n%v\nwant\n%v", p, e.ID, e.Properties, want)
			}
			n++
		}
	}
	t.Logf("%d entities from %d golden files keep their ids", n, len(paths))
}
