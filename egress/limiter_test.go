package egress

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// frozenRedis returns a miniredis whose clock (used by the GCRA script via
// TIME) only moves when the test says so.
func frozenRedis(t *testing.T) (*miniredis.Miniredis, redis.UniversalClient) {
	t.Helper()
	mr := miniredis.RunT(t)
	mr.SetTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return mr, rdb
}

func shortCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

func TestRedisLimiterBlocksBeyondRate(t *testing.T) {
	mr, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, map[string]Rate{"kvk": {2, time.Second}})
	for i := range 2 {
		if err := l.Wait(shortCtx(t), "kvk"); err != nil {
			t.Fatalf("wait %d: %v", i+1, err)
		}
	}
	// Redis time stands still, so the third request can only end with ctx.
	if err := l.Wait(shortCtx(t), "kvk"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third wait: err = %v, want DeadlineExceeded", err)
	}

	// Once time moves on, a waiting request gets through.
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { done <- l.Wait(ctx, "kvk") }()
	mr.SetTime(time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC))
	if err := <-done; err != nil {
		t.Fatalf("wait after time passed: %v", err)
	}
}

func TestRedisLimitersShareBudget(t *testing.T) {
	_, rdb := frozenRedis(t)
	rates := map[string]Rate{"kvk": {2, time.Second}}
	worker1 := NewRedisLimiter(rdb, rates)
	worker2 := NewRedisLimiter(rdb, rates)
	if err := worker1.Wait(shortCtx(t), "kvk"); err != nil {
		t.Fatal(err)
	}
	if err := worker2.Wait(shortCtx(t), "kvk"); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*RedisLimiter{worker1, worker2} {
		if err := l.Wait(shortCtx(t), "kvk"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("budget not shared: err = %v", err)
		}
	}
	// Another source has its own budget.
	worker1.SetRate("bag", Rate{1, time.Minute})
	if err := worker1.Wait(shortCtx(t), "bag"); err != nil {
		t.Errorf("bag: %v", err)
	}
}

func TestRedisLimiterUnlimitedSource(t *testing.T) {
	mr, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, map[string]Rate{"kvk": {1, time.Hour}})
	mr.Close() // an unlimited source must not even need Redis
	for range 10 {
		if err := l.Wait(shortCtx(t), "rdw"); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Wait(shortCtx(t), "kvk"); err == nil {
		t.Error("limited source with Redis down: want error, not a free pass")
	}
}

func TestRedisLimiterCancelled(t *testing.T) {
	_, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, map[string]Rate{"kvk": {1, time.Hour}})
	if err := l.Wait(context.Background(), "kvk"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "kvk") }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want Canceled", err)
	}
}

// countingLimiter records calls, to prove Do waits before sending.
type countingLimiter struct{ calls []string }

func (c *countingLimiter) Acquire(_ context.Context, source string, _ time.Duration) (Release, error) {
	c.calls = append(c.calls, source)
	return nil, errors.New("no budget")
}

func TestDoWaitsOnLimiter(t *testing.T) {
	lim := &countingLimiter{}
	c := labClient(t, Config{Limiter: lim})
	_, err := c.Do(context.Background(), Request{Source: "kvk", URL: "http://127.0.0.1:1/"})
	if err == nil || len(lim.calls) != 1 || lim.calls[0] != "kvk" {
		t.Errorf("err = %v, calls = %v", err, lim.calls)
	}
}
