package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"verrijk/audit"
	"verrijk/egress"
	"verrijk/sources"
)

// Waiting for a throttling source happens inside the attempt, so that it
// never uses up one of the task's retries: up to maxRateWaits waits of at
// most maxRateWait each. A source that keeps refusing longer than that gets
// the error back to Asynq, which retries later without counting it as a
// failure (see isFailure) unless this was the last attempt.
const (
	maxRateWaits   = 3
	maxRateWait    = time.Minute
	defaultRetryIn = time.Second
)

// fetch asks the source, waiting out rate limits as the source asks.
func (p *Processor) fetch(ctx context.Context, w *work, src sources.Source) (*sources.Result, error) {
	for wait := 0; ; wait++ {
		res, err := src.Fetch(ctx, w.task.Subject())
		var rl *egress.RateLimited
		if err == nil || !errors.As(err, &rl) || wait == maxRateWaits {
			return res, err
		}
		d := rl.RetryIn
		if d <= 0 {
			d = defaultRetryIn
		}
		if d > maxRateWait {
			return nil, err
		}
		if aerr := p.logQuery(ctx, p.Audit, w, audit.ResultFailed, fmt.Sprintf("rate limited; waiting %s: %v", d, err)); aerr != nil {
			return nil, aerr
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s to allow another request: %w", w.task.Source, ctx.Err())
		case <-time.After(d):
		}
	}
}
