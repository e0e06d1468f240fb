package egress

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// limiterKeyPrefix namespaces the shared state in Redis (redis_rate adds
// its own "rate:" in front of the GCRA key).
const limiterKeyPrefix = "verrijk:egress:"

// opTimeout bounds the bookkeeping after a request (releasing its slot,
// recording the outcome), which must happen even when the caller's context
// has ended. A lost release costs a slot until its lease runs out.
const opTimeout = 2 * time.Second

// RedisLimiter controls every source across all worker processes that
// share the Redis:
//   - a rate (GCRA via redis_rate); the burst equals the rate's N, so "10/s"
//     allows ten requests at once, then one per 100ms;
//   - a cap on requests in flight, a semaphore of leased slots;
//   - pauses, set by an admin (Pause) or by the source's own Retry-After;
//   - a circuit breaker that rests a failing source (see BreakerSettings).
//
// Rates and caps are this process's configuration (every worker reads the
// same config); the counts they are checked against are shared.
type RedisLimiter struct {
	rdb redis.UniversalClient
	rl  *redis_rate.Limiter
	m   *metrics

	mu      sync.RWMutex
	rates   map[string]Rate
	conc    map[string]int
	breaker BreakerSettings
}

var _ Limiter = (*RedisLimiter)(nil)

// LimiterOption configures a RedisLimiter at construction.
type LimiterOption func(*RedisLimiter)

// WithConcurrency caps the requests in flight per source, across all
// processes; sources not named (or 0) are uncapped.
func WithConcurrency(caps map[string]int) LimiterOption {
	return func(l *RedisLimiter) {
		for s, n := range caps {
			l.SetConcurrency(s, n)
		}
	}
}

// WithBreaker sets the circuit breaker's thresholds; zero fields keep the
// defaults.
func WithBreaker(b BreakerSettings) LimiterOption {
	return func(l *RedisLimiter) { l.SetBreaker(b) }
}

// NewRedisLimiter returns a limiter for rates; sources without a rate are
// unlimited in rate (they still have pauses and a circuit breaker).
func NewRedisLimiter(rdb redis.UniversalClient, rates map[string]Rate, opts ...LimiterOption) *RedisLimiter {
	l := &RedisLimiter{
		rdb: rdb, rl: redis_rate.NewLimiter(rdb), m: getMetrics(),
		rates: make(map[string]Rate, len(rates)), conc: map[string]int{},
		breaker: BreakerSettings{}.withDefaults(),
	}
	for s, r := range rates {
		l.SetRate(s, r)
	}
	for _, o := range opts {
		o(l)
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

// SetConcurrency caps how many requests to source may be in flight at once
// across all processes; n <= 0 lifts the cap.
func (l *RedisLimiter) SetConcurrency(source string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n <= 0 {
		delete(l.conc, source)
		return
	}
	l.conc[source] = n
}

// Concurrency returns the cap of source; 0 means uncapped.
func (l *RedisLimiter) Concurrency(source string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.conc[source]
}

// Acquire implements Limiter: hold check, then rate, then a slot. When
// Redis fails it returns the error rather than letting the request
// through: being banned by a source costs more than a retried task.
func (l *RedisLimiter) Acquire(ctx context.Context, source string, lease time.Duration) (Release, error) {
	if lease < time.Millisecond {
		lease = time.Millisecond
	}
	k := keysFor(source)
	p := &permit{l: l, source: source, keys: k}
	probe, err := l.admit(ctx, source, k, lease)
	if err != nil {
		return nil, err
	}
	p.probe = probe
	if _, ok := l.Rate(source); ok {
		if err := l.timed(source, "rate", func() error { return l.Wait(ctx, source) }); err != nil {
			p.release(ctx, Outcome{})
			return nil, err
		}
	}
	if n := l.Concurrency(source); n > 0 {
		holder := newToken()
		if err := l.timed(source, "slot", func() error { return l.waitSlot(ctx, source, k, n, holder, lease) }); err != nil {
			p.release(ctx, Outcome{})
			return nil, err
		}
		p.holder = holder
	}
	return p.release, nil
}

// timed runs a wait and records how long it took.
func (l *RedisLimiter) timed(source, stage string, wait func() error) error {
	start := time.Now()
	err := wait()
	l.m.wait.WithLabelValues(source, stage).Observe(time.Since(start).Seconds())
	return err
}

// Wait blocks until the rate of source allows one more request or ctx
// ends. It only covers the rate; Acquire is the full check.
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
		if err := sleep(ctx, max(res.RetryAfter, time.Millisecond)); err != nil {
			return err
		}
	}
}

// Slots are polled rather than announced: a release seen a few
// milliseconds late costs little, and polling survives a dead holder.
const (
	slotPollMin = 5 * time.Millisecond
	slotPollMax = 200 * time.Millisecond
)

// waitSlot takes one of the n slots of source, waiting until one is free.
func (l *RedisLimiter) waitSlot(ctx context.Context, source string, k sourceKeys, n int, holder string, lease time.Duration) error {
	poll := slotPollMin
	for {
		got, err := slotScript.Run(ctx, l.rdb, []string{k.slots}, n, holder, lease.Milliseconds()).Int()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("concurrency limiter for %s: %w", source, err)
		}
		if got == 1 {
			return nil
		}
		if err := sleep(ctx, poll); err != nil {
			return err
		}
		poll = min(poll*2, slotPollMax)
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// newToken names a slot holder or probe, unique across processes.
func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

// sourceKeys are the Redis keys of one source (see scripts.go).
type sourceKeys struct {
	slots, pause, fails, open, tripped, probe string
}

func keysFor(source string) sourceKeys {
	base := limiterKeyPrefix + "{" + source + "}:"
	return sourceKeys{
		slots: base + "slots", pause: base + "pause", fails: base + "fails",
		open: base + "open", tripped: base + "tripped", probe: base + "probe",
	}
}
