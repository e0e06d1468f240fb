package storetest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// testEntityKeys covers the lookup-key table behind entity resolution:
// keys are added once, looked up per schema with a per-key cap, refused
// for unknown entities, and deleted with their entity.
func testEntityKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, id := range []string{"company-a", "company-b", "company-c"} {
		if _, err := s.UpsertEntity(ctx, company(id, "Donald BV")); err != nil {
			t.Fatal(err)
		}
	}
	person := entity.Entity{ID: "person-a", Schema: entity.SchemaPerson, Caption: "Jan de Vries"}
	person.Add("name", "Jan de Vries")
	if _, err := s.UpsertEntity(ctx, person); err != nil {
		t.Fatal(err)
	}
	keys := []store.EntityKey{
		{Key: "name:donald", EntityID: "company-a", Schema: entity.SchemaCompany},
		{Key: "name:donald", EntityID: "company-b", Schema: entity.SchemaCompany},
		{Key: "name:donald", EntityID: "company-c", Schema: entity.SchemaCompany},
		{Key: "rsin:857587973", EntityID: "company-a", Schema: entity.SchemaCompany},
		{Key: "name:donald", EntityID: "person-a", Schema: entity.SchemaPerson},
		{Key: "ref:address-x", EntityID: "company-b", Schema: entity.SchemaCompany},
	}
	if err := s.PutEntityKeys(ctx, keys); err != nil {
		t.Fatalf("PutEntityKeys: %v", err)
	}
	// Again, plus one new key: the known ones are kept once.
	if err := s.PutEntityKeys(ctx, append(keys, store.EntityKey{Key: "ref:address-x", EntityID: "person-a", Schema: entity.SchemaPerson})); err != nil {
		t.Fatalf("PutEntityKeys again: %v", err)
	}

	got, err := s.EntitiesByKeys(ctx, entity.SchemaCompany, []string{"name:donald", "rsin:857587973", "name:nobody"}, 10)
	if err != nil {
		t.Fatalf("EntitiesByKeys: %v", err)
	}
	want := map[string][]string{
		"name:donald":    {"company-a", "company-b", "company-c"},
		"rsin:857587973": {"company-a"},
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("EntitiesByKeys(Company) = %v, want %v", got, want)
	}
	got, _ = s.EntitiesByKeys(ctx, entity.SchemaCompany, []string{"name:donald"}, 2)
	if !slices.Equal(got["name:donald"], []string{"company-a", "company-b"}) {
		t.Errorf("EntitiesByKeys limit 2 = %v, want the first two ids", got)
	}
	got, _ = s.EntitiesByKeys(ctx, "", []string{"ref:address-x", "name:donald"}, 10)
	if !slices.Equal(got["ref:address-x"], []string{"company-b", "person-a"}) || len(got["name:donald"]) != 4 {
		t.Errorf("EntitiesByKeys(any schema) = %v", got)
	}
	got, _ = s.EntitiesByKeys(ctx, entity.SchemaPerson, []string{"name:donald"}, 10)
	if !slices.Equal(got["name:donald"], []string{"person-a"}) {
		t.Errorf("EntitiesByKeys(Person) = %v", got)
	}
	if got, err := s.EntitiesByKeys(ctx, "", nil, 10); err != nil || len(got) != 0 {
		t.Errorf("EntitiesByKeys(no keys) = %v, %v", got, err)
	}

	// More keys than one statement holds.
	var many []store.EntityKey
	var lookups []string
	for i := range 700 {
		k := fmt.Sprintf("name:many %d", i)
		many = append(many, store.EntityKey{Key: k, EntityID: "company-c", Schema: entity.SchemaCompany})
		lookups = append(lookups, k)
	}
	if err := s.PutEntityKeys(ctx, many); err != nil {
		t.Fatalf("PutEntityKeys(700): %v", err)
	}
	if got, err := s.EntitiesByKeys(ctx, entity.SchemaCompany, lookups, 1); err != nil || len(got) != 700 {
		t.Errorf("EntitiesByKeys(700 keys) = %d keys, %v; want 700", len(got), err)
	}

	err = s.PutEntityKeys(ctx, []store.EntityKey{{Key: "name:x", EntityID: "company-missing", Schema: entity.SchemaCompany}})
	wantErr(t, err, store.ErrNotFound, "PutEntityKeys for a missing entity")
	if err := s.PutEntityKeys(ctx, []store.EntityKey{{Key: strings.Repeat("x", store.MaxKeyBytes+1), EntityID: "company-a"}}); err == nil {
		t.Error("PutEntityKeys accepted an over-long key")
	}
	if err := s.PutEntityKeys(ctx, []store.EntityKey{{Key: "", EntityID: "company-a"}}); err == nil {
		t.Error("PutEntityKeys accepted an empty key")
	}

	// Keys go with their entity when retention deletes it.
	if _, err := s.DeleteEntities(ctx, []string{"company-b"}); err != nil {
		t.Fatalf("DeleteEntities: %v", err)
	}
	got, _ = s.EntitiesByKeys(ctx, "", []string{"name:donald", "ref:address-x"}, 10)
	if slices.Contains(got["name:donald"], "company-b") || slices.Contains(got["ref:address-x"], "company-b") {
		t.Errorf("keys of a deleted entity are still found: %v", got)
	}
}

// testGetEntities covers reading several entities, with links, at once.
func testGetEntities(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "several")
	p := mustPurpose(t, s, "bulk")
	var ids []string
	for i := range 350 {
		e := company(fmt.Sprintf("company-%03d", i), fmt.Sprintf("Bedrijf %d", i))
		if _, err := s.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: "company-349", PurposeID: p.ID, JobID: "j", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	// Asked in reverse, with a missing id and a repeat.
	ask := []string{"company-missing"}
	for i := len(ids) - 1; i >= 0; i-- {
		ask = append(ask, ids[i])
	}
	ask = append(ask, "company-349")
	got, err := s.GetEntities(ctx, ask)
	if err != nil {
		t.Fatalf("GetEntities: %v", err)
	}
	if len(got) != 350 || got[0].ID != "company-349" || got[349].ID != "company-000" {
		t.Fatalf("GetEntities = %d entities, first %q last %q; want 350 in the order asked", len(got), got[0].ID, got[len(got)-1].ID)
	}
	if len(got[0].Signals) != 1 || got[0].Signals[0].SignalID != sig.ID || !got[0].Signals[0].ExpiresAt.Equal(exp) {
		t.Errorf("links of company-349 = %+v", got[0].Signals)
	}
	if got[1].Signals == nil || len(got[1].Signals) != 0 || got[1].Caption != "Bedrijf 348" {
		t.Errorf("company-348 = %+v, want its caption and empty links", got[1])
	}
	if got, err := s.GetEntities(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetEntities(nil) = %v, %v", got, err)
	}
}

// testMatchDecisions covers the person match decisions: stored in pair
// order, replaced, listed for either entity, deleted (reversed).
func testMatchDecisions(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, id := range []string{"person-a", "person-b", "person-c"} {
		e := entity.Entity{ID: id, Schema: entity.SchemaPerson, Caption: "Jan de Vries"}
		e.Add("name", "Jan de Vries")
		if _, err := s.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now().Add(-time.Second)
	d, err := s.PutMatchDecision(ctx, store.MatchDecision{EntityID: "person-b", OtherID: "person-a", Decision: store.MatchSame,
		Reason: "zelfde geboortedatum en adres", DecidedBy: "anna", Team: "team-noord"})
	if err != nil {
		t.Fatalf("PutMatchDecision: %v", err)
	}
	if d.EntityID != "person-a" || d.OtherID != "person-b" || d.Decision != store.MatchSame || d.DecidedAt.Before(before) {
		t.Errorf("stored decision = %+v, want the pair in order and a decision time", d)
	}
	if _, err := s.PutMatchDecision(ctx, store.MatchDecision{EntityID: "person-c", OtherID: "person-a", Decision: store.MatchDifferent,
		Reason: "andere geboortedatum", DecidedBy: "cor", Team: "team-noord"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.MatchDecisions(ctx, "person-a")
	if err != nil || len(list) != 2 {
		t.Fatalf("MatchDecisions(person-a) = %+v, %v; want 2", list, err)
	}
	if list[0].OtherID != "person-b" || list[1].OtherID != "person-c" || list[1].Decision != store.MatchDifferent {
		t.Errorf("MatchDecisions(person-a) = %+v", list)
	}
	wantTime(t, "decided_at", list[0].DecidedAt, d.DecidedAt)
	if list, _ := s.MatchDecisions(ctx, "person-b"); len(list) != 1 || list[0].Reason != "zelfde geboortedatum en adres" {
		t.Errorf("MatchDecisions(person-b) = %+v", list)
	}

	// A second decision on a pair replaces the first.
	if _, err := s.PutMatchDecision(ctx, store.MatchDecision{EntityID: "person-a", OtherID: "person-b", Decision: store.MatchDifferent,
		Reason: "toch niet", DecidedBy: "cor"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.MatchDecisions(ctx, "person-b"); len(list) != 1 || list[0].Decision != store.MatchDifferent || list[0].DecidedBy != "cor" {
		t.Errorf("after replacing: %+v", list)
	}

	// Reversal, in either order.
	old, err := s.DeleteMatchDecision(ctx, "person-b", "person-a")
	if err != nil || old.Reason != "toch niet" {
		t.Fatalf("DeleteMatchDecision = %+v, %v", old, err)
	}
	_, err = s.DeleteMatchDecision(ctx, "person-a", "person-b")
	wantErr(t, err, store.ErrNotFound, "DeleteMatchDecision twice")
	if list, _ := s.MatchDecisions(ctx, "person-b"); len(list) != 0 {
		t.Errorf("after reversal: %+v", list)
	}

	_, err = s.PutMatchDecision(ctx, store.MatchDecision{EntityID: "person-a", OtherID: "person-missing", Decision: store.MatchSame, Reason: "x"})
	wantErr(t, err, store.ErrNotFound, "PutMatchDecision with a missing entity")
	for _, bad := range []store.MatchDecision{
		{EntityID: "person-a", OtherID: "person-a", Decision: store.MatchSame},
		{EntityID: "person-a", OtherID: "person-b", Decision: "maybe"},
	} {
		if _, err := s.PutMatchDecision(ctx, bad); err == nil {
			t.Errorf("PutMatchDecision(%+v) accepted", bad)
		}
	}

	// Decisions go with their entities.
	if _, err := s.DeleteEntities(ctx, []string{"person-c"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.MatchDecisions(ctx, "person-a"); len(list) != 0 {
		t.Errorf("decision on a deleted entity still listed: %+v", list)
	}
}
