package workers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

func TestProcessRetryableErrorRequeues(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	unavailable := errors.New("kvk: 503 service unavailable")
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) { return nil, unavailable })

	err := f.process(p, task)
	if !errors.Is(err, unavailable) {
		t.Fatalf("ProcessTask = %v, want the source's error back for Asynq to retry", err)
	}
	got := f.task(task.ID)
	if got.Status != store.StatusQueued || got.Attempts != 1 || !strings.Contains(got.Error, "503 service unavailable") {
		t.Errorf("task = %s, %d attempts, %q; want queued, 1, the error", got.Status, got.Attempts, got.Error)
	}
	if j := f.job(job.ID); IsFinal(j.Status) {
		t.Errorf("job is %s while its task waits for a retry", j.Status)
	}
	if q := f.queries(task.ID); len(q) != 1 || q[0].Result != audit.ResultFailed {
		t.Errorf("audit = %+v, want one failed entry", q)
	}

	// The retry succeeds and counts as the second attempt.
	f.kvk.setFetch(nil)
	if err := f.process(p, task); err != nil {
		t.Fatal(err)
	}
	if got := f.task(task.ID); got.Status != store.StatusDone || got.Attempts != 2 {
		t.Errorf("after retry: %s, %d attempts; want done, 2", got.Status, got.Attempts)
	}
	if j := f.job(job.ID); j.Status != store.StatusDone {
		t.Errorf("job = %s, want done", j.Status)
	}
}

func TestProcessPermanentErrorFailsAtOnce(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) {
		return nil, fmt.Errorf("kvk: api key refused: %w", asynq.SkipRetry)
	})

	err := f.process(f.processor(), task)
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("ProcessTask = %v, want SkipRetry kept", err)
	}
	got := f.task(task.ID)
	if got.Status != store.StatusFailed || got.Attempts != 1 || !strings.Contains(got.Error, "api key refused") {
		t.Errorf("task = %s, %d attempts, %q; want failed, 1, the error", got.Status, got.Attempts, got.Error)
	}
	if j := f.job(job.ID); j.Status != store.StatusFailed {
		t.Errorf("job = %s, want failed", j.Status)
	}
	if q := f.queries(task.ID); len(q) != 1 || q[0].Result != audit.ResultFailed {
		t.Errorf("audit = %+v, want one failed entry", q)
	}
}

// A cancelled attempt (Asynq's timeout, a shutdown) is still recorded:
// the store and the audit log are written on a detached context.
func TestProcessCancelledAttemptIsRecorded(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	ctx, cancel := context.WithCancel(f.ctx)
	f.kvk.setFetch(func(ctx context.Context, _ subject.Subject, _ int) (*sources.Result, error) {
		cancel() // as Asynq does when the attempt's deadline passes
		<-ctx.Done()
		return nil, fmt.Errorf("searching: %w", ctx.Err())
	})
	at, _ := NewEnrichTask(task)
	if err := f.processor().ProcessTask(ctx, at); !errors.Is(err, context.Canceled) {
		t.Fatalf("ProcessTask = %v, want context.Canceled", err)
	}
	if got := f.task(task.ID); got.Status != store.StatusQueued || got.Attempts != 1 {
		t.Errorf("task = %s, %d attempts; want queued, 1 (not left running)", got.Status, got.Attempts)
	}
	if q := f.queries(task.ID); len(q) != 1 || q[0].Result != audit.ResultFailed {
		t.Errorf("audit = %+v, want the interrupted query logged as failed", q)
	}
}

// A stale attempt that fails after a newer delivery finished the task must
// not write its failure over the result.
func TestProcessStaleFailureDoesNotOverwrite(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	f.kvk.setFetch(func(ctx context.Context, _ subject.Subject, _ int) (*sources.Result, error) {
		// Meanwhile the requeued copy ran elsewhere and finished.
		if err := f.store.UpdateTask(ctx, task.ID, store.StatusDone, 2, ""); err != nil {
			t.Error(err)
		}
		return nil, errors.New("connection reset")
	})
	if err := f.process(f.processor(), task); err == nil {
		t.Fatal("ProcessTask = nil, want the error")
	}
	if got := f.task(task.ID); got.Status != store.StatusDone || got.Attempts != 2 {
		t.Errorf("task = %s, %d attempts; want the newer done, 2", got.Status, got.Attempts)
	}
}
