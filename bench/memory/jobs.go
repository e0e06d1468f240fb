package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/bench/internal/deploy"
	"verrijk/config"
	"verrijk/pipeline/subject"
	"verrijk/store"
	"verrijk/workers"
)

// benchPurpose allows the two sources the jobs use.
var benchPurpose = store.Purpose{
	ID: "bench-memory", Name: "Geheugenmeting", LegalBasis: "benchmark on replayed test data",
	ProcessingActivity: "bench", Retention: "P1D", AllowedSources: []string{"kvk", "rdw"},
}

// benchActor is the analyst the jobs are requested for.
var benchActor = audit.Actor{User: "bench", Role: "analyst", Team: "bench", Origin: "bench"}

// parallel is how many goroutines create and enqueue jobs: the audit
// chain serialises its writes, the rest of the store does not.
const parallel = 8

// queueWork stores n jobs of perJob tasks the way the API does (a signal,
// its subjects, a job with one task per subject and source, and the audit
// entries for the signal and the enrichment request) and then puts every
// task on its queue with verrijk's Enqueuer. The API also audits every
// added subject; those entries are left out: the worker never reads them,
// and the audit chain, which serialises its writes, would make queueing
// 100,000 tasks take minutes instead of seconds. Half of each job's
// subjects are plates (rdw), half KvK numbers (kvk); none is known to the
// replays.
func queueWork(ctx context.Context, st store.Store, redisURL string, nJobs, perJob int) error {
	log := audit.New(st)
	if err := createPurpose(ctx, st, log); err != nil {
		return err
	}
	jobs := make([]store.Job, nJobs)
	err := forEach(ctx, nJobs, func(i int) error {
		j, err := createJob(ctx, st, log, i, perJob)
		jobs[i] = j
		return err
	})
	if err != nil {
		return err
	}
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return fmt.Errorf("-redis: %w", err)
	}
	client := asynq.NewClient(opt)
	defer client.Close()
	defaults := config.Default().Sources
	enq := workers.NewEnqueuer(client, map[string]time.Duration{"kvk": defaults["kvk"].Timeout, "rdw": defaults["rdw"].Timeout})
	return forEach(ctx, nJobs, func(i int) error { return enq.Enqueue(ctx, jobs[i].Tasks...) })
}

func createPurpose(ctx context.Context, st store.Store, log *audit.Logger) error {
	if _, err := st.CreatePurpose(ctx, benchPurpose); err != nil {
		return fmt.Errorf("creating purpose: %w", err)
	}
	_, err := log.Record(ctx, audit.Actor{User: "system", Role: "system", Origin: "bench"}, audit.Entry{
		Action: audit.ActionPurposeCreated, ObjectType: "purpose", ObjectID: benchPurpose.ID,
		PurposeID: benchPurpose.ID, ProcessingActivity: benchPurpose.ProcessingActivity})
	return err
}

// createJob stores the i-th signal with its subjects and its job.
func createJob(ctx context.Context, st store.Store, log *audit.Logger, i, perJob int) (store.Job, error) {
	record := func(e audit.Entry) error {
		_, err := log.Record(ctx, benchActor, e)
		return err
	}
	sig, err := st.CreateSignal(ctx, store.Signal{Title: fmt.Sprintf("geheugenmeting %d", i+1),
		Team: benchActor.Team, CreatedBy: benchActor.User})
	if err != nil {
		return store.Job{}, fmt.Errorf("creating signal: %w", err)
	}
	if err := record(audit.Entry{Action: audit.ActionSignalCreated, ObjectType: "signal", ObjectID: sig.ID}); err != nil {
		return store.Job{}, err
	}
	tasks := make([]store.Task, 0, perJob)
	for k := range perJob {
		n := i*perJob + k
		typ, value, source := subject.Plate, deploy.Plate(n/2), "rdw"
		if n%2 == 1 {
			typ, value, source = subject.KvK, deploy.KvKNumber(n/2), "kvk"
		}
		sub, err := subject.Parse(typ, value)
		if err != nil {
			return store.Job{}, err
		}
		if _, err := st.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: sub.Type, Value: sub.Value}); err != nil {
			return store.Job{}, fmt.Errorf("adding subject: %w", err)
		}
		tasks = append(tasks, store.Task{Source: source, SubjectType: sub.Type, SubjectValue: sub.Value})
	}
	const why = "meting van het geheugengebruik van een worker"
	job, err := st.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: benchPurpose.ID, Justification: why,
		RequestedBy: benchActor.User, MaxDepth: 0, Status: store.StatusQueued}, tasks)
	if err != nil {
		return store.Job{}, fmt.Errorf("creating job: %w", err)
	}
	err = record(audit.Entry{Action: audit.ActionEnrichmentRequested, ObjectType: "signal", ObjectID: sig.ID,
		PurposeID: benchPurpose.ID, ProcessingActivity: benchPurpose.ProcessingActivity, Justification: why,
		TraceID: job.ID, Detail: fmt.Sprintf("job=%s sources=kvk,rdw tasks=%d", job.ID, len(job.Tasks))})
	return job, err
}

// forEach runs f(0..n-1) on parallel goroutines and returns the first error.
func forEach(ctx context.Context, n int, f func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
