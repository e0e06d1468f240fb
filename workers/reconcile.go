package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/store"
)

// Reconciler puts every unfinished store task back on its queue. Asynq
// de-duplicates by task id, so a task still queued, running or waiting for a
// retry is left alone; a task that Redis lost (a flush, a restart of an
// embedded Redis) is queued again. This is what makes the store the truth.
//
// A task whose worker died during its last attempt is archived by Asynq
// while the store still says it runs; with Inspector set, the reconciler
// finds such tasks and ends them as failed, so their job finishes.
type Reconciler struct {
	Store     store.Store
	Enqueue   func(ctx context.Context, tasks ...store.Task) error
	Inspector *asynq.Inspector // optional
	Interval  time.Duration    // default 30s
	Log       *slog.Logger
}

// RunOnce re-queues up to 1000 unfinished tasks and returns how many it saw.
func (r *Reconciler) RunOnce(ctx context.Context) (int, error) {
	tasks, err := r.Store.UnfinishedTasks(ctx, 1000)
	if err != nil {
		return 0, err
	}
	err = r.Enqueue(ctx, tasks...)
	if r.Inspector != nil {
		for _, t := range tasks {
			if ferr := r.failArchived(ctx, t); ferr != nil && err == nil {
				err = ferr
			}
		}
	}
	return len(tasks), err
}

// failArchived ends a store task as failed when Asynq has given up on it.
func (r *Reconciler) failArchived(ctx context.Context, t store.Task) error {
	info, err := r.Inspector.GetTaskInfo(QueueName(t.Source), t.ID)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspecting task %s: %w", t.ID, err)
	}
	if info.State != asynq.TaskStateArchived {
		return nil
	}
	msg := "the queue gave up on the task"
	if info.LastErr != "" {
		msg += ": " + info.LastErr
	}
	if err := r.Store.UpdateTask(ctx, t.ID, store.StatusFailed, t.Attempts, msg); err != nil {
		return fmt.Errorf("failing archived task %s: %w", t.ID, err)
	}
	return advanceJob(ctx, r.Store, t.JobID)
}

// Run reconciles at once and then every Interval until ctx ends.
func (r *Reconciler) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if n, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			log.Warn("reconciling unfinished tasks", "tasks", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
