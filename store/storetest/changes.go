package storetest

import (
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// testChangedEntities checks the change feed the index projection reads:
// upserts and new links both appear, in change order, from a cursor on.
func testChangedEntities(t *testing.T, s store.Store) {
	ctx := t.Context()
	before := time.Now().Add(-time.Second)
	for _, id := range []string{"company-c1", "company-c2"} {
		if _, err := s.UpsertEntity(ctx, company(id, "Change "+id)); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	got, last, err := s.ChangedEntities(ctx, before, 10)
	if err != nil {
		t.Fatalf("ChangedEntities: %v", err)
	}
	if len(got) != 2 || got[0].ID != "company-c1" || got[1].ID != "company-c2" || last.Before(before) {
		t.Fatalf("changes = %v (last %v), want c1, c2 after %v", ids(got), last, before)
	}
	if got, _, _ := s.ChangedEntities(ctx, before, 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d entities", len(got))
	}
	if got, _, _ := s.ChangedEntities(ctx, last.Add(time.Millisecond), 10); len(got) != 0 {
		t.Errorf("changes after the last one = %v, want none", ids(got))
	}

	// Linking c1 puts it on the feed again, with its new link.
	time.Sleep(2 * time.Millisecond)
	cursor := time.Now()
	sig := mustSignal(t, s, "changes")
	p := mustPurpose(t, s, "changes")
	if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: "company-c1", PurposeID: p.ID, JobID: "j"}); err != nil {
		t.Fatalf("Link: %v", err)
	}
	got, _, err = s.ChangedEntities(ctx, cursor, 10)
	if err != nil {
		t.Fatalf("ChangedEntities: %v", err)
	}
	if len(got) != 1 || got[0].ID != "company-c1" || len(got[0].Signals) != 1 || got[0].Signals[0].SignalID != sig.ID {
		t.Fatalf("changes after link = %+v, want company-c1 with its link", got)
	}
}
