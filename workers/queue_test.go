package workers

import (
	"slices"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"

	"verrijk/store"
)

// jobDeadline bounds every wait for a job to finish on a real queue; jobs
// here take well under a second, so only a hang reaches it.
const jobDeadline = 15 * time.Second

// queue is Asynq on miniredis wired to a fixture's processor.
type queue struct {
	f        *fixture
	mr       *miniredis.Miniredis
	opt      asynq.RedisClientOpt
	client   *asynq.Client
	enqueuer *Enqueuer
	p        *Processor
}

func newQueue(f *fixture) *queue {
	mr := miniredis.RunT(f.t)
	opt := asynq.RedisClientOpt{Addr: mr.Addr()}
	client := asynq.NewClient(opt)
	f.t.Cleanup(func() { client.Close() })
	q := &queue{f: f, mr: mr, opt: opt, client: client, enqueuer: NewEnqueuer(client, nil)}
	q.p = f.processor()
	q.p.Enqueue = q.enqueuer.Enqueue
	return q
}

// start runs NewServer's server until the test ends.
func (q *queue) start() {
	srv, mux := NewServer(q.opt, map[string]int{"kvk": 2, "bag": 1}, q.p, quiet)
	q.run(srv, mux)
}

// startFast runs a server with NewServer's configuration but short
// intervals, for tests that wait on retries or a shutdown.
func (q *queue) startFast() *asynq.Server {
	cfg := serverConfig(map[string]int{"kvk": 2, "bag": 1}, quiet)
	cfg.TaskCheckInterval = 20 * time.Millisecond
	cfg.DelayedTaskCheckInterval = 50 * time.Millisecond
	cfg.ShutdownTimeout = 100 * time.Millisecond
	srv := asynq.NewServer(q.opt, cfg)
	q.run(srv, newMux(q.p))
	return srv
}

func (q *queue) run(srv *asynq.Server, mux *asynq.ServeMux) {
	if err := srv.Start(mux); err != nil {
		q.f.t.Fatal(err)
	}
	q.f.t.Cleanup(srv.Shutdown) // a no-op if the test shut it down already
}

func (q *queue) inspector() *asynq.Inspector {
	in := asynq.NewInspector(q.opt)
	q.f.t.Cleanup(func() { in.Close() })
	return in
}

// waitJob waits until every task of the job has ended and returns it.
func (q *queue) waitJob(id string) store.Job {
	q.f.t.Helper()
	var job store.Job
	waitFor(q.f.t, "job "+id, jobDeadline, func() bool {
		job = q.f.job(id)
		return IsFinal(JobStatus(job.Tasks)) && IsFinal(job.Status)
	})
	return job
}

// pending counts the source's queued Asynq tasks straight from Redis: after
// a flush the inspector no longer lists the queue (the client publishes a
// queue name only once per process), yet workers still drain it.
func (q *queue) pending(source string) int {
	q.f.t.Helper()
	ids, err := q.mr.List("asynq:{" + QueueName(source) + "}:pending")
	if err != nil {
		return 0 // no such key: nothing pending
	}
	return len(ids)
}

func TestEndToEndOnAsynq(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(1, lookup{"kvk", donald})
	if err := q.enqueuer.Enqueue(f.ctx, job.Tasks...); err != nil {
		t.Fatal(err)
	}
	q.start()

	job = q.waitJob(job.ID)
	if job.Status != store.StatusDone || len(job.Tasks) != 3 {
		t.Fatalf("job = %s with %v, want done with the first task and 2 follow-ups", job.Status, describe(job.Tasks))
	}
	for _, task := range job.Tasks {
		if task.Status != store.StatusDone || task.Attempts != 1 {
			t.Errorf("%s %s: %s after %d attempts", task.Source, task.Subject(), task.Status, task.Attempts)
		}
	}
	// The bag follow-up ran through its own queue and was indexed.
	if n := f.bag.callsFor(donaldAt); n != 1 {
		t.Errorf("bag asked %d times for %s, want 1", n, donaldAt)
	}
	if ids := f.search("Hizzaarderlaan", f.purpose.ID); !slices.Contains(ids, donaldAddress) {
		t.Errorf("search = %v, want the address", ids)
	}
}

// The store is the truth: tasks Redis lost are queued again by the
// reconciler and run.
func TestReconcilerRequeuesLostTasks(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	job := f.newJob(0, lookup{"kvk", donald}, lookup{"bag", donaldAt})
	if err := q.enqueuer.Enqueue(f.ctx, job.Tasks...); err != nil {
		t.Fatal(err)
	}
	if q.pending("kvk") != 1 || q.pending("bag") != 1 {
		t.Fatalf("pending before the flush: kvk %d, bag %d", q.pending("kvk"), q.pending("bag"))
	}
	q.mr.FlushAll()
	if q.pending("kvk") != 0 || q.pending("bag") != 0 {
		t.Fatal("flush left tasks in Redis")
	}

	r := &Reconciler{Store: f.store, Enqueue: q.enqueuer.Enqueue, Log: quiet}
	n, err := r.RunOnce(f.ctx)
	if err != nil || n != 2 {
		t.Fatalf("RunOnce = %d, %v; want 2 tasks", n, err)
	}
	if q.pending("kvk") != 1 || q.pending("bag") != 1 {
		t.Fatalf("pending after reconciling: kvk %d, bag %d; want 1 each", q.pending("kvk"), q.pending("bag"))
	}
	// Reconciling again while they wait queues nothing twice.
	if _, err := r.RunOnce(f.ctx); err != nil {
		t.Fatal(err)
	}
	if q.pending("kvk") != 1 || q.pending("bag") != 1 {
		t.Fatalf("pending after a second pass: kvk %d, bag %d; want 1 each", q.pending("kvk"), q.pending("bag"))
	}

	q.start()
	if job = q.waitJob(job.ID); job.Status != store.StatusDone {
		t.Fatalf("job = %s: %v", job.Status, describe(job.Tasks))
	}
	if n, err := r.RunOnce(f.ctx); err != nil || n != 0 {
		t.Errorf("RunOnce after the job = %d, %v; want nothing left", n, err)
	}
}

func TestEnqueueTwiceKeepsOneTask(t *testing.T) {
	f := newFixture(t)
	q := newQueue(f)
	q.enqueuer = NewEnqueuer(q.client, map[string]time.Duration{"kvk": 5 * time.Second})
	job := f.newJob(0, lookup{"kvk", donald}, lookup{"bag", donaldAt})
	for i := range 2 {
		if err := q.enqueuer.Enqueue(f.ctx, job.Tasks...); err != nil {
			t.Fatalf("enqueue %d: %v", i+1, err)
		}
	}
	in := q.inspector()
	pending, err := in.ListPendingTasks(QueueName("kvk"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != job.Tasks[0].ID || pending[0].Type != "enrich:kvk" {
		t.Fatalf("kvk queue = %+v, want the one task under its store id", pending)
	}
	if pending[0].MaxRetry != MaxRetry || pending[0].Timeout != 30*time.Second {
		t.Errorf("kvk task: max retry %d, timeout %s; want %d, 30s (4×5s+10s)", pending[0].MaxRetry, pending[0].Timeout, MaxRetry)
	}
	bag, err := in.GetTaskInfo(QueueName("bag"), job.Tasks[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if bag.Timeout != 2*time.Minute {
		t.Errorf("bag task timeout = %s, want the 2m default", bag.Timeout)
	}
}
