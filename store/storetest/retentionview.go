package storetest

import (
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func testRetentionOverview(t *testing.T, s store.Store) {
	ctx := t.Context()
	if got, err := s.LinkExpiries(ctx, time.Now()); err != nil || len(got) != 0 {
		t.Fatalf("LinkExpiries on an empty store = %+v, %v", got, err)
	}
	if a, err := s.SignalActivitySummary(ctx, time.Now()); err != nil || a.Signals != 0 || !a.OldestActivity.IsZero() {
		t.Fatalf("SignalActivitySummary on an empty store = %+v, %v", a, err)
	}
	sig := mustSignal(t, s, "overzicht")
	p := mustPurpose(t, s, "bibob")
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, id := range []string{"company-a", "company-b", "company-c"} {
		if _, err := s.UpsertEntity(ctx, company(id, id)); err != nil {
			t.Fatal(err)
		}
		if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: id, PurposeID: p.ID, JobID: "j",
			LinkedAt: base, ExpiresAt: base.AddDate(0, i, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LinkExpiries(ctx, base.AddDate(0, 1, 0))
	if err != nil || len(got) != 1 {
		t.Fatalf("LinkExpiries = %+v, %v", got, err)
	}
	e := got[0]
	if e.PurposeID != p.ID || e.Links != 3 || e.Entities != 3 || e.Signals != 1 || e.ExpiringSoon != 2 {
		t.Errorf("LinkExpiries = %+v", e)
	}
	wantTime(t, "next expiry", e.NextExpiry, base)
	wantTime(t, "last expiry", e.LastExpiry, base.AddDate(0, 2, 0))
	a, err := s.SignalActivitySummary(ctx, time.Now().Add(time.Hour))
	if err != nil || a.Signals != 1 || a.InactiveBefore != 1 || a.OldestActivity.IsZero() {
		t.Errorf("SignalActivitySummary = %+v, %v", a, err)
	}
}
