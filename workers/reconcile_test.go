package workers

import (
	"strings"
	"testing"

	"verrijk/store"
)

// A worker killed during the last attempt leaves Asynq's task archived and
// the store's task running; the reconciler ends it as failed so the job
// finishes instead of hanging for ever.
func TestReconcilerFailsTasksAsynqGaveUpOn(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(0, lookup{"kvk", donald}, lookup{"bag", donaldAt})
	if err := q.enqueuer.Enqueue(f.ctx, job.Tasks...); err != nil {
		t.Fatal(err)
	}
	lost, other := job.Tasks[0], job.Tasks[1]
	if err := f.store.UpdateTask(f.ctx, lost.ID, store.StatusRunning, MaxRetry+1, ""); err != nil {
		t.Fatal(err)
	}
	in := q.inspector()
	if err := in.ArchiveTask(QueueName(lost.Source), lost.ID); err != nil {
		t.Fatalf("archiving: %v", err)
	}

	r := &Reconciler{Store: f.store, Enqueue: q.enqueuer.Enqueue, Inspector: in, Log: quiet}
	if _, err := r.RunOnce(f.ctx); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	got := f.task(lost.ID)
	if got.Status != store.StatusFailed || !strings.Contains(got.Error, "gave up") {
		t.Errorf("archived task = %s %q, want failed saying the queue gave up", got.Status, got.Error)
	}
	if f.task(other.ID).Status != store.StatusQueued {
		t.Errorf("the task still pending in Asynq was touched: %s", f.task(other.ID).Status)
	}
	q.start()
	if job = q.waitJob(job.ID); job.Status != store.StatusPartial {
		t.Errorf("job = %s, want partial (one lost, one done): %v", job.Status, describe(job.Tasks))
	}
}
