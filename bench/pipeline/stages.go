package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// stages adds up the wall time the workers spend in each store, index and
// source call. A CPU profile misses the waits (fsync, row and advisory
// locks, SQLite's single writer); this table shows them.
type stages struct {
	mu sync.Mutex
	by map[string]*stage
}

type stage struct {
	calls int
	total time.Duration
}

func newStages() *stages { return &stages{by: map[string]*stage{}} }

// time records one call of name that began at start.
func (s *stages) time(name string, start time.Time) {
	d := time.Since(start)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.by[name]
	if st == nil {
		st = &stage{}
		s.by[name] = st
	}
	st.calls++
	st.total += d
}

// print writes the stages, costliest first, with each one's share of the
// workers' wall time (concurrency × elapsed).
func (s *stages) print(w io.Writer, workerTime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.by))
	for n := range s.by {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return s.by[names[i]].total > s.by[names[j]].total })
	fmt.Fprintf(w, "worker wall time by call (of %s = concurrency × elapsed):\n", secs(workerTime))
	for _, n := range names {
		st := s.by[n]
		fmt.Fprintf(w, "  %-22s %6d calls  %8.3fs  %7.2f ms/call  %5.1f%%\n", n, st.calls, st.total.Seconds(),
			float64(st.total.Microseconds())/1000/float64(st.calls), 100*st.total.Seconds()/workerTime.Seconds())
	}
}

// timedStore times the store calls the processor makes.
type timedStore struct {
	store.Store
	s *stages
}

func (t timedStore) GetTask(ctx context.Context, id string) (store.Task, error) {
	defer t.s.time("store.GetTask", time.Now())
	return t.Store.GetTask(ctx, id)
}

func (t timedStore) GetJob(ctx context.Context, id string) (store.Job, error) {
	defer t.s.time("store.GetJob", time.Now())
	return t.Store.GetJob(ctx, id)
}

func (t timedStore) GetPurpose(ctx context.Context, id string) (store.Purpose, error) {
	defer t.s.time("store.GetPurpose", time.Now())
	return t.Store.GetPurpose(ctx, id)
}

func (t timedStore) UpdateTask(ctx context.Context, id, status string, attempts int, errText string) error {
	defer t.s.time("store.UpdateTask", time.Now())
	return t.Store.UpdateTask(ctx, id, status, attempts, errText)
}

func (t timedStore) SetJobStatus(ctx context.Context, id, status string) error {
	defer t.s.time("store.SetJobStatus", time.Now())
	return t.Store.SetJobStatus(ctx, id, status)
}

func (t timedStore) SaveEvidence(ctx context.Context, e store.Evidence) error {
	defer t.s.time("store.SaveEvidence", time.Now())
	return t.Store.SaveEvidence(ctx, e)
}

func (t timedStore) UpsertEntity(ctx context.Context, e entity.Entity) (entity.Entity, error) {
	defer t.s.time("store.UpsertEntity", time.Now())
	return t.Store.UpsertEntity(ctx, e)
}

func (t timedStore) Link(ctx context.Context, l entity.Link) error {
	defer t.s.time("store.Link", time.Now())
	return t.Store.Link(ctx, l)
}

func (t timedStore) GetEntity(ctx context.Context, id string) (entity.Entity, error) {
	defer t.s.time("store.GetEntity", time.Now())
	return t.Store.GetEntity(ctx, id)
}

func (t timedStore) AppendAudit(ctx context.Context, e store.AuditEntry) (store.AuditEntry, error) {
	defer t.s.time("store.AppendAudit", time.Now())
	return t.Store.AppendAudit(ctx, e)
}

func (t timedStore) AddTasks(ctx context.Context, jobID string, tasks []store.Task) ([]store.Task, error) {
	defer t.s.time("store.AddTasks", time.Now())
	return t.Store.AddTasks(ctx, jobID, tasks)
}

// timedIndex times index writes.
type timedIndex struct {
	index.Index
	s *stages
}

func (t timedIndex) Upsert(ctx context.Context, entities ...entity.Entity) error {
	defer t.s.time("index.Upsert", time.Now())
	return t.Index.Upsert(ctx, entities...)
}

// timedSource times lookups, per source; this includes the egress
// limiter's Redis call and the replay server's (near-zero) work.
type timedSource struct {
	sources.Source
	s *stages
}

func (t timedSource) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	defer t.s.time("fetch."+t.Name(), time.Now())
	return t.Source.Fetch(ctx, subj)
}
