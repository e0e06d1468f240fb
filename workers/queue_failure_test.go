package workers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// A throttled lookup waits as long as the source asks (Retry-After) within
// the same attempt, so it never uses up a retry: with MaxRetry 0 the task
// still gets its real lookup, whose failure then ends it as failed.
func TestRateLimitWaitsWithoutUsingARetry(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	retrying := make(chan struct{})
	f.kvk.setFetch(func(ctx context.Context, _ subject.Subject, call int) (*sources.Result, error) {
		if call == 1 {
			return nil, fmt.Errorf("searching: %w", &egress.RateLimited{RetryIn: 100 * time.Millisecond})
		}
		select { // hold the second call until the test has seen the wait recorded
		case <-retrying:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return nil, errors.New("kvk: 500 internal server error")
	})
	at, _ := NewEnrichTask(task)
	if _, err := q.client.Enqueue(at, asynq.Queue(QueueName("kvk")), asynq.TaskID(task.ID), asynq.MaxRetry(0)); err != nil {
		t.Fatal(err)
	}
	q.startFast()

	waitFor(t, "the call after the wait", jobDeadline, func() bool { return f.kvk.callsFor(donald) == 2 })
	got := f.task(task.ID)
	if got.Status != store.StatusRunning || got.Attempts != 1 {
		t.Errorf("during the second call: %s, %d attempts; want running, 1", got.Status, got.Attempts)
	}
	if q := f.queries(task.ID); len(q) != 1 || !strings.Contains(q[0].Detail, "rate limited") {
		t.Errorf("audit after the throttled call = %+v", q)
	}
	close(retrying)
	job = q.waitJob(job.ID)
	got = job.Tasks[0]
	if got.Status != store.StatusFailed || got.Attempts != 1 || got.Error != "kvk: 500 internal server error" {
		t.Errorf("task = %s, %d attempts, %q; want failed after its one attempt", got.Status, got.Attempts, got.Error)
	}
	if job.Status != store.StatusFailed {
		t.Errorf("job = %s, want failed", job.Status)
	}
	entries := f.queries(task.ID)
	if len(entries) != 2 || entries[0].Result != "failed" || entries[1].Result != "failed" {
		t.Errorf("audit = %+v, want the throttled call and the failure", entries)
	}
	info, err := q.inspector().GetTaskInfo(QueueName("kvk"), task.ID)
	if err != nil || info.State != asynq.TaskStateArchived {
		t.Errorf("asynq task = %+v, %v; want archived", info, err)
	}
}

// A source that keeps throttling past the in-attempt waits goes back to
// Asynq, which retries without counting it as a failure.
func TestPersistentRateLimitIsNotAFailure(t *testing.T) {
	if isFailure(fmt.Errorf("x: %w", &egress.RateLimited{RetryIn: time.Second})) {
		t.Error("a rate limit counts as a failure")
	}
	if !isFailure(errors.New("500")) {
		t.Error("a server error does not count as a failure")
	}
}

// A worker shut down mid-lookup loses nothing: Asynq puts the task back,
// the next worker runs it to the end.
func TestKilledWorkerTaskCompletesOnNextServer(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	started, returned := make(chan struct{}), make(chan struct{})
	f.kvk.setFetch(func(ctx context.Context, s subject.Subject, call int) (*sources.Result, error) {
		if call > 1 {
			return f.kvk.record(s), nil
		}
		close(started)
		defer close(returned)
		<-ctx.Done() // a slow source, cut off by the shutdown
		return nil, ctx.Err()
	})
	if err := q.enqueuer.Enqueue(f.ctx, task); err != nil {
		t.Fatal(err)
	}
	first := q.startFast()
	<-started
	first.Shutdown()
	<-returned
	// The interrupted attempt is on record and the task is waiting again,
	// in the store and in Redis.
	waitFor(t, "the interrupted attempt's bookkeeping", jobDeadline, func() bool {
		return len(f.queries(task.ID)) == 1 && f.task(task.ID).Status == store.StatusQueued
	})
	if q.pending("kvk") != 1 {
		t.Fatalf("kvk queue holds %d pending tasks after the shutdown, want the task back", q.pending("kvk"))
	}

	q.startFast()
	job = q.waitJob(job.ID)
	got := job.Tasks[0]
	if job.Status != store.StatusDone || got.Status != store.StatusDone || got.Attempts != 2 {
		t.Fatalf("job %s, task %s after %d attempts; want done after 2", job.Status, got.Status, got.Attempts)
	}
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil || len(ents) != 4 {
		t.Errorf("entities = %d, %v; want 4 (company, two branches, address)", len(ents), err)
	}
	results := []string{}
	for _, e := range f.queries(task.ID) {
		results = append(results, e.Result)
	}
	if len(results) != 2 || results[0] != "failed" || results[1] != "ok" {
		t.Errorf("audit results = %v, want [failed ok]", results)
	}
}

// A last attempt cut off by Asynq's timeout ends the task as failed, not
// running forever beside an archived Asynq task the reconciler cannot
// re-queue (the id stays taken).
func TestTimedOutLastAttemptFails(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	f.kvk.setFetch(func(ctx context.Context, _ subject.Subject, _ int) (*sources.Result, error) {
		<-ctx.Done() // a source that never answers
		return nil, fmt.Errorf("searching: %w", ctx.Err())
	})
	at, _ := NewEnrichTask(task)
	if _, err := q.client.Enqueue(at, asynq.Queue(QueueName("kvk")), asynq.TaskID(task.ID),
		asynq.MaxRetry(0), asynq.Timeout(time.Second)); err != nil { // Asynq counts whole seconds
		t.Fatal(err)
	}
	q.startFast()
	job = q.waitJob(job.ID)
	if got := job.Tasks[0]; got.Status != store.StatusFailed || !strings.Contains(got.Error, "deadline exceeded") {
		t.Errorf("task = %s %q, want failed on the deadline", got.Status, got.Error)
	}
	if entries := f.queries(task.ID); len(entries) != 1 || entries[0].Result != "failed" {
		t.Errorf("audit = %+v, want the timed-out query logged", entries)
	}
}
