package storetest

import (
	"testing"

	"verrijk/store"
)

func testSourceOverrides(t *testing.T, s store.Store) {
	ctx := t.Context()
	if got, err := s.SourceOverrides(ctx); err != nil || len(got) != 0 {
		t.Fatalf("SourceOverrides on a new store = %v, %v", got, err)
	}
	if err := s.PutSourceOverride(ctx, store.SourceOverride{Name: "kvk", Enabled: false, Rate: "5/s", Concurrency: 2, UpdatedBy: "beheer"}); err != nil {
		t.Fatalf("PutSourceOverride: %v", err)
	}
	if err := s.PutSourceOverride(ctx, store.SourceOverride{Name: "kvk", Enabled: true, Rate: "20/m", Concurrency: 1, UpdatedBy: "beheer2"}); err != nil {
		t.Fatalf("PutSourceOverride again: %v", err)
	}
	if err := s.PutSourceOverride(ctx, store.SourceOverride{Name: "rdw", Enabled: false, Rate: "1/s", Concurrency: 4}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SourceOverrides(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kvk, rdw := got["kvk"], got["rdw"]
	if len(got) != 2 || !kvk.Enabled || kvk.Rate != "20/m" || kvk.Concurrency != 1 || kvk.UpdatedBy != "beheer2" || kvk.UpdatedAt.IsZero() {
		t.Errorf("kvk override = %+v", kvk)
	}
	if rdw.Enabled || rdw.Rate != "1/s" {
		t.Errorf("rdw override = %+v", rdw)
	}
}
