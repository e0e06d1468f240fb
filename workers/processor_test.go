package workers

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

const (
	donaldCompany = "company-b71ccca64ee6ecee1c29af39"
	donaldAddress = "address-47fb25ebd7aa8f7e913c7346"
)

func TestProcessStoresLinksIndexesAndAudits(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]

	if err := f.process(p, task); err != nil {
		t.Fatalf("ProcessTask: %v", err)
	}

	got := f.task(task.ID)
	if got.Status != store.StatusDone || got.Attempts != 1 || got.Error != "" {
		t.Errorf("task = %s, %d attempts, error %q; want done, 1, none", got.Status, got.Attempts, got.Error)
	}
	if j := f.job(job.ID); j.Status != store.StatusDone {
		t.Errorf("job status = %s, want done", j.Status)
	}

	// Entities, with provenance, linked under the job's purpose for a year.
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]entity.Entity{}
	for _, e := range ents {
		byID[e.ID] = e
	}
	// The legal entity, its two branches (from Zoeken) and its address.
	if len(byID) != 4 || byID[donaldCompany].ID == "" || byID[donaldAddress].ID == "" {
		t.Fatalf("linked entities = %v, want the company, its two branches and its address", keys(byID))
	}
	wantExpiry := fixedNow.AddDate(1, 0, 0)
	sums := map[string]bool{}
	for _, e := range ents {
		if len(e.Provenance) == 0 {
			t.Errorf("%s has no provenance", e.ID)
		}
		for _, pv := range e.Provenance {
			if pv.Source != "kvk" || pv.SHA256 == "" {
				t.Errorf("%s provenance = %+v", e.ID, pv)
			}
			sums[pv.SHA256] = true
		}
		if len(e.Signals) != 1 {
			t.Fatalf("%s links = %+v, want one", e.ID, e.Signals)
		}
		l := e.Signals[0]
		if l.SignalID != f.signal.ID || l.PurposeID != f.purpose.ID || l.JobID != job.ID {
			t.Errorf("%s link = %+v", e.ID, l)
		}
		if !l.ExpiresAt.Equal(wantExpiry) || !l.LinkedAt.Equal(fixedNow) {
			t.Errorf("%s link linked %s expires %s, want %s and %s", e.ID, l.LinkedAt, l.ExpiresAt, fixedNow, wantExpiry)
		}
	}

	// The evidence the provenance points at is kept, with its task.
	for sum := range sums {
		ev, err := f.store.GetEvidence(f.ctx, sum)
		if err != nil {
			t.Fatalf("evidence %s: %v", sum, err)
		}
		if ev.JobID != job.ID || ev.TaskID != task.ID || ev.Source != "kvk" || len(ev.Body) == 0 {
			t.Errorf("evidence %s = %+v", sum, ev)
		}
	}

	// Searchable under the purpose, and only under it.
	if ids := f.search("Donald", f.purpose.ID); !slices.Contains(ids, donaldCompany) {
		t.Errorf("search under the purpose = %v, want %s", ids, donaldCompany)
	}
	if ids := f.search("Donald", "another-purpose"); len(ids) != 0 {
		t.Errorf("search under another purpose = %v, want nothing", ids)
	}

	// One audit entry for the one query.
	q := f.queries(task.ID)
	if len(q) != 1 {
		t.Fatalf("audit entries = %d, want 1", len(q))
	}
	e := q[0]
	if e.PurposeID != f.purpose.ID || e.ProcessingActivity != "bibob-onderzoek" ||
		e.Justification != job.Justification || e.Origin != "worker:test/1" || e.Result != audit.ResultOK ||
		e.ActorUser != "ana" || e.TraceID != job.ID || e.ObjectType != "task" {
		t.Errorf("audit entry = %+v", e)
	}
	if !strings.Contains(e.Detail, "source=kvk") || !strings.Contains(e.Detail, "subject=kvk:68750110") {
		t.Errorf("audit detail = %q", e.Detail)
	}
	if n := len(f.enqueuedTasks()); n != 0 {
		t.Errorf("enqueued %d follow-ups at max depth 0", n)
	}
}

func TestProcessEmptyAnswer(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(1, lookup{"kvk", nobody})
	if err := f.process(f.processor(), job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	if got := f.task(job.Tasks[0].ID); got.Status != store.StatusDone || got.Error != "no match" {
		t.Errorf("task = %s %q, want done \"no match\"", got.Status, got.Error)
	}
	q := f.queries(job.Tasks[0].ID)
	if len(q) != 1 || q[0].Result != audit.ResultEmpty {
		t.Fatalf("audit = %+v, want one entry with result empty", q)
	}
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil || len(ents) != 0 {
		t.Errorf("linked entities = %d (%v), want none", len(ents), err)
	}
	if j := f.job(job.ID); j.Status != store.StatusDone || len(j.Tasks) != 1 {
		t.Errorf("job = %s with %d tasks, want done with 1", j.Status, len(j.Tasks))
	}
}

func TestProcessSkipsSourceNoLongerAllowed(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(1, lookup{"kvk", donald}, lookup{"bag", donaldAt})
	purpose := f.purpose
	purpose.AllowedSources = []string{"bag"}
	if _, err := f.store.UpdatePurpose(f.ctx, purpose); err != nil {
		t.Fatal(err)
	}
	p := f.processor()
	for _, task := range job.Tasks {
		if err := f.process(p, task); err != nil {
			t.Fatalf("%s: %v", task.Source, err)
		}
	}
	kvkTask, _ := findTask(f.job(job.ID), "kvk", donald)
	if kvkTask.Status != store.StatusSkipped {
		t.Errorf("kvk task = %s, want skipped", kvkTask.Status)
	}
	if n := f.kvk.callsFor(donald); n != 0 {
		t.Errorf("kvk was asked %d times under a purpose that no longer allows it", n)
	}
	if q := f.queries(kvkTask.ID); len(q) != 0 {
		t.Errorf("audit has %d queries for a skipped task", len(q))
	}
	// The bag answer's address is followed up only with bag, the one
	// source the purpose still allows.
	j := f.job(job.ID)
	for _, task := range j.Tasks {
		if task.Depth > 0 && task.Source != "bag" {
			t.Errorf("follow-up %s %s under a purpose that allows only bag", task.Source, task.Subject())
		}
	}
	if j.Status != store.StatusDone {
		t.Errorf("job = %s, want done (skipped counts as done)", j.Status)
	}
}

func TestProcessSkipsDisabledSource(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	p := f.processor()
	delete(p.Sources, "kvk")
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	if got := f.task(job.Tasks[0].ID); got.Status != store.StatusSkipped {
		t.Errorf("task = %s, want skipped", got.Status)
	}
}

func TestProcessDuplicateDeliveryIsNoOp(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	for i := range 2 {
		if err := f.process(p, task); err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
	}
	if n := f.kvk.callsFor(donald); n != 1 {
		t.Errorf("source asked %d times, want 1", n)
	}
	if q := f.queries(task.ID); len(q) != 1 {
		t.Errorf("audit entries = %d, want 1", len(q))
	}
	if got := f.task(task.ID); got.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", got.Attempts)
	}
}

func TestProcessUnknownOrMalformedTask(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	at, _ := NewEnrichTask(store.Task{ID: "no-such-task", Source: "kvk"})
	if err := p.ProcessTask(f.ctx, at); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("unknown task: %v, want SkipRetry", err)
	}
	for _, payload := range []string{"", "{", `{"task_id":""}`, `[1]`} {
		err := p.ProcessTask(f.ctx, asynq.NewTask(TypeEnrich("kvk"), []byte(payload)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("payload %q: %v, want SkipRetry", payload, err)
		}
	}
}

func TestProcessWithoutIndexStillCompletes(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	p.Index = nil
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	if got := f.task(job.Tasks[0].ID); got.Status != store.StatusDone {
		t.Errorf("task = %s, want done", got.Status)
	}
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil || len(ents) != 4 {
		t.Errorf("stored entities = %d (%v), want 4", len(ents), err)
	}
	// The index is the projector's to fill.
	if ids := f.search("Donald", f.purpose.ID); len(ids) != 0 {
		t.Errorf("index = %v, want untouched", ids)
	}
}

func (f *fixture) search(text, purposeID string) []string {
	f.t.Helper()
	res, err := f.index.Search(f.ctx, index.Query{Text: text, PurposeID: purposeID})
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
