package egress

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// limiterKeyPrefix namespaces the GCRA state in Redis (redis_rate adds its
// own "rate:" in front).
const limiterKeyPrefix = "verrijk:egress:"

// RedisLimiter holds one rate per source across every worker process that
// shares the Redis, using GCRA (redis_rate). The burst equals the rate's N:
// "10/s" allows ten requests at once, then one per 100ms.
type RedisLimiter struct {
	rl *redis_rate.Limiter

	mu    sync.RWMutex
	rates map[string]Rate
}

var _ Limiter = (*RedisLimiter)(nil)

// NewRedisLimiter returns a limiter for rates; sources without a rate are
// unlimited.
func NewRedisLimiter(rdb redis.UniversalClient, rates map[string]Rate) *RedisLimiter {
	l := &RedisLimiter{rl: redis_rate.NewLimiter(rdb), rates: make(map[string]Rate, len(rates))}
	for s, r := range rates {
		l.SetRate(s, r)
	}
	return l
}

// SetRate changes the rate of source at run time (PUT /sources/{name}); a
// zero Rate makes the source unlimited in this process.
func (l *RedisLimiter) SetRate(source string, r Rate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.IsZero() {
		delete(l.rates, source)
		return
	}
	l.rates[source] = r
}

// Rate returns the rate of source, if it has one.
func (l *RedisLimiter) Rate(source string) (Rate, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	r, ok := l.rates[source]
	return r, ok
}

// Wait blocks until source may make one more request or ctx ends. When Redis
// fails it returns the error rather than letting the request through: being
// banned by a source costs more than a retried task.
func (l *RedisLimiter) Wait(ctx context.Context, source string) error {
	r, ok := l.Rate(source)
	if !ok {
		return nil
	}
	limit := redis_rate.Limit{Rate: r.N, Burst: r.N, Period: r.Per}
	for {
		res, err := l.rl.Allow(ctx, limiterKeyPrefix+source, limit)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("rate limiter for %s: %w", source, err)
		}
		if res.Allowed > 0 {
			return nil
		}
		wait := res.RetryAfter
		if wait <= 0 {
			wait = time.Millisecond // should not happen; never spin
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
