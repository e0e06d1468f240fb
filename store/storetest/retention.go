package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// testRetention checks the sweep's store side: which links have expired,
// that a relink which extended a link saves it, orphan detection, and that
// deleting an entity takes the evidence only it referenced, never evidence
// another entity still names.
func testRetention(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "retention")
	p := mustPurpose(t, s, "bibob")
	for _, id := range []string{"company-old", "company-new", "company-unknown"} {
		if _, err := s.UpsertEntity(ctx, company(id, id)); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	old := entity.Link{SignalID: sig.ID, EntityID: "company-old", PurposeID: p.ID, JobID: "j1", LinkedAt: base, ExpiresAt: base.AddDate(1, 0, 0)}
	fresh := entity.Link{SignalID: sig.ID, EntityID: "company-new", PurposeID: p.ID, JobID: "j1", LinkedAt: base, ExpiresAt: base.AddDate(2, 0, 0)}
	unknown := entity.Link{SignalID: sig.ID, EntityID: "company-unknown", PurposeID: p.ID, JobID: "j1", LinkedAt: base}
	for _, l := range []entity.Link{old, fresh, unknown} {
		if err := s.Link(ctx, l); err != nil {
			t.Fatalf("Link: %v", err)
		}
	}

	// The expiry moment itself counts as expired; no expiry never expires.
	for at, want := range map[time.Time][]string{
		base.AddDate(1, 0, 0).Add(-time.Microsecond): nil,
		base.AddDate(1, 0, 0):                        {"company-old"},
		base.AddDate(5, 0, 0):                        {"company-old", "company-new"},
	} {
		got, err := s.ExpiredLinks(ctx, at, 10)
		if err != nil {
			t.Fatalf("ExpiredLinks: %v", err)
		}
		var gotIDs []string
		for _, l := range got {
			gotIDs = append(gotIDs, l.EntityID)
		}
		if !slices.Equal(gotIDs, want) {
			t.Errorf("ExpiredLinks(%v) = %v, want %v", at, gotIDs, want)
		}
	}
	if got, _ := s.ExpiredLinks(ctx, base.AddDate(5, 0, 0), 1); len(got) != 1 || got[0].EntityID != "company-old" {
		t.Errorf("ExpiredLinks limit 1 = %+v, want the earliest", got)
	}

	// company-new is relinked with a later expiry after the sweep read it:
	// deleting the link as read leaves it alone.
	expired, err := s.ExpiredLinks(ctx, base.AddDate(5, 0, 0), 10)
	if err != nil || len(expired) != 2 {
		t.Fatalf("ExpiredLinks = %+v, %v", expired, err)
	}
	relinked := fresh
	relinked.JobID, relinked.ExpiresAt = "j2", base.AddDate(10, 0, 0)
	if err := s.Link(ctx, relinked); err != nil {
		t.Fatalf("relink: %v", err)
	}
	time.Sleep(2 * time.Millisecond)
	cursor := time.Now()
	deleted, err := s.DeleteLinks(ctx, expired)
	if err != nil {
		t.Fatalf("DeleteLinks: %v", err)
	}
	if len(deleted) != 1 || deleted[0].EntityID != "company-old" || deleted[0].SignalID != sig.ID || deleted[0].PurposeID != p.ID {
		t.Fatalf("DeleteLinks deleted %+v, want only company-old's link", deleted)
	}
	if again, err := s.DeleteLinks(ctx, expired); err != nil || len(again) != 0 {
		t.Errorf("DeleteLinks twice = %+v, %v; want nothing deleted", again, err)
	}
	if _, err := s.DeleteLinks(ctx, []entity.Link{unknown}); err == nil {
		t.Errorf("DeleteLinks of a link without expiry: no error")
	}
	if e, err := s.GetEntity(ctx, "company-old"); err != nil || len(e.Signals) != 0 {
		t.Errorf("company-old after DeleteLinks: links %+v, %v; want none", e.Signals, err)
	}
	if e, err := s.GetEntity(ctx, "company-new"); err != nil || len(e.Signals) != 1 || e.Signals[0].JobID != "j2" {
		t.Errorf("company-new after DeleteLinks: links %+v, %v; want the extended one", e.Signals, err)
	}
	// The entity that lost its link is on the change feed, without it.
	changed, _, err := s.ChangedEntities(ctx, cursor, 10)
	if err != nil || len(changed) != 1 || changed[0].ID != "company-old" || len(changed[0].Signals) != 0 {
		t.Errorf("changes after DeleteLinks = %v, %v; want company-old without links", ids(changed), err)
	}

	// Orphans: only company-old has no link, and only once past the grace.
	if got, err := s.OrphanEntities(ctx, time.Now().Add(-time.Hour), 10); err != nil || len(got) != 0 {
		t.Errorf("OrphanEntities changed an hour ago = %v, %v; want none (it just changed)", got, err)
	}
	got, err := s.OrphanEntities(ctx, time.Now().Add(time.Second), 10)
	if err != nil || !slices.Equal(got, []string{"company-old"}) {
		t.Fatalf("OrphanEntities = %v, %v; want company-old", got, err)
	}

	// DeleteEntities deletes only what still has no link.
	purged, err := s.DeleteEntities(ctx, []string{"company-old", "company-new", "missing"})
	if err != nil {
		t.Fatalf("DeleteEntities: %v", err)
	}
	if !slices.Equal(purged.Entities, []string{"company-old"}) || len(purged.Evidence) != 0 {
		t.Errorf("DeleteEntities = %+v, want company-old only", purged)
	}
	_, err = s.GetEntity(ctx, "company-old")
	wantErr(t, err, store.ErrNotFound, "GetEntity after DeleteEntities")
	if _, err := s.GetEntity(ctx, "company-new"); err != nil {
		t.Errorf("linked entity deleted: %v", err)
	}
}

// testRetentionEvidence deletes entities one by one and checks that each
// evidence row goes with the last entity whose provenance names it.
func testRetentionEvidence(t *testing.T, s store.Store) {
	ctx := t.Context()
	save := func(body string) string {
		t.Helper()
		sum := sha256.Sum256([]byte(body))
		h := hex.EncodeToString(sum[:])
		if err := s.SaveEvidence(ctx, store.Evidence{Source: "kvk", Kind: "basisprofiel", URL: "https://kvk/" + h[:8],
			Status: 200, FetchedAt: time.Now(), Body: []byte(body)}); err != nil {
			t.Fatalf("SaveEvidence: %v", err)
		}
		return h
	}
	shared, onlyA, onlyB, linked := save(`{"shared":1}`), save(`{"a":1}`), save(`{"b":1}`), save(`{"c":1}`)
	entityWith := func(id string, hashes ...string) {
		t.Helper()
		e := company(id, id)
		for _, h := range hashes {
			e.Provenance = append(e.Provenance, entity.Provenance{Source: "kvk", URL: "https://kvk/" + h[:8],
				FetchedAt: time.Now(), SHA256: h, Properties: []string{"name"}})
		}
		if _, err := s.UpsertEntity(ctx, e); err != nil {
			t.Fatalf("UpsertEntity: %v", err)
		}
	}
	// B names the shared evidence in upper case: the same evidence.
	entityWith("company-a", shared, onlyA)
	entityWith("company-b", strings.ToUpper(shared), onlyB)
	entityWith("company-c", linked, "not-a-hash")
	sig, p := mustSignal(t, s, "evidence"), mustPurpose(t, s, "bibob")
	if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: "company-c", PurposeID: p.ID, JobID: "j",
		ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
		t.Fatalf("Link: %v", err)
	}
	has := func(h string) bool {
		t.Helper()
		_, err := s.GetEvidence(ctx, h)
		if err != nil && !strings.Contains(err.Error(), store.ErrNotFound.Error()) {
			t.Fatalf("GetEvidence: %v", err)
		}
		return err == nil
	}

	purged, err := s.DeleteEntities(ctx, []string{"company-a"})
	if err != nil {
		t.Fatalf("DeleteEntities(a): %v", err)
	}
	if !slices.Equal(purged.Entities, []string{"company-a"}) || !slices.Equal(purged.Evidence, []string{onlyA}) {
		t.Errorf("DeleteEntities(a) = %+v, want a and its own evidence %s", purged, onlyA)
	}
	if has(onlyA) || !has(shared) || !has(onlyB) || !has(linked) {
		t.Errorf("after deleting a: onlyA %v (want gone), shared %v, onlyB %v, linked %v (want kept)",
			has(onlyA), has(shared), has(onlyB), has(linked))
	}

	// Deleting b (and c, which is linked and so kept) takes the rest.
	purged, err = s.DeleteEntities(ctx, []string{"company-b", "company-c"})
	if err != nil {
		t.Fatalf("DeleteEntities(b, c): %v", err)
	}
	slices.Sort(purged.Evidence)
	want := []string{shared, onlyB}
	slices.Sort(want)
	if !slices.Equal(purged.Entities, []string{"company-b"}) || !slices.Equal(purged.Evidence, want) {
		t.Errorf("DeleteEntities(b, c) = %+v, want b with %v", purged, want)
	}
	if has(shared) || has(onlyB) || !has(linked) {
		t.Errorf("after deleting b: shared %v, onlyB %v (want gone), linked %v (want kept)", has(shared), has(onlyB), has(linked))
	}
	if e, err := s.GetEntity(ctx, "company-c"); err != nil || len(e.Provenance) != 2 {
		t.Errorf("company-c = %+v, %v; want it kept with its provenance", e, err)
	}
}
