package egress

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestScriptsOnRealRedis runs the limiter's Lua scripts on a real Redis,
// whose Lua differs from miniredis's in details (number formatting, nil
// in tables). It is skipped when no Redis answers; VERRIJK_TEST_REDIS_URL
// picks another one. It touches only keys of a source made up for the run.
func TestScriptsOnRealRedis(t *testing.T) {
	url := os.Getenv("VERRIJK_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/9"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("VERRIJK_TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		// .ci/run starts Redis, so in CI a missing one is a failure.
		if os.Getenv("CI") != "" {
			t.Fatalf("no Redis at %s: %v", url, err)
		}
		t.Skipf("no Redis at %s (set VERRIJK_TEST_REDIS_URL): %v", url, err) // Getenv("CI") above decides
	}
	src := "realredis-" + newToken()
	k := keysFor(src)
	defer rdb.Del(ctx, k.slots, k.pause, k.fails, k.open, k.tripped, k.probe)

	b := BreakerSettings{Failures: 2, CoolDown: time.Hour}
	l1 := NewRedisLimiter(rdb, nil, WithConcurrency(map[string]int{src: 1}), WithBreaker(b))
	l2 := NewRedisLimiter(rdb, nil, WithConcurrency(map[string]int{src: 1}), WithBreaker(b))

	// Slots.
	r1, err := l1.Acquire(ctx, src, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Acquire(shortCtx(t), src, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cap 1, second acquire: %v", err)
	}
	if st, err := l2.State(ctx, src); err != nil || st.InFlight != 1 {
		t.Fatalf("state %+v, err %v", st, err)
	}
	r1(ctx, Outcome{Kind: OutcomeFailure})

	// Pause and throttle.
	if err := l1.Pause(ctx, src, time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err = l2.Acquire(ctx, src, time.Minute)
	wantHeld(t, err, HoldPaused, 50*time.Second, time.Minute)
	if err := l2.Resume(ctx, src); err != nil {
		t.Fatal(err)
	}
	r2, err := l2.Acquire(ctx, src, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r2(ctx, Outcome{Kind: OutcomeFailure, Throttle: 30 * time.Second}) // second failure: opens
	st, err := l1.State(ctx, src)
	if err != nil || st.PauseReason != HoldThrottled || st.Circuit != CircuitOpen || time.Since(st.OpenedAt).Abs() > time.Minute {
		t.Fatalf("state %+v, err %v", st, err)
	}
	rdb.Del(ctx, k.pause)

	// Open, then half-open (the open key gone as if it had expired).
	_, err = l1.Acquire(ctx, src, time.Minute)
	wantHeld(t, err, HoldCircuitOpen, 59*time.Minute, time.Hour)
	rdb.Del(ctx, k.open)
	probe, err := l1.Acquire(ctx, src, time.Minute)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	_, err = l2.Acquire(ctx, src, time.Minute)
	wantHeld(t, err, HoldCircuitOpen, time.Second, halfOpenRetry)
	probe(ctx, Outcome{Kind: OutcomeSuccess})
	if st, _ := l2.State(ctx, src); st.Circuit != CircuitClosed || st.Failures != 0 || st.InFlight != 0 {
		t.Errorf("after the probe: %+v", st)
	}
}
