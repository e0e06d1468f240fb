package workers

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// enriched runs the kvk lookup of Test BV Donald through the real
// processor (links expire a year after fixedNow) and returns what it
// stored under the fixture's signal and purpose.
func (f *fixture) enriched() []entity.Entity {
	f.t.Helper()
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(f.processor(), job.Tasks[0]); err != nil {
		f.t.Fatalf("ProcessTask: %v", err)
	}
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil || len(ents) < 2 {
		f.t.Fatalf("enriched entities = %v, %v", ents, err)
	}
	return ents
}

func (f *fixture) retentionEntries() []store.AuditEntry {
	f.t.Helper()
	entries, err := f.store.ListAudit(f.ctx, store.AuditFilter{Action: audit.ActionRetentionDeleted, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

func TestSweepDeletesExpiredDataFromStoreIndexAndEvidence(t *testing.T) {
	f := newFixture(t)
	ents := f.enriched()

	// The address is also held by a second signal under a longer purpose:
	// it must survive, without the expired link in the index, and so must
	// the evidence it shares with the company.
	longer, err := f.store.CreatePurpose(f.ctx, store.Purpose{ID: "toezicht-horeca", Name: "Toezicht horeca",
		LegalBasis: "APV", ProcessingActivity: "toezicht", Retention: "P5Y", AllowedSources: []string{"kvk"}})
	if err != nil {
		t.Fatal(err)
	}
	sig2, err := f.store.CreateSignal(f.ctx, store.Signal{Title: "Horecavergunning", CreatedBy: "bo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Link(f.ctx, entity.Link{SignalID: sig2.ID, EntityID: donaldAddress, PurposeID: longer.ID,
		JobID: "job-2", LinkedAt: fixedNow, ExpiresAt: fixedNow.AddDate(5, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := reproject(f.ctx, f.store, f.index, []string{donaldAddress}); err != nil {
		t.Fatal(err)
	}

	// What the sweep must not write down, and which evidence goes.
	var personal []string
	keptEvidence, goneEvidence := map[string]bool{}, map[string]bool{}
	for _, e := range ents {
		personal = append(personal, e.Caption)
		for _, vs := range e.Properties {
			for _, v := range vs {
				if len(v) >= 5 && !strings.HasPrefix(v, "company-") && !strings.HasPrefix(v, "address-") {
					personal = append(personal, v)
				}
			}
		}
		for _, p := range e.Provenance {
			if e.ID == donaldAddress {
				keptEvidence[p.SHA256] = true
			} else {
				goneEvidence[p.SHA256] = true
			}
		}
	}
	for h := range keptEvidence {
		delete(goneEvidence, h)
	}
	if !slices.Contains(personal, "Test BV Donald") || !slices.Contains(personal, "68750110") {
		t.Fatalf("fixture: personal values %v lack the name and KvK number", personal)
	}
	if len(goneEvidence) == 0 {
		t.Fatalf("fixture: every evidence row is named by the address; nothing to check")
	}

	// Before the expiry nothing goes.
	if res, err := Sweep(f.ctx, f.store, f.index, f.audit, fixedNow.AddDate(0, 11, 0), Policy{}); err != nil || res != (SweepResult{}) {
		t.Fatalf("sweep before expiry = %+v, %v; want nothing", res, err)
	}
	if ids := f.search("Donald", f.purpose.ID); !slices.Contains(ids, donaldCompany) {
		t.Fatalf("search before the sweep = %v", ids)
	}

	res, err := Sweep(f.ctx, f.store, f.index, f.audit, fixedNow.AddDate(2, 0, 0), Policy{})
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	want := SweepResult{Links: len(ents), Entities: len(ents) - 1, Evidence: len(goneEvidence), Reprojected: 1}
	if res != want {
		t.Errorf("Sweep = %+v, want %+v", res, want)
	}

	// Store: the signal has nothing under the purpose; only the address,
	// with its other link, remains.
	if got, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID); err != nil || len(got) != 0 {
		t.Errorf("signal entities after the sweep = %v, %v", ids(got), err)
	}
	for _, e := range ents {
		got, err := f.store.GetEntity(f.ctx, e.ID)
		switch {
		case e.ID == donaldAddress:
			if err != nil || len(got.Signals) != 1 || got.Signals[0].SignalID != sig2.ID {
				t.Errorf("address after the sweep: %+v, %v; want it with only its second link", got.Signals, err)
			}
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("entity %s after the sweep: %v, want not found", e.ID, err)
		}
	}
	// Index: nothing under the expired purpose; the address under the
	// other, without the expired link.
	for _, q := range []string{"", "Donald", "68750110", "8823 SJ"} {
		if got := f.search(q, f.purpose.ID); len(got) != 0 {
			t.Errorf("search %q under the expired purpose = %v, want nothing", q, got)
		}
	}
	hits, err := f.index.Search(f.ctx, index.Query{PurposeID: longer.ID})
	if err != nil || hits.Total != 1 || hits.Hits[0].ID != donaldAddress {
		t.Fatalf("search under the longer purpose = %+v, %v", hits, err)
	}
	if ids := f.search("Hizzaarderlaan", f.purpose.ID); len(ids) != 0 {
		t.Errorf("the kept address is still found under the expired purpose")
	}
	// Evidence: only what the address still names is left.
	for h := range goneEvidence {
		if _, err := f.store.GetEvidence(f.ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("evidence %s after the sweep: %v, want not found", h, err)
		}
	}
	for h := range keptEvidence {
		if _, err := f.store.GetEvidence(f.ctx, h); err != nil {
			t.Errorf("evidence %s the address still names: %v", h, err)
		}
	}

	// Audit: one entry per deletion, ids only, and the chain holds.
	entries := f.retentionEntries()
	count := map[string]int{}
	for _, e := range entries {
		count[e.ObjectType]++
		if e.ActorUser != "system" || e.ActorRole != "retention" || e.Result != audit.ResultOK || e.ObjectID == "" ||
			!strings.HasPrefix(e.TraceID, "retention-") || !strings.HasPrefix(e.Origin, "retention:") {
			t.Errorf("retention entry incomplete: %+v", e)
		}
		if e.ObjectType != "evidence" && (e.PurposeID != f.purpose.ID || e.ProcessingActivity != "bibob-onderzoek") {
			t.Errorf("retention entry without its purpose: %+v", e)
		}
		all := strings.Join([]string{e.ObjectID, e.Detail, e.Justification, e.PurposeID, e.ProcessingActivity}, " ")
		for _, v := range personal {
			if strings.Contains(all, v) {
				t.Errorf("retention entry %d holds the personal value %q: %+v", e.Seq, v, e)
			}
		}
	}
	if count["link"] != want.Links || count["entity"] != want.Entities || count["evidence"] != want.Evidence {
		t.Errorf("retention entries by object = %v, want %+v", count, want)
	}
	if v, err := audit.Verify(f.ctx, f.store); err != nil || !v.OK {
		t.Errorf("audit.Verify = %+v, %v", v, err)
	}

	// A second sweep finds nothing and logs nothing.
	if res, err := Sweep(f.ctx, f.store, f.index, f.audit, fixedNow.AddDate(2, 0, 0), Policy{}); err != nil || res != (SweepResult{}) {
		t.Errorf("second sweep = %+v, %v; want nothing", res, err)
	}
	if n := len(f.retentionEntries()); n != len(entries) {
		t.Errorf("second sweep wrote %d entries", n-len(entries))
	}
}

// TestSweeperFollowsDeletionsMadeWithoutTheIndex is `verrijk retention
// run` while serve holds the index: the store is swept, and serve's
// Sweeper then drops the deleted entities from the index, but re-indexes
// one that was enriched anew meanwhile.
func TestSweeperFollowsDeletionsMadeWithoutTheIndex(t *testing.T) {
	f := newFixture(t)
	ents := f.enriched()
	res, err := Sweep(f.ctx, f.store, nil, f.audit, fixedNow.AddDate(2, 0, 0), Policy{})
	if err != nil || !res.IndexSkipped || res.Entities != len(ents) {
		t.Fatalf("Sweep without the index = %+v, %v", res, err)
	}
	if got := f.search("", f.purpose.ID); len(got) != len(ents) {
		t.Fatalf("index before the Sweeper runs = %v; want the stale %d", got, len(ents))
	}
	// The address is enriched anew under the same id.
	var address entity.Entity
	for _, e := range ents {
		if e.ID == donaldAddress {
			address = e
		}
	}
	if _, err := f.store.UpsertEntity(f.ctx, address); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Link(f.ctx, entity.Link{SignalID: f.signal.ID, EntityID: donaldAddress, PurposeID: f.purpose.ID,
		JobID: "job-new", LinkedAt: time.Now(), ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}

	sw := &Sweeper{Store: f.store, Index: f.index, Audit: f.audit, Log: quiet}
	if _, err := sw.RunOnce(f.ctx); err != nil {
		t.Fatalf("Sweeper.RunOnce: %v", err)
	}
	got, err := f.index.Search(f.ctx, index.Query{PurposeID: f.purpose.ID})
	if err != nil || got.Total != 1 || got.Hits[0].ID != donaldAddress || got.Hits[0].Signals[0].JobID != "job-new" {
		t.Fatalf("index after the Sweeper = %+v, %v; want only the address enriched anew", got, err)
	}
	// Nothing new to follow: a second run reads no entries again.
	if _, err := sw.RunOnce(f.ctx); err != nil || sw.seen[audit.ActionRetentionDeleted] == 0 {
		t.Errorf("second RunOnce: %v (seen %v)", err, sw.seen)
	}
}

// TestSweepScheduledOnTheMaintenanceQueue checks the schedule and that a
// sweep task on the maintenance queue runs the Sweeper, once at a time.
func TestSweepScheduledOnTheMaintenanceQueue(t *testing.T) {
	f := newFixture(t)
	ents := f.enriched()
	mr := miniredis.RunT(t)
	opt := asynq.RedisClientOpt{Addr: mr.Addr()}

	sch, err := newSweepScheduler(opt, "", quiet, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(); err != nil {
		t.Fatal(err)
	}
	defer sch.Shutdown()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	waitFor(t, "the scheduler's entry", 15*time.Second, func() bool {
		es, err := insp.SchedulerEntries()
		return err == nil && len(es) == 1
	})
	es, _ := insp.SchedulerEntries()
	if e := es[0]; e.Spec != "@daily" || e.Task.Type() != TypeRetentionSweep || !slices.ContainsFunc(e.Opts, func(o asynq.Option) bool {
		return o.Type() == asynq.QueueOpt && o.Value() == QueueMaintenance
	}) {
		t.Errorf("scheduler entry = %s %s %v", e.Spec, e.Task.Type(), e.Opts)
	}
	if _, err := NewSweepScheduler(opt, "not a cron spec", quiet); err == nil {
		t.Errorf("a bad schedule was accepted")
	}

	// Several schedulers firing at once queue one sweep.
	client := asynq.NewClient(opt)
	defer client.Close()
	if _, err := client.Enqueue(asynq.NewTask(TypeRetentionSweep, nil), SweepTaskOptions()...); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enqueue(asynq.NewTask(TypeRetentionSweep, nil), SweepTaskOptions()...); !errors.Is(err, asynq.ErrDuplicateTask) {
		t.Errorf("second sweep enqueued: %v, want a duplicate", err)
	}

	sw := &Sweeper{Store: f.store, Index: f.index, Audit: f.audit, Log: quiet,
		Now: func() time.Time { return fixedNow.AddDate(2, 0, 0) }}
	srv, mux := NewMaintenanceServer(opt, sw, quiet)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	waitFor(t, "the scheduled sweep", 15*time.Second, func() bool {
		got, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
		return err == nil && len(got) == 0
	})
	if n := len(f.retentionEntries()); n < 2*len(ents) {
		t.Errorf("retention entries after the scheduled sweep = %d, want at least %d", n, 2*len(ents))
	}
	if got := f.search("", f.purpose.ID); len(got) != 0 {
		t.Errorf("index after the scheduled sweep = %v", got)
	}
}

func ids(es []entity.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
