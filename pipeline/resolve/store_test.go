package resolve_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"verrijk/pipeline"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/sources"
	"verrijk/store"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return st
}

// save does what the worker does with what a lookup found: resolve,
// store (merging), remember the keys.
func save(t *testing.T, st store.Store, found ...entity.Entity) []entity.Entity {
	t.Helper()
	ctx := t.Context()
	resolved, err := resolve.Resolver{Lookup: st}.Resolve(ctx, found)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	var stored []entity.Entity
	for _, e := range resolved {
		s, err := st.UpsertEntity(ctx, e)
		if err != nil {
			t.Fatalf("UpsertEntity %s: %v", e.ID, err)
		}
		stored = append(stored, s)
	}
	if err := resolve.Remember(ctx, st, stored...); err != nil {
		t.Fatalf("Remember: %v", err)
	}
	return resolved
}

func kvkEntities(t *testing.T) []entity.Entity {
	t.Helper()
	body, err := os.ReadFile("../testdata/kvk/basisprofiel-68750110.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	ents, err := pipeline.Normalize(sources.Evidence{Source: "kvk", Kind: "kvk.basisprofiel", Status: 200,
		URL: "https://api.kvk.nl/api/v1/basisprofielen/68750110", FetchedAt: time.Now().UTC(),
		SHA256: hex.EncodeToString(sum[:]), Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func from(source string, schema, id string, props map[string][]string) entity.Entity {
	e := entity.Entity{ID: id, Schema: schema}
	for k, vs := range props {
		e.Add(k, vs...)
	}
	e.Caption = e.First("name")
	e.Provenance = []entity.Provenance{{Source: source, URL: "https://" + source + ".invalid/", SHA256: source + "-answer",
		FetchedAt: time.Now().UTC(), Properties: e.PropertyNames()}}
	return e
}

// TestSameCompanyFromFiveSources: the KvK register, the company's website,
// a publication naming it, a screening hit with its RSIN and a social
// profile linking its site, each spelling it differently, give one
// profile with provenance from each.
func TestSameCompanyFromFiveSources(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	kvkID := pipeline.CompanyID("68750110")
	addrID := pipeline.AddressID("8823SJ 3A")

	save(t, st, kvkEntities(t)...)

	siteCompany := entity.MakeID(entity.SchemaCompany, "website", "testbvdonald.nl")
	siteAddress := entity.MakeID(entity.SchemaAddress, "full", "Hizzaarderlaan 3 a, 8823 sj Lollum")
	save(t, st,
		from("website", entity.SchemaCompany, siteCompany, map[string][]string{"name": {"TEST B.V. DONALD"},
			"kvkNumber": {"KvK-nummer: 6875.0110"}, "email": {"info@testbvdonald.nl"}, "addressEntity": {siteAddress}}),
		from("website", entity.SchemaAddress, siteAddress, map[string][]string{"full": {"Hizzaarderlaan 3 a, 8823 sj Lollum"}}),
	)
	pubCompany := entity.MakeID(entity.SchemaCompany, "name", "Test B.V. Donald")
	save(t, st, from("bekendmakingen", entity.SchemaCompany, pubCompany, map[string][]string{"name": {"Test B.V. Donald"}}))
	osCompany := entity.MakeID(entity.SchemaCompany, "opensanctions", "NK-123")
	save(t, st, from("opensanctions", entity.SchemaCompany, osCompany, map[string][]string{"name": {"Tëst Donald Fruit"},
		"rsin": {"8575.87.973"}}))
	socialCompany := entity.MakeID(entity.SchemaCompany, "social", "instagram/testbvdonald")
	save(t, st, from("social", entity.SchemaCompany, socialCompany, map[string][]string{"name": {"Donald's appels & peren"},
		"website": {"https://testbvdonald.nl/"}}))

	// The site itself, whose pages name the company but give no KvK
	// number, is pointed at it.
	site := from("website", entity.SchemaWebsite, entity.MakeID(entity.SchemaWebsite, "url", "testbvdonald.nl"),
		map[string][]string{"domain": {"testbvdonald.nl"}, "name": {"Test B.V. Donald"}})
	if got := save(t, st, site); !slices.Equal(got[0].Properties["company"], []string{kvkID}) {
		t.Errorf("website's company = %v, want %s", got[0].Properties["company"], kvkID)
	}

	got, err := st.GetEntity(ctx, kvkID)
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, p := range got.Provenance {
		srcs = append(srcs, p.Source)
	}
	slices.Sort(srcs)
	if want := []string{"bekendmakingen", "kvk", "opensanctions", "social", "website"}; !slices.Equal(srcs, want) {
		t.Errorf("provenance sources = %v, want %v", srcs, want)
	}
	if !slices.Equal(got.Properties["kvkNumber"], []string{"68750110"}) || !slices.Equal(got.Properties["rsin"], []string{"857587973"}) {
		t.Errorf("identifiers = %v / %v, want one notation each", got.Properties["kvkNumber"], got.Properties["rsin"])
	}
	if !slices.Equal(got.Properties["addressEntity"], []string{addrID}) || !slices.Contains(got.Properties["email"], "info@testbvdonald.nl") {
		t.Errorf("properties = %v", got.Properties)
	}
	for _, id := range []string{siteCompany, siteAddress, pubCompany, osCompany, socialCompany} {
		if _, err := st.GetEntity(ctx, id); err == nil {
			t.Errorf("%s was stored on its own instead of resolved", id)
		}
	}
	addr, err := st.GetEntity(ctx, addrID)
	if err != nil || len(addr.Provenance) != 2 {
		t.Errorf("address %s = %+v, %v; want kvk and website provenance", addrID, addr.Provenance, err)
	}
}

// TestNamesakesStayTwo: two people with the same name are two entities,
// each a candidate of the other.
func TestNamesakesStayTwo(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	a := from("opensanctions", entity.SchemaPerson, entity.MakeID(entity.SchemaPerson, "opensanctions", "Q1"),
		map[string][]string{"name": {"Jan de Vries"}, "birthDate": {"1970-03-01"}})
	b := from("website", entity.SchemaPerson, entity.MakeID(entity.SchemaPerson, "website", "jan"),
		map[string][]string{"name": {"de Vries, Jan"}, "birthDate": {"1985-11-20"}})
	save(t, st, a)
	save(t, st, b)
	for _, e := range []entity.Entity{a, b} {
		got, err := st.GetEntity(ctx, e.ID)
		if err != nil || !slices.Equal(got.Properties["birthDate"], e.Properties["birthDate"]) {
			t.Errorf("person %s = %+v, %v; want it kept apart", e.ID, got.Properties, err)
		}
	}
	hits, err := st.EntitiesByKeys(ctx, entity.SchemaPerson, resolve.PersonKeys(a), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{a.ID, b.ID}
	slices.Sort(want)
	if got := hits["person:de jan vries"]; !slices.Equal(got, want) {
		t.Errorf("candidates by name = %v, want both %v", got, want)
	}
}

// TestAmbiguousNameIsLeftAlone: a name two stored companies share does
// not pick either.
func TestAmbiguousNameIsLeftAlone(t *testing.T) {
	st := openStore(t)
	save(t, st,
		from("kvk", entity.SchemaCompany, pipeline.CompanyID("11111111"), map[string][]string{"kvkNumber": {"11111111"}, "name": {"Donald Holding B.V."}}),
		from("kvk", entity.SchemaCompany, pipeline.CompanyID("22222222"), map[string][]string{"kvkNumber": {"22222222"}, "name": {"Donald B.V."}}),
	)
	mention := from("bekendmakingen", entity.SchemaCompany, "company-mention", map[string][]string{"name": {"Donald BV"}})
	if got := save(t, st, mention); got[0].ID != "company-mention" {
		t.Errorf("an ambiguous name resolved to %s", got[0].ID)
	}
}

// TestBackfill: entities stored before resolution kept keys are found
// once Backfill has run.
func TestBackfill(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	old := from("kvk", entity.SchemaCompany, pipeline.CompanyID("68750110"), map[string][]string{"kvkNumber": {"68750110"}, "name": {"Test BV Donald"}})
	if _, err := st.UpsertEntity(ctx, old); err != nil {
		t.Fatal(err)
	}
	mention := from("bekendmakingen", entity.SchemaCompany, "company-mention", map[string][]string{"name": {"Test B.V. Donald"}})
	r := resolve.Resolver{Lookup: st}
	if got, _ := r.Resolve(ctx, []entity.Entity{mention}); got[0].ID != "company-mention" {
		t.Fatalf("resolved before the backfill: %s", got[0].ID)
	}
	n, err := resolve.Backfill(ctx, st)
	if err != nil || n != 1 {
		t.Fatalf("Backfill = %d, %v; want 1 entity", n, err)
	}
	if got, _ := r.Resolve(ctx, []entity.Entity{mention}); got[0].ID != old.ID {
		t.Errorf("after the backfill resolved to %s, want %s", got[0].ID, old.ID)
	}
}
