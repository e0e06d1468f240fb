package egress

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// redisEpoch is where frozenRedis sets Redis's clock.
var redisEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// twoWorkers returns two limiters on one Redis, as two worker processes
// would have them.
func twoWorkers(t *testing.T, opts ...LimiterOption) (*miniredis.Miniredis, *RedisLimiter, *RedisLimiter) {
	t.Helper()
	mr, rdb := frozenRedis(t)
	return mr, NewRedisLimiter(rdb, nil, opts...), NewRedisLimiter(rdb, nil, opts...)
}

// peakServer tracks the most requests it ever had in flight at once.
type peakServer struct {
	cur, peak, total atomic.Int32
}

func (p *peakServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.cur.Add(1)
	defer p.cur.Add(-1)
	p.total.Add(1)
	for {
		old := p.peak.Load()
		if n <= old || p.peak.CompareAndSwap(old, n) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond) // let requests overlap if the cap allowed it
	w.Write([]byte("ok"))
}

func TestConcurrencyCapSharedAcrossWorkers(t *testing.T) {
	const limit = 2
	_, l1, l2 := twoWorkers(t, WithConcurrency(map[string]int{"kvk": limit}))
	ps := &peakServer{}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	clients := []*Client{labClient(t, Config{Limiter: l1}), labClient(t, Config{Limiter: l2})}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := clients[i%2].Do(ctx, Request{Source: "kvk", URL: srv.URL}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ps.total.Load() != 16 {
		t.Errorf("server saw %d requests, want 16", ps.total.Load())
	}
	if p := ps.peak.Load(); p > limit {
		t.Errorf("%d requests in flight at once, cap is %d", p, limit)
	}
	st, err := l1.State(context.Background(), "kvk")
	if err != nil || st.InFlight != 0 || st.Concurrency != limit {
		t.Errorf("after all requests: state %+v, err %v; want no slot held", st, err)
	}
}

func TestSlotWaitsForRelease(t *testing.T) {
	_, l1, l2 := twoWorkers(t, WithConcurrency(map[string]int{"kvk": 2}))
	ctx := context.Background()
	r1, err := l1.Acquire(ctx, "kvk", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Acquire(ctx, "kvk", time.Minute); err != nil {
		t.Fatal(err)
	}
	st, _ := l2.State(ctx, "kvk")
	if st.InFlight != 2 {
		t.Errorf("in flight %d, want 2", st.InFlight)
	}
	if _, err := l2.Acquire(shortCtx(t), "kvk", time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third request: err = %v, want to wait until ctx ends", err)
	}
	// Another source has its own slots (here: none, uncapped).
	if _, err := l2.Acquire(shortCtx(t), "bag", time.Minute); err != nil {
		t.Errorf("bag: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := l2.Acquire(wctx, "kvk", time.Minute)
		done <- err
	}()
	r1(ctx, Outcome{Kind: OutcomeSuccess})
	r1(ctx, Outcome{Kind: OutcomeSuccess}) // a second release must not free another's slot
	if err := <-done; err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := l1.Acquire(shortCtx(t), "kvk", time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("double release freed a slot: err = %v", err)
	}
}

func TestKilledHolderLeaseExpires(t *testing.T) {
	mr, l1, l2 := twoWorkers(t, WithConcurrency(map[string]int{"kvk": 1}))
	// Worker 1 takes the only slot and is SIGKILLed: it never releases.
	if _, err := l1.Acquire(context.Background(), "kvk", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Acquire(shortCtx(t), "kvk", 20*time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slot free while leased: err = %v", err)
	}
	mr.SetTime(redisEpoch.Add(21 * time.Second)) // Redis's clock, which the leases use
	if _, err := l2.Acquire(shortCtx(t), "kvk", 20*time.Second); err != nil {
		t.Fatalf("expired lease not reclaimed: %v", err)
	}
}

func TestSetConcurrency(t *testing.T) {
	_, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, nil)
	l.SetConcurrency("kvk", 1)
	if l.Concurrency("kvk") != 1 {
		t.Fatal("cap not set")
	}
	if _, err := l.Acquire(context.Background(), "kvk", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(shortCtx(t), "kvk", time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cap 1 let a second request through: %v", err)
	}
	l.SetConcurrency("kvk", 0) // unlimited again
	if _, err := l.Acquire(shortCtx(t), "kvk", time.Minute); err != nil {
		t.Errorf("uncapped: %v", err)
	}
}

func TestAcquireWithRedisDownRefuses(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1}) // fail fast
	defer rdb.Close()
	l := NewRedisLimiter(rdb, nil)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	mr.Close()
	c := labClient(t, Config{Limiter: l})
	_, err := c.Do(context.Background(), Request{Source: "rdw", URL: srv.URL})
	var held *HeldError
	if err == nil || errors.As(err, &held) || hits.Load() != 0 {
		t.Errorf("Redis down: err = %v, hits %d; want a plain error and nothing sent", err, hits.Load())
	}
}
