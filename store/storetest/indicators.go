package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// indicatorFixture is a signal with two entities linked under two purposes.
type indicatorFixture struct {
	sig, other      store.Signal
	bibob, toezicht store.Purpose
	expires         time.Time
}

func newIndicatorFixture(t *testing.T, s store.Store) indicatorFixture {
	t.Helper()
	ctx := t.Context()
	f := indicatorFixture{sig: mustSignal(t, s, "indicators"), other: mustSignal(t, s, "other"),
		bibob: mustPurpose(t, s, "bibob"), toezicht: mustPurpose(t, s, "toezicht"),
		expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, id := range []string{"company-1", "address-1"} {
		if _, err := s.UpsertEntity(ctx, company(id, id)); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	for _, l := range []entity.Link{
		{SignalID: f.sig.ID, EntityID: "company-1", PurposeID: f.bibob.ID, JobID: "j1", ExpiresAt: f.expires},
		{SignalID: f.sig.ID, EntityID: "address-1", PurposeID: f.bibob.ID, JobID: "j1", ExpiresAt: f.expires},
		{SignalID: f.sig.ID, EntityID: "company-1", PurposeID: f.toezicht.ID, JobID: "j2", ExpiresAt: f.expires.AddDate(1, 0, 0)},
	} {
		if err := s.Link(ctx, l); err != nil {
			t.Fatalf("Link: %v", err)
		}
	}
	return f
}

// run is an evaluation of the fixture's signal with its data read now.
func (f indicatorFixture) run(version string) store.IndicatorRun {
	return store.IndicatorRun{SignalID: f.sig.ID, RulesVersion: version, DataAsOf: time.Now()}
}

func (f indicatorFixture) hit(entityID, purposeID, rule string, weight int) store.IndicatorHit {
	return store.IndicatorHit{SignalID: f.sig.ID, EntityID: entityID, PurposeID: purposeID, RuleID: rule,
		RuleVersion: "2026.1", Title: "Titel " + rule, Explanation: "Uitleg " + rule, Weight: weight,
		Schema: entity.SchemaCompany, Caption: "Test BV Donald",
		Values: map[string][]string{"incorporationDate": {"2026-01-02"}, "Address": {}},
		Evidence: []store.IndicatorEvidence{{EntityID: entityID, Source: "kvk", URL: "https://api.kvk.nl/x",
			SHA256: "abc", FetchedAt: time.Date(2026, 1, 3, 4, 5, 6, 7890, time.UTC), Properties: []string{"incorporationDate"}}},
		ComputedAt: time.Date(2026, 2, 1, 0, 0, 0, 999, time.UTC)}
}

func testIndicatorHits(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newIndicatorFixture(t, s)
	if _, err := s.IndicatorHits(ctx, store.IndicatorFilter{PurposeID: f.bibob.ID}); err == nil {
		t.Error("IndicatorHits without signal or entity: no error")
	}
	light := f.hit("company-1", f.bibob.ID, "recent-ingeschreven", 2)
	heavy := f.hit("address-1", f.bibob.ID, "veel-inschrijvingen-op-adres", 5)
	other := f.hit("company-1", f.toezicht.ID, "recent-ingeschreven", 2)
	if err := s.ReplaceIndicatorHits(ctx, f.run("2026.1"), []store.IndicatorHit{light, heavy, other}); err != nil {
		t.Fatalf("ReplaceIndicatorHits: %v", err)
	}
	got, err := s.IndicatorHits(ctx, store.IndicatorFilter{SignalID: f.sig.ID, PurposeID: f.bibob.ID})
	if err != nil {
		t.Fatalf("IndicatorHits: %v", err)
	}
	if len(got) != 2 || got[0].RuleID != heavy.RuleID || got[1].RuleID != light.RuleID {
		t.Fatalf("hits under bibob = %+v, want the heavy one first, then the light one", got)
	}
	want := light
	want.ComputedAt = want.ComputedAt.Truncate(time.Microsecond)
	want.Evidence = slices.Clone(want.Evidence)
	want.Evidence[0].FetchedAt = want.Evidence[0].FetchedAt.Truncate(time.Microsecond)
	if !reflect.DeepEqual(got[1], want) {
		t.Errorf("round trip:\n got  %+v\n want %+v", got[1], want)
	}
	wantTime(t, "computed_at", got[1].ComputedAt, want.ComputedAt)

	byEntity, err := s.IndicatorHits(ctx, store.IndicatorFilter{EntityID: "company-1"})
	if err != nil || len(byEntity) != 2 {
		t.Errorf("hits of company-1 under any purpose = %+v, %v; want 2", byEntity, err)
	}

	// Replacing drops what the new evaluation did not find.
	if err := s.ReplaceIndicatorHits(ctx, f.run("2026.2"), []store.IndicatorHit{other}); err != nil {
		t.Fatalf("ReplaceIndicatorHits again: %v", err)
	}
	if got, _ := s.IndicatorHits(ctx, store.IndicatorFilter{SignalID: f.sig.ID}); len(got) != 1 || got[0].PurposeID != f.toezicht.ID {
		t.Errorf("after replace: %+v, want only the toezicht hit", got)
	}

	// A hit needs its link: nothing is stored, and what was stays.
	stray := f.hit("address-1", f.toezicht.ID, "x-rule", 1)
	wantErr(t, s.ReplaceIndicatorHits(ctx, f.run("2026.3"), []store.IndicatorHit{light, stray}), store.ErrNotFound,
		"hit on an entity not linked under its purpose")
	if got, _ := s.IndicatorHits(ctx, store.IndicatorFilter{SignalID: f.sig.ID}); len(got) != 1 || got[0].RuleID != other.RuleID {
		t.Errorf("after a refused replace: %+v, want the earlier hit kept", got)
	}
	wantErr(t, s.ReplaceIndicatorHits(ctx, f.run("2026.3"), []store.IndicatorHit{light, light}), store.ErrConflict,
		"the same hit twice")
	mismatch := light
	mismatch.SignalID = f.other.ID
	if err := s.ReplaceIndicatorHits(ctx, f.run("2026.3"), []store.IndicatorHit{mismatch}); err == nil {
		t.Error("a hit of another signal was stored")
	}
}

// testIndicatorHitsFollowLinks: retention deleting a link, or a purged
// signal, takes the hits along.
func testIndicatorHitsFollowLinks(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newIndicatorFixture(t, s)
	if err := s.ReplaceIndicatorHits(ctx, f.run("v1"), []store.IndicatorHit{
		f.hit("company-1", f.bibob.ID, "a", 1), f.hit("address-1", f.bibob.ID, "b", 1), f.hit("company-1", f.toezicht.ID, "c", 1),
	}); err != nil {
		t.Fatalf("ReplaceIndicatorHits: %v", err)
	}
	deleted, err := s.DeleteLinks(ctx, []entity.Link{{SignalID: f.sig.ID, EntityID: "address-1", PurposeID: f.bibob.ID, ExpiresAt: f.expires}})
	if err != nil || len(deleted) != 1 {
		t.Fatalf("DeleteLinks = %v, %v", deleted, err)
	}
	got, err := s.IndicatorHits(ctx, store.IndicatorFilter{SignalID: f.sig.ID})
	if err != nil || len(got) != 2 || slices.ContainsFunc(got, func(h store.IndicatorHit) bool { return h.EntityID == "address-1" }) {
		t.Errorf("hits after the address link expired = %+v, %v", got, err)
	}
	if _, err := s.PurgeSignal(ctx, f.sig.ID); err != nil {
		t.Fatalf("PurgeSignal: %v", err)
	}
	if got, err := s.IndicatorHits(ctx, store.IndicatorFilter{EntityID: "company-1"}); err != nil || len(got) != 0 {
		t.Errorf("hits after the signal was purged = %+v, %v", got, err)
	}
}

func testStaleIndicatorSignals(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newIndicatorFixture(t, s)
	// f.other has no links: nothing to evaluate.
	stale := func(version, after string, limit int) []string {
		t.Helper()
		ids, err := s.StaleIndicatorSignals(ctx, version, after, limit)
		if err != nil {
			t.Fatalf("StaleIndicatorSignals: %v", err)
		}
		return ids
	}
	second := mustSignal(t, s, "second")
	if err := s.Link(ctx, entity.Link{SignalID: second.ID, EntityID: "company-1", PurposeID: f.bibob.ID, ExpiresAt: f.expires}); err != nil {
		t.Fatalf("Link: %v", err)
	}
	both := []string{f.sig.ID, second.ID}
	slices.Sort(both)
	if got := stale("v1", "", 10); !slices.Equal(got, both) {
		t.Errorf("never evaluated: %v, want %v", got, both)
	}
	if got := stale("v1", "", 1); !slices.Equal(got, both[:1]) {
		t.Errorf("limit 1: %v, want %v", got, both[:1])
	}
	if got := stale("v1", both[0], 10); !slices.Equal(got, both[1:]) {
		t.Errorf("after %s: %v, want %v", both[0], got, both[1:])
	}
	wantErr := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("ReplaceIndicatorHits: %v", err)
		}
	}
	// An evaluation without hits still counts as done for its version.
	wantErr(s.ReplaceIndicatorHits(ctx, f.run("v1"), nil))
	if got := stale("v1", "", 10); !slices.Equal(got, []string{second.ID}) {
		t.Errorf("after evaluating %s with v1: %v, want only %s", f.sig.ID, got, second.ID)
	}
	if got := stale("v2", "", 10); !slices.Equal(got, both) {
		t.Errorf("a new version: %v, want both again", got)
	}
	if err := s.ReplaceIndicatorHits(ctx, store.IndicatorRun{SignalID: f.sig.ID, RulesVersion: "v1"}, nil); err == nil {
		t.Error("a run without a data time was stored")
	}

	// New data on an entity of the signal (here: found again for the
	// second signal) makes the first due again.
	time.Sleep(2 * time.Millisecond) // the store's clock must pass DataAsOf
	if _, err := s.UpsertEntity(ctx, company("company-1", "Glans B.V.")); err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	if got := stale("v1", "", 10); !slices.Equal(got, both) {
		t.Errorf("after an entity changed: %v, want both", got)
	}
	wantErr(s.ReplaceIndicatorHits(ctx, f.run("v1"), nil))
	if got := stale("v1", "", 10); slices.Contains(got, f.sig.ID) {
		t.Errorf("evaluated again, still due: %v", got)
	}

	// A deleted link makes it due too, though no entity of it changed.
	wantErr(s.ReplaceIndicatorHits(ctx, f.run("v1"), nil))
	if _, err := s.DeleteLinks(ctx, []entity.Link{{SignalID: f.sig.ID, EntityID: "address-1", PurposeID: f.bibob.ID,
		ExpiresAt: f.expires}}); err != nil {
		t.Fatalf("DeleteLinks: %v", err)
	}
	wantErr(s.ReplaceIndicatorHits(ctx, store.IndicatorRun{SignalID: f.sig.ID, RulesVersion: "v1", DataAsOf: time.Now().Add(time.Hour)}, nil))
	if _, err := s.DeleteLinks(ctx, []entity.Link{{SignalID: f.sig.ID, EntityID: "company-1", PurposeID: f.toezicht.ID,
		ExpiresAt: f.expires.AddDate(1, 0, 0)}}); err != nil {
		t.Fatalf("DeleteLinks: %v", err)
	}
	if got := stale("v1", "", 10); !slices.Contains(got, f.sig.ID) {
		t.Errorf("after a link was deleted: %v, want %s", got, f.sig.ID)
	}
}
