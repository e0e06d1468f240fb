package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/store"
)

// MaxRetry is how often a failing lookup is tried again before its task is
// marked failed.
const MaxRetry = 5

// Enqueuer puts store tasks on their source's queue. Enqueueing the same
// task twice is harmless: the Asynq task id is the store task id.
type Enqueuer struct {
	client   *asynq.Client
	timeouts map[string]time.Duration // per source
}

// NewEnqueuer returns an Enqueuer on client; timeouts bound one attempt of
// a source's task (default 2 minutes).
func NewEnqueuer(client *asynq.Client, timeouts map[string]time.Duration) *Enqueuer {
	return &Enqueuer{client: client, timeouts: timeouts}
}

// Enqueue queues every task, continuing past failures so one bad task does
// not strand the others; the first error is returned.
func (e *Enqueuer) Enqueue(ctx context.Context, tasks ...store.Task) error {
	var first error
	for _, t := range tasks {
		if err := e.enqueue(ctx, t); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (e *Enqueuer) enqueue(ctx context.Context, t store.Task) error {
	at, err := NewEnrichTask(t)
	if err != nil {
		return err
	}
	timeout := 2 * time.Minute
	if d, ok := e.timeouts[t.Source]; ok && d > 0 {
		timeout = 4*d + 10*time.Second // a few requests per lookup
	}
	_, err = e.client.EnqueueContext(ctx, at,
		asynq.Queue(QueueName(t.Source)), asynq.TaskID(t.ID),
		asynq.MaxRetry(MaxRetry), asynq.Timeout(timeout))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil // already queued, running or retrying
	}
	if err != nil {
		return fmt.Errorf("enqueueing task %s: %w", t.ID, err)
	}
	return nil
}
