package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func company(id, name string) entity.Entity {
	e := entity.Entity{ID: id, Schema: entity.SchemaCompany, Caption: name}
	e.Add("name", name)
	return e
}

func testEntityMerge(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetEntity(ctx, "company-x")
	wantErr(t, err, store.ErrNotFound, "GetEntity missing")

	fetched := time.Date(2025, 1, 2, 3, 4, 5, 6789, time.UTC)
	a := company("company-x", "Test BV Donald")
	a.Add("kvkNumber", "68750110")
	a.Provenance = []entity.Provenance{{Source: "kvk", URL: "https://kvk/1", FetchedAt: fetched, SHA256: "aa", Properties: []string{"name", "kvkNumber"}}}
	got, err := s.UpsertEntity(ctx, a)
	if err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	if got.ID != a.ID || got.Schema != entity.SchemaCompany || got.Caption != "Test BV Donald" || got.FirstSeen.IsZero() || got.LastSeen.IsZero() {
		t.Errorf("UpsertEntity new = %+v", got)
	}
	if got.Signals == nil || len(got.Signals) != 0 {
		t.Errorf("new entity Signals = %#v, want empty", got.Signals)
	}

	b := company("company-x", "Donald Holding")
	b.Caption = "other caption"
	b.Add("address", "Hoofdstraat 12")
	b.Provenance = []entity.Provenance{
		{Source: "kvk", URL: "https://kvk/1", FetchedAt: fetched, SHA256: "aa", Properties: []string{"name"}}, // known
		{Source: "bag", URL: "https://bag/1", FetchedAt: fetched, SHA256: "bb", Properties: []string{"address"}},
	}
	merged, err := s.UpsertEntity(ctx, b)
	if err != nil {
		t.Fatalf("UpsertEntity merge: %v", err)
	}
	stored, err := s.GetEntity(ctx, "company-x")
	if err != nil {
		t.Fatalf("GetEntity: %v", err)
	}
	for _, e := range []entity.Entity{merged, stored} {
		if !slices.Equal(e.Properties["name"], []string{"Test BV Donald", "Donald Holding"}) ||
			!slices.Equal(e.Properties["kvkNumber"], []string{"68750110"}) ||
			!slices.Equal(e.Properties["address"], []string{"Hoofdstraat 12"}) {
			t.Errorf("merged properties = %v", e.Properties)
		}
		if e.Caption != "Test BV Donald" {
			t.Errorf("caption = %q, want the first one kept", e.Caption)
		}
		if len(e.Provenance) != 2 || e.Provenance[1].SHA256 != "bb" {
			t.Errorf("provenance = %+v, want kvk and bag once each", e.Provenance)
		}
		wantTime(t, "provenance fetched_at", e.Provenance[0].FetchedAt, fetched.Truncate(time.Microsecond))
		wantTime(t, "first_seen", e.FirstSeen, got.FirstSeen)
	}
	if merged.LastSeen.Before(got.LastSeen) {
		t.Errorf("last_seen went back: %v < %v", merged.LastSeen, got.LastSeen)
	}

	// An earlier first_seen from a later upsert wins.
	early := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	c := company("company-x", "Test BV Donald")
	c.FirstSeen, c.LastSeen = early, early
	if e, err := s.UpsertEntity(ctx, c); err != nil || !e.FirstSeen.Equal(early) || !e.LastSeen.Equal(merged.LastSeen) {
		t.Errorf("first/last seen after early upsert = %v/%v, %v", e.FirstSeen, e.LastSeen, err)
	}
}

// testEntityHostileText checks that NUL bytes and invalid UTF-8 from a
// scraped page are stored the same way on every backend instead of failing.
func testEntityHostileText(t *testing.T, s store.Store) {
	ctx := t.Context()
	e := company("company-h", "Bad\x00 BV \xff")
	e.Add("website", "https://x.example/\x00", "https://x.example/")
	e.Provenance = []entity.Provenance{{Source: "web", URL: "https://x.example/\x00", SHA256: "cc", Properties: []string{"website\x00"}}}
	got, err := s.UpsertEntity(ctx, e)
	if err != nil {
		t.Fatalf("UpsertEntity with hostile text: %v", err)
	}
	stored, err := s.GetEntity(ctx, "company-h")
	if err != nil {
		t.Fatalf("GetEntity: %v", err)
	}
	for _, x := range []entity.Entity{got, stored} {
		if x.Caption != "Bad BV \uFFFD" || !slices.Equal(x.Properties["name"], []string{"Bad BV \uFFFD"}) {
			t.Errorf("caption %q name %q, want NUL dropped and invalid UTF-8 replaced", x.Caption, x.Properties["name"])
		}
		if !slices.Equal(x.Properties["website"], []string{"https://x.example/"}) {
			t.Errorf("website = %q, want one cleaned value", x.Properties["website"])
		}
		if x.Provenance[0].URL != "https://x.example/" || x.Provenance[0].Properties[0] != "website" {
			t.Errorf("provenance = %+v", x.Provenance[0])
		}
	}
	if e.Provenance[0].Properties[0] != "website\x00" {
		t.Error("UpsertEntity modified its argument")
	}
}

// testEntityConcurrentUpserts checks that the read-merge-write is atomic:
// no writer's values are lost when several merge into one id at once.
func testEntityConcurrentUpserts(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, rounds = 8, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				e := company("company-shared", "Shared BV")
				e.Add("phone", fmt.Sprintf("w%d-r%d", w, r))
				e.Provenance = []entity.Provenance{{Source: "src", SHA256: fmt.Sprintf("%d-%d", w, r), Properties: []string{"phone"}}}
				if _, err := s.UpsertEntity(ctx, e); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent UpsertEntity: %v", err)
	}
	got, err := s.GetEntity(ctx, "company-shared")
	if err != nil {
		t.Fatalf("GetEntity: %v", err)
	}
	if n := len(got.Properties["phone"]); n != writers*rounds {
		t.Errorf("phone has %d values, want %d: %v", n, writers*rounds, got.Properties["phone"])
	}
	if n := len(got.Provenance); n != writers*rounds {
		t.Errorf("provenance has %d records, want %d", n, writers*rounds)
	}
	if !slices.Equal(got.Properties["name"], []string{"Shared BV"}) {
		t.Errorf("name = %v", got.Properties["name"])
	}
}
