package workers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"verrijk/audit"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// Recorded answers that the fake sources serve (see the READMEs beside them).
const (
	kvkData = "../sources/kvk/testdata"
	bagData = "../sources/bag/testdata"
)

var (
	// fixedNow is the Processor's clock in tests, so expiry is exact.
	fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// fetchedAt is when the recorded answers were "fetched".
	fetchedAt = time.Date(2025, 3, 1, 11, 59, 0, 0, time.UTC)

	donald   = subject.Subject{Type: subject.KvK, Value: "68750110"}
	donaldAt = subject.Subject{Type: subject.Address, Value: "8823SJ 3A"}
	nobody   = subject.Subject{Type: subject.KvK, Value: "12345678"}
)

var quiet = slog.New(slog.DiscardHandler)

// fetchFunc answers one Fetch; call counts calls for this subject, from 1.
type fetchFunc func(ctx context.Context, s subject.Subject, call int) (*sources.Result, error)

// fakeSource is a sources.Source under the test's control: it answers
// from recorded files unless the test sets fetch.
type fakeSource struct {
	name    string
	accepts []subject.Type
	record  func(s subject.Subject) *sources.Result

	mu    sync.Mutex
	fetch fetchFunc
	calls map[subject.Subject]int
}

func (f *fakeSource) Name() string                { return f.name }
func (f *fakeSource) Accepts(t subject.Type) bool { return slices.Contains(f.accepts, t) }

func (f *fakeSource) Fetch(ctx context.Context, s subject.Subject) (*sources.Result, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[subject.Subject]int{}
	}
	f.calls[s]++
	call, fetch := f.calls[s], f.fetch
	f.mu.Unlock()
	if fetch != nil {
		return fetch(ctx, s, call)
	}
	return f.record(s), nil
}

// setFetch replaces the recorded answers; nil restores them.
func (f *fakeSource) setFetch(fn fetchFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetch = fn
}

func (f *fakeSource) callsFor(s subject.Subject) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[s]
}

// evidence reads a recorded answer as the adapter would have returned it.
func evidence(t testing.TB, source, kind, path string, status int) sources.Evidence {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading recorded answer: %v", err)
	}
	sum := sha256.Sum256(body)
	return sources.Evidence{Source: source, Kind: kind, URL: "https://evidence.invalid/" + filepath.Base(path),
		Status: status, FetchedAt: fetchedAt, SHA256: hex.EncodeToString(sum[:]), Body: body}
}

func newKvK(t testing.TB) *fakeSource {
	return &fakeSource{name: "kvk", accepts: []subject.Type{subject.KvK, subject.Vestiging, subject.Address},
		record: func(s subject.Subject) *sources.Result {
			switch s {
			case donald:
				return &sources.Result{Found: true, Evidence: []sources.Evidence{
					evidence(t, "kvk", "kvk.zoeken", kvkData+"/zoeken/kvknummer-68750110.json", 200),
					evidence(t, "kvk", "kvk.basisprofiel", kvkData+"/basisprofielen/68750110.json", 200),
				}}
			case donaldAt:
				return &sources.Result{Found: true, Evidence: []sources.Evidence{
					evidence(t, "kvk", "kvk.zoeken", kvkData+"/zoeken/adres-8823SJ-3A.json", 200)}}
			}
			return &sources.Result{Evidence: []sources.Evidence{
				evidence(t, "kvk", "kvk.empty", kvkData+"/errors/404-ipd5200.json", 404)}}
		}}
}

func newBAG(t testing.TB) *fakeSource {
	return &fakeSource{name: "bag", accepts: []subject.Type{subject.Address},
		record: func(s subject.Subject) *sources.Result {
			if s == donaldAt {
				return &sources.Result{Found: true, Evidence: []sources.Evidence{
					evidence(t, "bag", "bag.free", bagData+"/free/8823SJ-3A.json", 200)}}
			}
			return &sources.Result{Evidence: []sources.Evidence{
				evidence(t, "bag", "bag.free", bagData+"/free/empty.json", 200)}}
		}}
}

// fixture is a store, an index, an audit log and two fake sources, with
// one signal and one purpose (P1Y, kvk and bag allowed).
type fixture struct {
	t       *testing.T
	ctx     context.Context
	store   store.Store
	index   *bleveindex.Index
	audit   *audit.Logger
	kvk     *fakeSource
	bag     *fakeSource
	signal  store.Signal
	purpose store.Purpose

	mu       sync.Mutex
	enqueued []store.Task
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ix, err := bleveindex.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	f := &fixture{t: t, ctx: ctx, store: st, index: ix, audit: audit.New(st), kvk: newKvK(t), bag: newBAG(t)}
	f.signal, err = st.CreateSignal(ctx, store.Signal{Title: "Nagelstudio met veel contant geld", Team: "ondermijning", CreatedBy: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	f.purpose, err = st.CreatePurpose(ctx, store.Purpose{ID: "ondermijning-bibob", Name: "Bibob-toets",
		LegalBasis: "Wet Bibob art. 7a", ProcessingActivity: "bibob-onderzoek", Retention: "P1Y",
		AllowedSources: []string{"kvk", "bag"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// processor returns a Processor on the fixture that records what it
// enqueues instead of queueing it.
func (f *fixture) processor() *Processor {
	return &Processor{Store: f.store, Index: f.index, Audit: f.audit,
		Sources: map[string]sources.Source{"kvk": f.kvk, "bag": f.bag},
		Enqueue: func(_ context.Context, tasks ...store.Task) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.enqueued = append(f.enqueued, tasks...)
			return nil
		},
		Origin: "worker:test/1", Log: quiet, Now: func() time.Time { return fixedNow }}
}

func (f *fixture) enqueuedTasks() []store.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.enqueued)
}

// newJob stores a job on the fixture's signal and purpose with one depth-0
// task per "source subject" pair.
func (f *fixture) newJob(maxDepth int, lookups ...lookup) store.Job {
	f.t.Helper()
	var tasks []store.Task
	for _, l := range lookups {
		tasks = append(tasks, store.Task{Source: l.source, SubjectType: l.subject.Type, SubjectValue: l.subject.Value})
	}
	job, err := f.store.CreateJob(f.ctx, store.Job{SignalID: f.signal.ID, PurposeID: f.purpose.ID,
		Justification: "melding 2025-017: vermoeden witwassen", RequestedBy: "ana", MaxDepth: maxDepth}, tasks)
	if err != nil {
		f.t.Fatal(err)
	}
	return job
}

type lookup struct {
	source  string
	subject subject.Subject
}

// process runs one delivery of task through p, as Asynq would outside of
// its context (so GetRetryCount reports no retries yet).
func (f *fixture) process(p *Processor, task store.Task) error {
	f.t.Helper()
	at, err := NewEnrichTask(task)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.ProcessTask(f.ctx, at)
}

func (f *fixture) task(id string) store.Task {
	f.t.Helper()
	t, err := f.store.GetTask(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fixture) job(id string) store.Job {
	f.t.Helper()
	j, err := f.store.GetJob(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return j
}

// queries returns the source.queried audit entries about a task.
func (f *fixture) queries(taskID string) []store.AuditEntry {
	f.t.Helper()
	entries, err := f.store.ListAudit(f.ctx, store.AuditFilter{Action: audit.ActionSourceQueried, ObjectID: taskID})
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

// findTask returns the job's task for source and subject.
func findTask(job store.Job, source string, s subject.Subject) (store.Task, bool) {
	for _, t := range job.Tasks {
		if t.Source == source && t.Subject() == s {
			return t, true
		}
	}
	return store.Task{}, false
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
