package workers

import (
	"context"
	"log/slog"
	"time"

	"verrijk/store"
)

// Reconciler puts every unfinished store task back on its queue. Asynq
// de-duplicates by task id, so a task still queued, running or waiting for a
// retry is left alone; a task that Redis lost (a flush, a restart of an
// embedded Redis) is queued again. This is what makes the store the truth.
type Reconciler struct {
	Store    store.Store
	Enqueue  func(ctx context.Context, tasks ...store.Task) error
	Interval time.Duration // default 30s
	Log      *slog.Logger
}

// RunOnce re-queues up to 1000 unfinished tasks and returns how many it saw.
func (r *Reconciler) RunOnce(ctx context.Context) (int, error) {
	tasks, err := r.Store.UnfinishedTasks(ctx, 1000)
	if err != nil {
		return 0, err
	}
	return len(tasks), r.Enqueue(ctx, tasks...)
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
