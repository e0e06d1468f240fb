package egress

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

var testBreaker = BreakerSettings{Failures: 3, Window: time.Minute, CoolDown: 30 * time.Second}

func gaugeValue(t *testing.T, source string) float64 {
	t.Helper()
	var m dto.Metric
	if err := getMetrics().circuit.WithLabelValues(source).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

// breakerSetup: two workers' clients on one Redis against one server.
func breakerSetup(t *testing.T) (*countingServer, string, func(time.Duration), [2]*Client, *RedisLimiter) {
	t.Helper()
	mr, l1, l2 := twoWorkers(t, WithBreaker(testBreaker))
	cs := &countingServer{}
	srv := httptest.NewServer(cs)
	t.Cleanup(srv.Close)
	return cs, srv.URL, mr.FastForward, [2]*Client{labClient(t, Config{Limiter: l1}), labClient(t, Config{Limiter: l2})}, l1
}

func get(c *Client, url string) error {
	_, err := c.Do(context.Background(), Request{Source: "kvk", URL: url})
	return err
}

func TestBreakerOpensHoldsProbesAndCloses(t *testing.T) {
	cs, url, forward, c, l := breakerSetup(t)
	cs.status.Store(http.StatusInternalServerError)
	for i := range 3 { // the failures of both workers add up
		if err := get(c[i%2], url); err != nil {
			t.Fatalf("request %d: %v (a 500 is an answer, not an error)", i, err)
		}
	}
	st, err := l.State(context.Background(), "kvk")
	if err != nil || st.Circuit != CircuitOpen || st.Failures != 3 || !st.OpenedAt.Equal(redisEpoch) {
		t.Fatalf("after 3 failures: state %+v, err %v", st, err)
	}
	if gaugeValue(t, "kvk") != 2 {
		t.Errorf("circuit gauge = %v, want 2 (open)", gaugeValue(t, "kvk"))
	}
	for _, cl := range c {
		wantHeld(t, get(cl, url), HoldCircuitOpen, 29*time.Second, 30*time.Second)
	}
	if cs.hits.Load() != 3 {
		t.Fatalf("server hits %d, want 3: an open circuit sends nothing", cs.hits.Load())
	}

	// After the cool-down exactly one probe goes; the rest stay held.
	forward(31 * time.Second)
	probe, err := l.Acquire(context.Background(), "kvk", time.Minute)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if st, _ := l.State(context.Background(), "kvk"); st.Circuit != CircuitHalfOpen {
		t.Errorf("with the probe out: circuit %s, want half-open", st.Circuit)
	}
	for _, cl := range c {
		wantHeld(t, get(cl, url), HoldCircuitOpen, time.Millisecond, halfOpenRetry)
	}
	probe(context.Background(), Outcome{Kind: OutcomeSuccess})

	cs.status.Store(http.StatusOK)
	for _, cl := range c {
		if err := get(cl, url); err != nil {
			t.Fatalf("after a good probe: %v", err)
		}
	}
	st, _ = l.State(context.Background(), "kvk")
	if st.Circuit != CircuitClosed || st.Failures != 0 || !st.OpenedAt.IsZero() || gaugeValue(t, "kvk") != 0 {
		t.Errorf("after a good probe: state %+v, gauge %v", st, gaugeValue(t, "kvk"))
	}
}

func TestBreakerProbeFailureReopens(t *testing.T) {
	cs, url, forward, c, l := breakerSetup(t)
	cs.status.Store(http.StatusBadGateway)
	for range 3 {
		get(c[0], url)
	}
	forward(31 * time.Second)
	if err := get(c[1], url); err != nil { // the probe, failing again
		t.Fatalf("probe: %v", err)
	}
	if cs.hits.Load() != 4 {
		t.Fatalf("server hits %d, want 4 (3 + one probe)", cs.hits.Load())
	}
	wantHeld(t, get(c[0], url), HoldCircuitOpen, 29*time.Second, 30*time.Second)
	if st, _ := l.State(context.Background(), "kvk"); st.Circuit != CircuitOpen {
		t.Errorf("after a failed probe: circuit %s, want open", st.Circuit)
	}
	// And the next cool-down ends in a probe once more.
	forward(31 * time.Second)
	cs.status.Store(http.StatusOK)
	if err := get(c[0], url); err != nil {
		t.Fatal(err)
	}
	if err := get(c[1], url); err != nil {
		t.Fatalf("closed again: %v", err)
	}
}

func TestBreakerDeadProbeIsReplaced(t *testing.T) {
	cs, url, forward, c, l := breakerSetup(t)
	cs.status.Store(http.StatusInternalServerError)
	for range 3 {
		get(c[0], url)
	}
	forward(31 * time.Second)
	if _, err := l.Acquire(context.Background(), "kvk", 20*time.Second); err != nil {
		t.Fatal(err) // the probe's worker dies without a word
	}
	wantHeld(t, get(c[1], url), HoldCircuitOpen, time.Millisecond, halfOpenRetry)
	forward(21 * time.Second)
	if _, err := l.Acquire(context.Background(), "kvk", 20*time.Second); err != nil {
		t.Errorf("after the dead probe's lease: %v, want a new probe", err)
	}
}

func TestBreakerIgnoresWhatIsNotTheSourcesFault(t *testing.T) {
	cs, url, _, c, l := breakerSetup(t)
	for _, status := range []int{http.StatusNotFound, http.StatusBadRequest, http.StatusTooManyRequests, http.StatusForbidden} {
		cs.status.Store(int32(status))
		for range 4 {
			if err := get(c[0], url); err != nil {
				t.Fatalf("%d: %v", status, err)
			}
		}
	}
	// Refused by our own guard: never reaches the source.
	strict, err := New(Config{Limiter: l})
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := get(strict, url); err == nil {
			t.Fatal("guard let loopback through")
		}
	}
	// Cancelled by the caller while the source was thinking.
	started := make(chan struct{}, 1)
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	}))
	defer stall.Close()
	for range 4 {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		if _, err := c[0].Do(ctx, Request{Source: "kvk", URL: stall.URL}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want Canceled", err)
		}
	}
	st, _ := l.State(context.Background(), "kvk")
	if st.Circuit != CircuitClosed || st.Failures != 0 {
		t.Errorf("state %+v: 4xx, guard refusals and cancellations must not count", st)
	}
}

func TestBreakerCountsOnlyConsecutiveFailuresInWindow(t *testing.T) {
	cs, url, forward, c, l := breakerSetup(t)
	fail := func(n int) {
		cs.status.Store(http.StatusInternalServerError)
		for range n {
			get(c[0], url)
		}
	}
	fail(2)
	cs.status.Store(http.StatusOK)
	get(c[1], url) // a success in between starts the count again
	fail(2)
	forward(61 * time.Second) // and so does the window passing
	fail(2)
	st, _ := l.State(context.Background(), "kvk")
	if st.Circuit != CircuitClosed || st.Failures != 2 {
		t.Errorf("state %+v, want closed with 2 failures", st)
	}
	fail(1)
	wantHeld(t, get(c[1], url), HoldCircuitOpen, time.Second, 30*time.Second)
}

func TestBreakerCountsTransportErrorsAndTimeouts(t *testing.T) {
	_, _, _, c, l := breakerSetup(t)
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer stall.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // connection refused from now on
	if err := get(c[0], closed.URL); err == nil {
		t.Fatal("want a transport error")
	}
	for range 2 {
		_, err := c[1].Do(context.Background(), Request{Source: "kvk", URL: stall.URL, Timeout: 20 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a timeout", err)
		}
	}
	wantHeld(t, get(c[0], closed.URL), HoldCircuitOpen, time.Second, 30*time.Second)
	if st, _ := l.State(context.Background(), "kvk"); st.Circuit != CircuitOpen {
		t.Errorf("circuit %s, want open", st.Circuit)
	}
}
