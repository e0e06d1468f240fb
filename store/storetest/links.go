package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func testLinks(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "links")
	p := mustPurpose(t, s, "bibob")
	if _, err := s.UpsertEntity(ctx, company("company-l", "Link BV")); err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	wantErr(t, s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: "missing", PurposeID: p.ID}), store.ErrNotFound, "Link to a missing entity")
	wantErr(t, s.Link(ctx, entity.Link{SignalID: "missing", EntityID: "company-l", PurposeID: p.ID}), store.ErrNotFound, "Link to a missing signal")

	linked := time.Date(2025, 6, 1, 12, 0, 0, 999, time.UTC)
	later := linked.AddDate(1, 0, 0)
	l := entity.Link{SignalID: sig.ID, EntityID: "company-l", PurposeID: p.ID, JobID: "job-1", LinkedAt: linked, ExpiresAt: later}
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("Link: %v", err)
	}
	check := func(wantJob string, wantExpiry time.Time) {
		t.Helper()
		e, err := s.GetEntity(ctx, "company-l")
		if err != nil {
			t.Fatalf("GetEntity: %v", err)
		}
		if len(e.Signals) != 1 {
			t.Fatalf("links = %+v, want one", e.Signals)
		}
		got := e.Signals[0]
		if got.SignalID != sig.ID || got.EntityID != "company-l" || got.PurposeID != p.ID || got.JobID != wantJob || got.Team != "team-a" {
			t.Errorf("link = %+v, want job %s", got, wantJob)
		}
		wantTime(t, "linked_at", got.LinkedAt, linked.Truncate(time.Microsecond))
		wantTime(t, "expires_at", got.ExpiresAt, wantExpiry)
	}
	check("job-1", later.Truncate(time.Microsecond))

	// Relinking with an earlier expiry moves the job but keeps the expiry.
	l.JobID, l.ExpiresAt, l.LinkedAt = "job-2", linked.AddDate(0, 1, 0), linked.AddDate(0, 0, 1)
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("relink: %v", err)
	}
	check("job-2", later.Truncate(time.Microsecond))

	// A later expiry extends it.
	evenLater := later.AddDate(1, 0, 0)
	l.JobID, l.ExpiresAt = "job-3", evenLater
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("relink: %v", err)
	}
	check("job-3", evenLater.Truncate(time.Microsecond))

	// Upserting the entity returns its links too.
	e, err := s.UpsertEntity(ctx, company("company-l", "Link BV"))
	if err != nil || len(e.Signals) != 1 || e.Signals[0].JobID != "job-3" {
		t.Errorf("UpsertEntity links = %+v, %v", e.Signals, err)
	}
}

func testSignalEntities(t *testing.T, s store.Store) {
	ctx := t.Context()
	sigA, sigB := mustSignal(t, s, "a"), mustSignal(t, s, "b")
	bibob, toezicht := mustPurpose(t, s, "bibob"), mustPurpose(t, s, "toezicht")
	for _, id := range []string{"company-1", "company-2", "company-3"} {
		if _, err := s.UpsertEntity(ctx, company(id, id)); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	links := []entity.Link{
		{SignalID: sigA.ID, EntityID: "company-2", PurposeID: bibob.ID, JobID: "j1", LinkedAt: base, ExpiresAt: base.AddDate(1, 0, 0)},
		{SignalID: sigA.ID, EntityID: "company-1", PurposeID: bibob.ID, JobID: "j1", LinkedAt: base.Add(time.Minute), ExpiresAt: base.AddDate(1, 0, 0)},
		{SignalID: sigA.ID, EntityID: "company-3", PurposeID: toezicht.ID, JobID: "j2", LinkedAt: base, ExpiresAt: base.AddDate(1, 0, 0)},
		{SignalID: sigB.ID, EntityID: "company-1", PurposeID: toezicht.ID, JobID: "j3", LinkedAt: base.Add(time.Hour), ExpiresAt: base.AddDate(2, 0, 0)},
	}
	for _, l := range links {
		if err := s.Link(ctx, l); err != nil {
			t.Fatalf("Link: %v", err)
		}
	}
	got, err := s.SignalEntities(ctx, sigA.ID, bibob.ID)
	if err != nil {
		t.Fatalf("SignalEntities: %v", err)
	}
	if len(got) != 2 || got[0].ID != "company-2" || got[1].ID != "company-1" {
		t.Fatalf("SignalEntities(a, bibob) = %v, want company-2 then company-1", ids(got))
	}
	// company-1 carries all its links, including the one to signal b.
	if len(got[1].Signals) != 2 || got[1].Signals[1].SignalID != sigB.ID || got[1].Signals[1].PurposeID != toezicht.ID {
		t.Errorf("company-1 links = %+v", got[1].Signals)
	}
	if got[1].Properties["name"][0] != "company-1" {
		t.Errorf("entity properties = %v", got[1].Properties)
	}
	// The JSON shape of a link is part of the external contract.
	raw, err := json.Marshal(got[0].Signals[0])
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"signal_id", "purpose_id", "job_id", "linked_at", "expires_at"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("link JSON %s lacks %q", raw, k)
		}
	}
	// The owning team is read with every link (the index filters on it)
	// but is not in the JSON.
	if got[0].Signals[0].Team != "team-a" {
		t.Errorf("link team = %q, want the signal's team-a", got[0].Signals[0].Team)
	}
	if _, ok := shape["team"]; ok || len(shape) != 6 {
		t.Errorf("link JSON %s: want exactly the six contract keys, no team", raw)
	}
	if got, err := s.SignalEntities(ctx, sigB.ID, bibob.ID); err != nil || len(got) != 0 {
		t.Errorf("SignalEntities(b, bibob) = %v, %v; want none", ids(got), err)
	}
	if got, err := s.SignalEntities(ctx, sigA.ID, toezicht.ID); err != nil || len(got) != 1 || got[0].ID != "company-3" {
		t.Errorf("SignalEntities(a, toezicht) = %v, %v; want company-3", ids(got), err)
	}
}

func ids(es []entity.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
