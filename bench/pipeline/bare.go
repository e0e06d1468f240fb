package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"verrijk/workers"
)

// measurement is one timed run: from the first enqueue until the last task
// is known to be finished.
type measurement struct {
	tasks   int
	enqueue time.Duration // first enqueue to last enqueue
	total   time.Duration // first enqueue to all finished
}

func (m measurement) rate() float64 {
	if m.total <= 0 {
		return 0
	}
	return float64(m.tasks) / m.total.Seconds()
}

// bareQueue is the queue of the no-op tasks.
const bareQueue = "bench"

// runBare measures Asynq alone: n no-op tasks through one client and one
// server in this process, enqueued with the same options verrijk's
// Enqueuer uses (own task id, MaxRetry, Timeout) and a payload of the same
// shape, so that the only difference from the pipeline is the handler.
func runBare(ctx context.Context, rt *redisTarget, n, concurrency int, timeout time.Duration) (measurement, error) {
	var handled atomic.Int64
	done := make(chan struct{})
	handler := asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		if handled.Add(1) == int64(n) {
			close(done)
		}
		return nil
	})
	srv := asynq.NewServer(rt.opt, asynq.Config{
		Concurrency:     concurrency,
		Queues:          map[string]int{bareQueue: 1},
		ShutdownTimeout: 20 * time.Second,
		LogLevel:        asynq.WarnLevel,
	})
	client := asynq.NewClient(rt.opt)
	defer client.Close()

	start := time.Now()
	for range n {
		id := uuid.NewString()
		payload, err := json.Marshal(map[string]string{"task_id": id})
		if err != nil {
			return measurement{}, err
		}
		if _, err := client.EnqueueContext(ctx, asynq.NewTask("bench:noop", payload),
			asynq.Queue(bareQueue), asynq.TaskID(id), asynq.MaxRetry(workers.MaxRetry), asynq.Timeout(timeout)); err != nil {
			return measurement{}, fmt.Errorf("enqueueing no-op task: %w", err)
		}
	}
	m := measurement{tasks: n, enqueue: time.Since(start)}
	// The server starts once the queue is full: Asynq's processor sleeps
	// 0.5-1.5s whenever it finds every queue empty, and a server started
	// before the first enqueue (or one that outruns the enqueuer) would
	// measure that sleep rather than the work.
	if err := srv.Start(handler); err != nil {
		return measurement{}, fmt.Errorf("starting asynq server: %w", err)
	}
	defer srv.Shutdown()
	select {
	case <-done:
	case <-ctx.Done():
		return measurement{}, fmt.Errorf("bare asynq: %d of %d tasks handled: %w", handled.Load(), n, ctx.Err())
	}
	m.total = time.Since(start)
	return m, nil
}
