package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"verrijk/store"
)

// checkChain verifies the whole audit log: seq 1..n without gaps, each
// PrevHash the previous Hash, each Hash recomputable.
func checkChain(t *testing.T, s store.Store, want int) []store.AuditEntry {
	t.Helper()
	all, err := s.ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if len(all) != want {
		t.Fatalf("audit has %d entries, want %d", len(all), want)
	}
	prev := ""
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i, e.Seq)
		}
		if e.PrevHash != prev {
			t.Fatalf("entry %d prev_hash %q, want %q", e.Seq, e.PrevHash, prev)
		}
		if e.Hash == "" || e.Hash != e.ComputeHash() {
			t.Fatalf("entry %d hash %q, recomputed %q", e.Seq, e.Hash, e.ComputeHash())
		}
		prev = e.Hash
	}
	return all
}

func testAuditChain(t *testing.T, s store.Store) {
	ctx := t.Context()
	first, err := s.AppendAudit(ctx, store.AuditEntry{ActorUser: "ana", ActorRole: "analyst", Action: "enrichment.requested",
		ObjectType: "signal", ObjectID: "sig-1", PurposeID: "bibob", ProcessingActivity: "bibob-onderzoek",
		Justification: "aanvraag", Origin: "127.0.0.1", Result: "ok", Detail: "2 subjects", TraceID: "trace-1"})
	if err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	if first.Seq != 1 || first.ID == "" || first.Time.IsZero() || first.PrevHash != "" || first.Hash != first.ComputeHash() {
		t.Fatalf("first entry = %+v", first)
	}
	second, err := s.AppendAudit(ctx, store.AuditEntry{ID: "fixed-id", Seq: 99, PrevHash: "forged", Hash: "forged",
		ActorUser: "worker-1", Action: "source.queried", Detail: "bad \x00 utf8 \xff"})
	if err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	if second.Seq != 2 || second.ID != "fixed-id" || second.PrevHash != first.Hash || second.Hash != second.ComputeHash() {
		t.Fatalf("second entry = %+v, want seq 2 chained to %s", second, first.Hash)
	}
	_, err = s.AppendAudit(ctx, store.AuditEntry{ID: "fixed-id", Action: "again"})
	wantErr(t, err, store.ErrConflict, "AppendAudit with an existing id")

	all := checkChain(t, s, 2)
	for i, want := range []store.AuditEntry{first, second} {
		got := all[i]
		wantTime(t, "audit time", got.Time, want.Time)
		got.Time, want.Time = time.Time{}, time.Time{}
		if got != want {
			t.Errorf("stored entry = %+v\nwant %+v", got, want)
		}
	}

	// The hash covers every field: changing any one changes it.
	mutations := []func(e *store.AuditEntry){
		func(e *store.AuditEntry) { e.Seq++ },
		func(e *store.AuditEntry) { e.ID += "x" },
		func(e *store.AuditEntry) { e.Time = e.Time.Add(time.Microsecond) },
		func(e *store.AuditEntry) { e.ActorUser += "x" },
		func(e *store.AuditEntry) { e.ActorRole += "x" },
		func(e *store.AuditEntry) { e.Action += "x" },
		func(e *store.AuditEntry) { e.ObjectType += "x" },
		func(e *store.AuditEntry) { e.ObjectID += "x" },
		func(e *store.AuditEntry) { e.PurposeID += "x" },
		func(e *store.AuditEntry) { e.ProcessingActivity += "x" },
		func(e *store.AuditEntry) { e.Justification += "x" },
		func(e *store.AuditEntry) { e.Origin += "x" },
		func(e *store.AuditEntry) { e.Result += "x" },
		func(e *store.AuditEntry) { e.Detail += "x" },
		func(e *store.AuditEntry) { e.TraceID += "x" },
		func(e *store.AuditEntry) { e.PrevHash += "x" },
	}
	for i, mutate := range mutations {
		e := first
		mutate(&e)
		if e.ComputeHash() == first.Hash {
			t.Errorf("mutation %d does not change the hash", i)
		}
	}
}

func testAuditConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := s.AppendAudit(ctx, store.AuditEntry{ActorUser: fmt.Sprintf("worker-%d", w), Action: "source.queried",
					ObjectID: fmt.Sprintf("%d-%d", w, i), Result: "ok"})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent AppendAudit: %v", err)
	}
	checkChain(t, s, writers*each)
}

func testAuditFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	entries := []store.AuditEntry{
		{Time: base, ActorUser: "ana", Action: "search", ObjectID: "q1", PurposeID: "bibob"},
		{Time: base.Add(time.Hour), ActorUser: "bob", Action: "entity.read", ObjectID: "company-1", PurposeID: "bibob"},
		{Time: base.Add(2 * time.Hour), ActorUser: "ana", Action: "entity.read", ObjectID: "company-1", PurposeID: "toezicht"},
		{Time: base.Add(3 * time.Hour), ActorUser: "ana", Action: "export", ObjectID: "sig-1", PurposeID: "toezicht"},
	}
	for _, e := range entries {
		if _, err := s.AppendAudit(ctx, e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	cases := []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"all", store.AuditFilter{}, []int64{1, 2, 3, 4}},
		{"action", store.AuditFilter{Action: "entity.read"}, []int64{2, 3}},
		{"actor", store.AuditFilter{ActorUser: "ana"}, []int64{1, 3, 4}},
		{"object", store.AuditFilter{ObjectID: "company-1"}, []int64{2, 3}},
		{"purpose", store.AuditFilter{PurposeID: "toezicht"}, []int64{3, 4}},
		{"since inclusive", store.AuditFilter{Since: base.Add(time.Hour)}, []int64{2, 3, 4}},
		{"until exclusive", store.AuditFilter{Until: base.Add(2 * time.Hour)}, []int64{1, 2}},
		{"window in another zone", store.AuditFilter{Since: base.Add(30 * time.Minute).In(time.FixedZone("X", -7200)), Until: base.Add(150 * time.Minute)}, []int64{2, 3}},
		{"after seq", store.AuditFilter{AfterSeq: 2}, []int64{3, 4}},
		{"limit", store.AuditFilter{Limit: 2}, []int64{1, 2}},
		{"after seq and limit", store.AuditFilter{AfterSeq: 1, Limit: 1}, []int64{2}},
		{"combined", store.AuditFilter{ActorUser: "ana", Action: "entity.read", PurposeID: "toezicht"}, []int64{3}},
		{"no match", store.AuditFilter{ActorUser: "nobody"}, []int64{}},
	}
	for _, tc := range cases {
		got, err := s.ListAudit(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: ListAudit: %v", tc.name, err)
		}
		seqs := []int64{}
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(tc.want) {
			t.Errorf("%s: seqs %v, want %v", tc.name, seqs, tc.want)
		}
	}

	// Default limit 100, maximum 1000.
	for range 105 {
		if _, err := s.AppendAudit(ctx, store.AuditEntry{Action: "bulk"}); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	if got, err := s.ListAudit(ctx, store.AuditFilter{Action: "bulk"}); err != nil || len(got) != 100 {
		t.Errorf("default limit: %d entries, %v; want 100", len(got), err)
	}
	if got, err := s.ListAudit(ctx, store.AuditFilter{Limit: 5000}); err != nil || len(got) != 109 {
		t.Errorf("large limit: %d entries, %v; want all 109", len(got), err)
	}
}
