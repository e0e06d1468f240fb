package storetest

import (
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// testTimeRoundTrip checks that a time written in any zone, with
// nanoseconds, comes back as the same instant in UTC at microseconds, and
// that what Create* returns equals what a later read returns.
func testTimeRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	at := time.Date(2024, 2, 29, 23, 59, 59, 987654321, zone)
	want := at.UTC().Truncate(time.Microsecond)

	e, err := s.AppendAudit(ctx, store.AuditEntry{Time: at, Action: "t"})
	if err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	wantTime(t, "returned audit time", e.Time, want)
	list, err := s.ListAudit(ctx, store.AuditFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("ListAudit: %v, %v", list, err)
	}
	wantTime(t, "stored audit time", list[0].Time, want)
	if list[0].Hash != list[0].ComputeHash() {
		t.Error("audit hash does not survive the round trip")
	}

	sig := mustSignal(t, s, "times")
	p := mustPurpose(t, s, "bibob")
	ent := company("company-t", "Tijd BV")
	ent.FirstSeen, ent.LastSeen = at, at.Add(time.Hour)
	stored, err := s.UpsertEntity(ctx, ent)
	if err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	wantTime(t, "returned first_seen", stored.FirstSeen, want)
	if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: "company-t", PurposeID: p.ID, LinkedAt: at, ExpiresAt: at.AddDate(1, 0, 0)}); err != nil {
		t.Fatalf("Link: %v", err)
	}
	got, err := s.GetEntity(ctx, "company-t")
	if err != nil {
		t.Fatalf("GetEntity: %v", err)
	}
	wantTime(t, "first_seen", got.FirstSeen, want)
	wantTime(t, "last_seen", got.LastSeen, want.Add(time.Hour))
	wantTime(t, "linked_at", got.Signals[0].LinkedAt, want)
	wantTime(t, "expires_at", got.Signals[0].ExpiresAt, at.AddDate(1, 0, 0).UTC().Truncate(time.Microsecond))

	// Create* results equal later reads exactly.
	j, err := s.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: p.ID}, []store.Task{{Source: "kvk", SubjectType: "kvk", SubjectValue: "1"}})
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	rj, err := s.GetJob(ctx, j.ID)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	wantTime(t, "job created_at", rj.CreatedAt, j.CreatedAt)
	wantTime(t, "job updated_at", rj.UpdatedAt, j.UpdatedAt)
	wantTime(t, "task created_at", rj.Tasks[0].CreatedAt, j.Tasks[0].CreatedAt)
	rs, err := s.GetSignal(ctx, sig.ID)
	if err != nil {
		t.Fatalf("GetSignal: %v", err)
	}
	wantTime(t, "signal created_at", rs.CreatedAt, sig.CreatedAt)
	wantTime(t, "job summary created_at", rs.Jobs[0].CreatedAt, j.CreatedAt)
	rp, err := s.GetPurpose(ctx, p.ID)
	if err != nil {
		t.Fatalf("GetPurpose: %v", err)
	}
	wantTime(t, "purpose updated_at", rp.UpdatedAt, p.UpdatedAt)
}
