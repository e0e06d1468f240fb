package storetest

import (
	"errors"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

func testSignalWorkflow(t *testing.T, s store.Store) {
	ctx := t.Context()
	a1 := mustSignal(t, s, "eerste")
	a2 := mustSignal(t, s, "tweede")
	b, err := s.CreateSignal(ctx, store.Signal{Title: "ander team", Team: "team-b", CreatedBy: "bob"})
	if err != nil {
		t.Fatalf("CreateSignal: %v", err)
	}
	if a1.Status != store.SignalOpen || a1.UpdatedAt.IsZero() {
		t.Errorf("new signal status %q updated %v, want open and set", a1.Status, a1.UpdatedAt)
	}

	// Activity moves a signal to the front of its team's list.
	time.Sleep(2 * time.Millisecond)
	if _, err := s.AddSubject(ctx, store.Subject{SignalID: a1.ID, Type: subject.KvK, Value: "68750110"}); err != nil {
		t.Fatalf("AddSubject: %v", err)
	}
	list, total, err := s.ListSignals(ctx, store.SignalFilter{Team: "team-a"})
	if err != nil {
		t.Fatalf("ListSignals: %v", err)
	}
	if total != 2 || len(list) != 2 || list[0].ID != a1.ID || list[1].ID != a2.ID {
		t.Fatalf("ListSignals team-a = %d %+v, want a1 then a2", total, signalIDs(list))
	}
	if !list[0].UpdatedAt.After(a1.UpdatedAt) {
		t.Errorf("adding a subject did not move updated_at (%v → %v)", a1.UpdatedAt, list[0].UpdatedAt)
	}
	if page, total, _ := s.ListSignals(ctx, store.SignalFilter{Team: "team-a", Limit: 1, Offset: 1}); total != 2 ||
		len(page) != 1 || page[0].ID != a2.ID {
		t.Errorf("page 2 of 1 = %d %v, want a2", total, signalIDs(page))
	}
	if all, total, _ := s.ListSignals(ctx, store.SignalFilter{AnyTeam: true}); total != 3 || len(all) != 3 {
		t.Errorf("AnyTeam = %d %v, want all three", total, signalIDs(all))
	}

	// Edits, assignment, closing and reopening.
	title, assignee, closed := "nieuw", "carla", store.SignalClosed
	got, err := s.UpdateSignal(ctx, a2.ID, store.SignalChange{Title: &title, Assignee: &assignee, Status: &closed})
	if err != nil {
		t.Fatalf("UpdateSignal: %v", err)
	}
	if got.Title != title || got.Assignee != assignee || got.Status != closed || got.ClosedAt.IsZero() ||
		got.Description != a2.Description {
		t.Errorf("UpdateSignal = %+v", got)
	}
	read, _ := s.GetSignal(ctx, a2.ID)
	if read.Assignee != assignee || read.Status != closed || read.ClosedAt.IsZero() {
		t.Errorf("GetSignal after update = %+v", read)
	}
	if mine, total, _ := s.ListSignals(ctx, store.SignalFilter{Team: "team-a", Assignee: "carla"}); total != 1 || mine[0].ID != a2.ID {
		t.Errorf("assignee filter = %v", signalIDs(mine))
	}
	if open, total, _ := s.ListSignals(ctx, store.SignalFilter{Team: "team-a", Status: store.SignalOpen}); total != 1 || open[0].ID != a1.ID {
		t.Errorf("status filter = %v", signalIDs(open))
	}
	reopen := store.SignalOpen
	if got, _ := s.UpdateSignal(ctx, a2.ID, store.SignalChange{Status: &reopen}); got.Status != reopen || !got.ClosedAt.IsZero() {
		t.Errorf("reopened = %+v", got)
	}
	if _, err := s.UpdateSignal(ctx, "nope", store.SignalChange{Title: &title}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateSignal missing = %v, want ErrNotFound", err)
	}

	// An enrichment request is activity, and the newest job's time is
	// the signal's last enrichment.
	p := mustPurpose(t, s, "bibob")
	j, err := s.CreateJob(ctx, store.Job{SignalID: b.ID, PurposeID: p.ID, RequestedBy: "bob"}, nil)
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	rb, _ := s.GetSignal(ctx, b.ID)
	wantTime(t, "last_enrichment_at", rb.LastEnrichmentAt, j.CreatedAt)
	if rb.UpdatedAt.Before(j.CreatedAt) {
		t.Errorf("updated_at %v before the job %v", rb.UpdatedAt, j.CreatedAt)
	}

	// Inactive signals: the cutoff is inclusive, oldest first.
	inactive, err := s.InactiveSignals(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(inactive) != 3 {
		t.Fatalf("InactiveSignals(future) = %v, %v; want all three", inactive, err)
	}
	if none, _ := s.InactiveSignals(ctx, a1.CreatedAt.Add(-time.Second), 10); len(none) != 0 {
		t.Errorf("InactiveSignals(before all) = %v", none)
	}
}

func testPurgeSignal(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "purge")
	other := mustSignal(t, s, "keep")
	p := mustPurpose(t, s, "bibob")
	if _, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.KvK, Value: "68750110"}); err != nil {
		t.Fatalf("AddSubject: %v", err)
	}
	j, err := s.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: p.ID}, []store.Task{{Source: "kvk", SubjectType: subject.KvK, SubjectValue: "68750110"}})
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	for _, id := range []string{"company-a", "company-b"} {
		if _, err := s.UpsertEntity(ctx, company(id, id)); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	exp := time.Now().Add(24 * time.Hour)
	for _, l := range []entity.Link{
		{SignalID: sig.ID, EntityID: "company-a", PurposeID: p.ID, JobID: j.ID, LinkedAt: time.Now(), ExpiresAt: exp},
		{SignalID: sig.ID, EntityID: "company-b", PurposeID: p.ID, JobID: j.ID, LinkedAt: time.Now(), ExpiresAt: exp},
		{SignalID: other.ID, EntityID: "company-b", PurposeID: p.ID, JobID: "j-other", LinkedAt: time.Now(), ExpiresAt: exp},
	} {
		if err := s.Link(ctx, l); err != nil {
			t.Fatalf("Link: %v", err)
		}
	}
	links, err := s.PurgeSignal(ctx, sig.ID)
	if err != nil {
		t.Fatalf("PurgeSignal: %v", err)
	}
	if len(links) != 2 || links[0].EntityID != "company-a" || links[1].EntityID != "company-b" {
		t.Errorf("PurgeSignal links = %+v, want company-a and company-b", links)
	}
	if _, err := s.GetSignal(ctx, sig.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSignal after purge = %v", err)
	}
	if _, err := s.GetJob(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetJob after purge = %v, want its jobs gone", err)
	}
	a, _ := s.GetEntity(ctx, "company-a")
	bEnt, _ := s.GetEntity(ctx, "company-b")
	if len(a.Signals) != 0 || len(bEnt.Signals) != 1 || bEnt.Signals[0].SignalID != other.ID {
		t.Errorf("links after purge: a %+v, b %+v", a.Signals, bEnt.Signals)
	}
	if _, err := s.PurgeSignal(ctx, sig.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PurgeSignal again = %v, want ErrNotFound", err)
	}
}

// testAtomic: everything done through the bound store commits together,
// or nothing does, audit entries included.
func testAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	boom := errors.New("boom")
	var rolledBack string
	err := s.Atomic(ctx, func(tx store.Store) error {
		sig, err := tx.CreateSignal(ctx, store.Signal{Title: "weg", Team: "team-a"})
		if err != nil {
			return err
		}
		rolledBack = sig.ID
		if _, err := tx.AppendAudit(ctx, store.AuditEntry{Action: "signal.created", ObjectID: sig.ID}); err != nil {
			return err
		}
		// Nested Atomic joins the transaction.
		return tx.Atomic(ctx, func(inner store.Store) error {
			if _, err := inner.GetSignal(ctx, sig.ID); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Atomic = %v, want boom", err)
	}
	if _, err := s.GetSignal(ctx, rolledBack); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("signal of a failed Atomic exists: %v", err)
	}
	if entries, _ := s.ListAudit(ctx, store.AuditFilter{}); len(entries) != 0 {
		t.Errorf("audit of a failed Atomic kept: %+v", entries)
	}

	var kept store.Signal
	err = s.Atomic(ctx, func(tx store.Store) error {
		var err error
		if kept, err = tx.CreateSignal(ctx, store.Signal{Title: "blijft", Team: "team-a"}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{Action: "signal.created", ObjectID: kept.ID})
		return err
	})
	if err != nil {
		t.Fatalf("Atomic: %v", err)
	}
	if _, err := s.GetSignal(ctx, kept.ID); err != nil {
		t.Errorf("committed signal: %v", err)
	}
	entries, _ := s.ListAudit(ctx, store.AuditFilter{})
	if len(entries) != 1 || entries[0].ObjectID != kept.ID || entries[0].Seq != 1 {
		t.Errorf("audit after commit = %+v, want one entry, seq 1", entries)
	}
	if err := s.Atomic(ctx, func(tx store.Store) error { return tx.Close() }); err == nil {
		t.Error("Close inside Atomic succeeded")
	}
}

func signalIDs(list []store.Signal) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}
