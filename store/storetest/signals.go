package storetest

import (
	"testing"

	"verrijk/pipeline/subject"
	"verrijk/store"
)

func testSignals(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.GetSignal(ctx, "nope"); err != nil {
		wantErr(t, err, store.ErrNotFound, "GetSignal missing")
	} else {
		t.Fatal("GetSignal of a missing id succeeded")
	}

	in := store.Signal{Title: "Nagelsalon", Description: "cash", ExternalRef: "RIEC-1", Team: "team-a", CreatedBy: "ana"}
	sig, err := s.CreateSignal(ctx, in)
	if err != nil {
		t.Fatalf("CreateSignal: %v", err)
	}
	if sig.ID == "" || sig.CreatedAt.IsZero() {
		t.Fatalf("CreateSignal did not fill id and time: %+v", sig)
	}
	got, err := s.GetSignal(ctx, sig.ID)
	if err != nil {
		t.Fatalf("GetSignal: %v", err)
	}
	if got.Title != in.Title || got.Description != in.Description || got.ExternalRef != in.ExternalRef ||
		got.Team != in.Team || got.CreatedBy != in.CreatedBy {
		t.Errorf("GetSignal = %+v, want fields of %+v", got, in)
	}
	wantTime(t, "signal created_at", got.CreatedAt, sig.CreatedAt)
	if got.Subjects == nil || got.Jobs == nil || len(got.Subjects)+len(got.Jobs) != 0 {
		t.Errorf("new signal: subjects %v jobs %v, want empty non-nil", got.Subjects, got.Jobs)
	}

	_, err = s.CreateSignal(ctx, store.Signal{ID: sig.ID, Title: "again"})
	wantErr(t, err, store.ErrConflict, "CreateSignal with an existing id")

	fixed, err := s.CreateSignal(ctx, store.Signal{ID: "sig-fixed", Title: "given id"})
	if err != nil || fixed.ID != "sig-fixed" {
		t.Fatalf("CreateSignal with id: %+v, %v", fixed, err)
	}

	// Subjects come back oldest first, jobs as summaries.
	a, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.KvK, Value: "68750110"})
	if err != nil {
		t.Fatalf("AddSubject: %v", err)
	}
	b, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.Address, Value: "8823SJ 3A"})
	if err != nil {
		t.Fatalf("AddSubject: %v", err)
	}
	p := mustPurpose(t, s, "bibob")
	j, err := s.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: p.ID, Justification: "j"}, nil)
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	got, err = s.GetSignal(ctx, sig.ID)
	if err != nil {
		t.Fatalf("GetSignal: %v", err)
	}
	if len(got.Subjects) != 2 || got.Subjects[0].ID != a.ID || got.Subjects[1].ID != b.ID {
		t.Errorf("subjects = %+v, want %s then %s", got.Subjects, a.ID, b.ID)
	}
	if got.Subjects[0].Type != subject.KvK || got.Subjects[0].Value != "68750110" || got.Subjects[0].SignalID != sig.ID {
		t.Errorf("subject = %+v", got.Subjects[0])
	}
	if len(got.Jobs) != 1 || got.Jobs[0].ID != j.ID || got.Jobs[0].PurposeID != p.ID || got.Jobs[0].Status != store.StatusQueued {
		t.Errorf("jobs = %+v, want one summary of %s", got.Jobs, j.ID)
	}
}

func testSubjectDedupe(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "dedupe")
	first, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.KvK, Value: "68750110"})
	if err != nil {
		t.Fatalf("AddSubject: %v", err)
	}
	again, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.KvK, Value: "68750110"})
	if err != nil {
		t.Fatalf("AddSubject again: %v", err)
	}
	if again.ID != first.ID || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("second AddSubject = %+v, want the existing %+v", again, first)
	}
	// Same value, other type, is another subject; so is the same subject on
	// another signal.
	if other, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.RSIN, Value: "68750110"}); err != nil || other.ID == first.ID {
		t.Errorf("other type: %+v, %v", other, err)
	}
	sig2 := mustSignal(t, s, "other")
	if other, err := s.AddSubject(ctx, store.Subject{SignalID: sig2.ID, Type: subject.KvK, Value: "68750110"}); err != nil || other.ID == first.ID {
		t.Errorf("other signal: %+v, %v", other, err)
	}
	got, err := s.GetSignal(ctx, sig.ID)
	if err != nil {
		t.Fatalf("GetSignal: %v", err)
	}
	if len(got.Subjects) != 2 {
		t.Errorf("signal has %d subjects, want 2: %+v", len(got.Subjects), got.Subjects)
	}
	_, err = s.AddSubject(ctx, store.Subject{SignalID: "missing", Type: subject.KvK, Value: "1"})
	wantErr(t, err, store.ErrNotFound, "AddSubject to a missing signal")
}

func testPurposes(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetPurpose(ctx, "bibob")
	wantErr(t, err, store.ErrNotFound, "GetPurpose missing")
	_, err = s.UpdatePurpose(ctx, store.Purpose{ID: "bibob"})
	wantErr(t, err, store.ErrNotFound, "UpdatePurpose missing")

	p := mustPurpose(t, s, "bibob")
	_, err = s.CreatePurpose(ctx, store.Purpose{ID: "bibob", Name: "dup"})
	wantErr(t, err, store.ErrConflict, "CreatePurpose with an existing id")

	got, err := s.GetPurpose(ctx, "bibob")
	if err != nil {
		t.Fatalf("GetPurpose: %v", err)
	}
	if got.Name != p.Name || got.LegalBasis != p.LegalBasis || got.ProcessingActivity != p.ProcessingActivity ||
		got.Retention != "P1Y" || len(got.AllowedSources) != 2 || got.AllowedSources[0] != "kvk" || got.AllowedSources[1] != "bag" {
		t.Errorf("GetPurpose = %+v, want %+v", got, p)
	}
	wantTime(t, "purpose created_at", got.CreatedAt, p.CreatedAt)

	upd, err := s.UpdatePurpose(ctx, store.Purpose{ID: "bibob", Name: "Bibob 2", Retention: "P30D", AllowedSources: []string{"kvk"}})
	if err != nil {
		t.Fatalf("UpdatePurpose: %v", err)
	}
	if upd.Name != "Bibob 2" || upd.Retention != "P30D" || len(upd.AllowedSources) != 1 {
		t.Errorf("UpdatePurpose = %+v", upd)
	}
	if !upd.CreatedAt.Equal(p.CreatedAt) || upd.UpdatedAt.Before(p.UpdatedAt) {
		t.Errorf("UpdatePurpose times: created %v (want %v), updated %v", upd.CreatedAt, p.CreatedAt, upd.UpdatedAt)
	}
	got, err = s.GetPurpose(ctx, "bibob")
	if err != nil || got.Name != "Bibob 2" || got.Retention != "P30D" {
		t.Errorf("GetPurpose after update = %+v, %v", got, err)
	}

	if _, err := s.CreatePurpose(ctx, store.Purpose{ID: "alpha", Name: "no sources"}); err != nil {
		t.Fatalf("CreatePurpose: %v", err)
	}
	list, err := s.ListPurposes(ctx)
	if err != nil {
		t.Fatalf("ListPurposes: %v", err)
	}
	if len(list) != 2 || list[0].ID != "alpha" || list[1].ID != "bibob" {
		t.Fatalf("ListPurposes = %+v, want alpha, bibob", list)
	}
	if list[0].AllowedSources == nil || len(list[0].AllowedSources) != 0 {
		t.Errorf("purpose without sources: AllowedSources = %#v, want empty non-nil", list[0].AllowedSources)
	}
}
