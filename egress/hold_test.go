package egress

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer answers every request with the current status and headers.
type countingServer struct {
	hits   atomic.Int32
	status atomic.Int32
	header http.Header
}

func (s *countingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	for k, v := range s.header {
		w.Header()[k] = v
	}
	st := int(s.status.Load())
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
	w.Write([]byte("answer"))
}

func wantHeld(t *testing.T, err error, reason string, lo, hi time.Duration) {
	t.Helper()
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("err = %v, want *HeldError(%s)", err, reason)
	}
	if held.Reason != reason || held.RetryIn < lo || held.RetryIn > hi {
		t.Fatalf("held = %+v, want reason %q and RetryIn in [%s, %s]", held, reason, lo, hi)
	}
}

func TestPauseHoldsEveryWorker(t *testing.T) {
	mr, l1, l2 := twoWorkers(t)
	cs := &countingServer{}
	srv := httptest.NewServer(cs)
	defer srv.Close()
	c2 := labClient(t, Config{Limiter: l2})
	ctx := context.Background()
	heldBefore := counterValue(t, getMetrics().held.WithLabelValues("kvk", HoldPaused))

	if err := l1.Pause(ctx, "kvk", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err := c2.Do(ctx, Request{Source: "kvk", URL: srv.URL})
	wantHeld(t, err, HoldPaused, 9*time.Minute, 10*time.Minute)
	if cs.hits.Load() != 0 {
		t.Fatal("a paused source was sent a request")
	}
	if d := counterValue(t, getMetrics().held.WithLabelValues("kvk", HoldPaused)) - heldBefore; d != 1 {
		t.Errorf("held metric +%v, want +1", d)
	}
	// Other sources are not paused.
	if _, err := c2.Do(ctx, Request{Source: "bag", URL: srv.URL}); err != nil {
		t.Errorf("bag: %v", err)
	}
	st, err := l2.State(ctx, "kvk")
	if err != nil || st.PauseReason != HoldPaused || !st.PausedUntil.Equal(redisEpoch.Add(10*time.Minute)) {
		t.Errorf("state %+v, err %v", st, err)
	}

	// RetryIn tracks the time left.
	mr.FastForward(4 * time.Minute)
	_, err = c2.Do(ctx, Request{Source: "kvk", URL: srv.URL})
	wantHeld(t, err, HoldPaused, 5*time.Minute, 6*time.Minute)

	if err := l2.Resume(ctx, "kvk"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Do(ctx, Request{Source: "kvk", URL: srv.URL}); err != nil {
		t.Fatalf("after resume: %v", err)
	}

	// A pause also ends by itself.
	if err := l1.Pause(ctx, "kvk", time.Second); err != nil {
		t.Fatal(err)
	}
	mr.FastForward(2 * time.Second)
	if _, err := c2.Do(ctx, Request{Source: "kvk", URL: srv.URL}); err != nil {
		t.Fatalf("after the pause ran out: %v", err)
	}
	if err := l1.Pause(ctx, "kvk", 0); err == nil {
		t.Error("a zero pause: want error")
	}
}

func TestRetryAfterPausesEveryWorker(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			_, l1, l2 := twoWorkers(t)
			cs := &countingServer{header: http.Header{"Retry-After": {"120"}}}
			cs.status.Store(int32(status))
			srv := httptest.NewServer(cs)
			defer srv.Close()
			c1, c2 := labClient(t, Config{Limiter: l1}), labClient(t, Config{Limiter: l2})
			ctx := context.Background()

			resp, err := c1.Do(ctx, Request{Source: "kvk", URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			var rl *RateLimited
			if !errors.As(CheckStatus(resp), &rl) || rl.RetryIn != 2*time.Minute {
				t.Errorf("the answer itself still reads as RateLimited: %v", CheckStatus(resp))
			}
			for _, c := range []*Client{c1, c2} {
				_, err := c.Do(ctx, Request{Source: "kvk", URL: srv.URL})
				wantHeld(t, err, HoldThrottled, 119*time.Second, 120*time.Second)
			}
			if cs.hits.Load() != 1 {
				t.Errorf("server hits %d, want 1", cs.hits.Load())
			}
			st, _ := l2.State(ctx, "kvk")
			if st.PauseReason != HoldThrottled || st.Circuit != CircuitClosed || st.Failures != 0 {
				t.Errorf("state %+v: want throttled, and no breaker failure", st)
			}
		})
	}
}

func TestThrottleNeverShortensAPause(t *testing.T) {
	_, l1, l2 := twoWorkers(t)
	ctx := context.Background()
	release, err := l1.Acquire(ctx, "kvk", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := l2.Pause(ctx, "kvk", time.Hour); err != nil {
		t.Fatal(err)
	}
	release(ctx, Outcome{Throttle: 5 * time.Second}) // a 429 that was under way
	_, err = l2.Acquire(ctx, "kvk", time.Minute)
	wantHeld(t, err, HoldPaused, 59*time.Minute, time.Hour)
}

func TestCacheServesWhileHeld(t *testing.T) {
	_, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, nil)
	cs := &countingServer{}
	srv := httptest.NewServer(cs)
	defer srv.Close()
	c := labClient(t, Config{Limiter: l, Cache: NewRedisCache(rdb), CacheTTL: map[string]time.Duration{"kvk": time.Hour}})
	ctx := context.Background()
	if _, err := c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Pause(ctx, "kvk", time.Hour); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/a"})
	if err != nil || !resp.Cached {
		t.Errorf("cached answer while paused: err = %v", err)
	}
	_, err = c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/b"})
	wantHeld(t, err, HoldPaused, time.Minute, time.Hour)
	if cs.hits.Load() != 1 {
		t.Errorf("server hits %d, want 1", cs.hits.Load())
	}
}
