package storetest

import (
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// testTokenLifecycle: an expired or revoked token is not found, a listing
// shows every token with its short id, and revocation is idempotent.
func testTokenLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	live := strings.Repeat("a", 64)
	expired := strings.Repeat("b", 64)
	future := strings.Repeat("c", 64)
	soon := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	for _, tok := range []store.Token{
		{Hash: live, User: "ana", Role: "analyst", Team: "team-a"},
		{Hash: expired, User: "bob", Role: "admin", ExpiresAt: time.Now().Add(-time.Second)},
		{Hash: future, User: "cor", Role: "coordinator", ExpiresAt: soon},
	} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken %s: %v", tok.User, err)
		}
	}
	_, err := s.TokenByHash(ctx, expired)
	wantErr(t, err, store.ErrNotFound, "TokenByHash of an expired token")
	got, err := s.TokenByHash(ctx, future)
	if err != nil {
		t.Fatalf("TokenByHash of a token not yet expired: %v", err)
	}
	if got.ID != future[:12] || got.User != "cor" {
		t.Errorf("TokenByHash = %+v", got)
	}
	wantTime(t, "token expires_at", got.ExpiresAt, soon)

	list, err := s.ListTokens(ctx)
	if err != nil {
		t.Fatalf("ListTokens: %v", err)
	}
	if len(list) != 3 {
		t.Fatalf("ListTokens = %+v, want 3 tokens", list)
	}
	for _, tok := range list {
		if len(tok.ID) != 12 || !strings.HasPrefix(tok.Hash, tok.ID) || !tok.RevokedAt.IsZero() {
			t.Errorf("listed token %+v: want a 12-digit id of its hash, not revoked", tok)
		}
	}

	wantErr(t, s.RevokeToken(ctx, "0123456789ab"), store.ErrNotFound, "RevokeToken of an unknown id")
	wantErr(t, s.RevokeToken(ctx, "' OR 1=1 --"), store.ErrNotFound, "RevokeToken of a malformed id")
	if err := s.RevokeToken(ctx, live[:12]); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = s.TokenByHash(ctx, live)
	wantErr(t, err, store.ErrNotFound, "TokenByHash of a revoked token")
	if _, err := s.TokenByHash(ctx, future); err != nil {
		t.Errorf("revoking one token affected another: %v", err)
	}
	first := revokedAt(t, s, live[:12])
	if first.IsZero() {
		t.Fatal("revoked token lists no revoked_at")
	}
	if err := s.RevokeToken(ctx, live[:12]); err != nil {
		t.Fatalf("RevokeToken again: %v", err)
	}
	if again := revokedAt(t, s, live[:12]); !again.Equal(first) {
		t.Errorf("revoking again moved revoked_at from %v to %v", first, again)
	}
}

func revokedAt(t *testing.T, s store.Store, id string) time.Time {
	t.Helper()
	list, err := s.ListTokens(t.Context())
	if err != nil {
		t.Fatalf("ListTokens: %v", err)
	}
	for _, tok := range list {
		if tok.ID == id {
			return tok.RevokedAt
		}
	}
	t.Fatalf("token %s not listed", id)
	return time.Time{}
}

// testPurposeVersions: a purpose is born active at version 1; every update
// adds one, keeps the new fields and can retire it.
func testPurposeVersions(t *testing.T, s store.Store) {
	ctx := t.Context()
	p, err := s.CreatePurpose(ctx, store.Purpose{ID: "bibob", Name: "Bibob", Retention: "P1Y",
		Description: "toets bij vergunningen", CriminalOffenceData: true, Active: false, Version: 7})
	if err != nil {
		t.Fatalf("CreatePurpose: %v", err)
	}
	if !p.Active || p.Version != 1 {
		t.Errorf("created purpose active=%v version=%d, want active at version 1", p.Active, p.Version)
	}
	got, err := s.GetPurpose(ctx, "bibob")
	if err != nil {
		t.Fatalf("GetPurpose: %v", err)
	}
	if !got.Active || got.Version != 1 || !got.CriminalOffenceData || got.Description != "toets bij vergunningen" {
		t.Errorf("GetPurpose = %+v", got)
	}

	got.Description, got.CriminalOffenceData = "herzien", false
	upd, err := s.UpdatePurpose(ctx, got)
	if err != nil {
		t.Fatalf("UpdatePurpose: %v", err)
	}
	if upd.Version != 2 || !upd.Active || upd.CriminalOffenceData || upd.Description != "herzien" {
		t.Errorf("updated purpose = %+v, want version 2, active, no criminal data", upd)
	}
	upd.Active = false
	upd.Version = 99 // the store counts, not the caller
	retired, err := s.UpdatePurpose(ctx, upd)
	if err != nil {
		t.Fatalf("UpdatePurpose retiring: %v", err)
	}
	if retired.Active || retired.Version != 3 {
		t.Errorf("retired purpose active=%v version=%d, want retired at version 3", retired.Active, retired.Version)
	}
	list, err := s.ListPurposes(ctx)
	if err != nil || len(list) != 1 || list[0].Active || list[0].Version != 3 {
		t.Errorf("ListPurposes = %+v, %v; want the retired purpose at version 3", list, err)
	}
}

// testLinkPurposeVersion: a link records its purpose version; a relink
// under a later version moves it, a relink without one keeps it.
func testLinkPurposeVersion(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "versions")
	p := mustPurpose(t, s, "bibob")
	if _, err := s.UpsertEntity(ctx, company("company-v", "Versie BV")); err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	version := func() int {
		t.Helper()
		e, err := s.GetEntity(ctx, "company-v")
		if err != nil || len(e.Signals) != 1 {
			t.Fatalf("GetEntity = %+v, %v; want one link", e.Signals, err)
		}
		return e.Signals[0].PurposeVersion
	}
	l := entity.Link{SignalID: sig.ID, EntityID: "company-v", PurposeID: p.ID, JobID: "job-1", PurposeVersion: 1}
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("Link: %v", err)
	}
	if v := version(); v != 1 {
		t.Errorf("purpose_version = %d, want 1", v)
	}
	l.JobID, l.PurposeVersion = "job-2", 3
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("relink: %v", err)
	}
	if v := version(); v != 3 {
		t.Errorf("purpose_version after relink = %d, want 3", v)
	}
	l.JobID, l.PurposeVersion = "job-3", 0
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("relink: %v", err)
	}
	if v := version(); v != 3 {
		t.Errorf("purpose_version after relink without one = %d, want 3 kept", v)
	}
	es, err := s.SignalEntities(ctx, sig.ID, p.ID)
	if err != nil || len(es) != 1 || es[0].Signals[0].PurposeVersion != 3 {
		t.Errorf("SignalEntities = %+v, %v; want the link at version 3", es, err)
	}
}
