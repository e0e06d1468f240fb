package egress

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("nope"))
	}))
	defer srv.Close()
	m := getMetrics()
	src := "metrics-test"
	before4xx := counterValue(t, m.requests.WithLabelValues(src, "4xx"))
	beforeBytes := counterValue(t, m.bytes.WithLabelValues(src))
	beforeBlocked := counterValue(t, m.blocked.WithLabelValues(src))

	labClient(t, Config{}).Do(context.Background(), Request{Source: src, URL: srv.URL})
	strict, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	strict.Do(context.Background(), Request{Source: src, URL: srv.URL})

	if d := counterValue(t, m.requests.WithLabelValues(src, "4xx")) - before4xx; d != 1 {
		t.Errorf("4xx requests +%v, want +1", d)
	}
	if d := counterValue(t, m.bytes.WithLabelValues(src)) - beforeBytes; d != 4 {
		t.Errorf("bytes +%v, want +4", d)
	}
	if d := counterValue(t, m.blocked.WithLabelValues(src)) - beforeBlocked; d != 1 {
		t.Errorf("blocked +%v, want +1", d)
	}

	// Collectors can be registered on a fresh registry, as often as needed.
	for range 2 {
		reg := prometheus.NewRegistry()
		for _, c := range Collectors() {
			if err := reg.Register(c); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"https://api.example/v1?apikey=abc&q=1": "https://api.example/v1?apikey=REDACTED&q=1",
		"https://api.example/v1?Token=abc":      "https://api.example/v1?Token=REDACTED",
		"https://u:pw@api.example/?key=k&x=y":   "https://REDACTED@api.example/?key=REDACTED&x=y",
		"https://api.example/plain?q=donald+bv": "https://api.example/plain?q=donald+bv",
		"::not a url":                           "<unparsable url>",
	}
	for in, want := range cases {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	h := http.Header{"Apikey": {"a"}, "Authorization": {"Bearer b"}, "X-App-Token": {"c"}, "Accept": {"*/*"}}
	r := RedactHeader(h)
	for _, k := range []string{"Apikey", "Authorization", "X-App-Token"} {
		if r.Get(k) != Redacted {
			t.Errorf("%s = %q", k, r.Get(k))
		}
	}
	if r.Get("Accept") != "*/*" || h.Get("Apikey") != "a" {
		t.Error("RedactHeader changed the wrong values")
	}
}

func histCount(t *testing.T, source, stage string) uint64 {
	t.Helper()
	var m dto.Metric
	if err := getMetrics().wait.WithLabelValues(source, stage).(prometheus.Histogram).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

func TestLimiterMetrics(t *testing.T) {
	const src = "limiter-metrics"
	_, rdb := frozenRedis(t)
	l := NewRedisLimiter(rdb, map[string]Rate{src: {1, time.Hour}}, WithConcurrency(map[string]int{src: 1}))
	inside, leave := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		<-leave
	}))
	defer srv.Close()
	c := labClient(t, Config{Limiter: l})
	rateBefore, slotBefore := histCount(t, src, "rate"), histCount(t, src, "slot")
	inFlight := getMetrics().inFlight.WithLabelValues(src)

	done := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), Request{Source: src, URL: srv.URL})
		done <- err
	}()
	<-inside
	var m dto.Metric
	inFlight.Write(&m)
	if m.GetGauge().GetValue() != 1 {
		t.Errorf("in flight during the request = %v, want 1", m.GetGauge().GetValue())
	}
	close(leave)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	inFlight.Write(&m)
	if m.GetGauge().GetValue() != 0 {
		t.Errorf("in flight after = %v, want 0", m.GetGauge().GetValue())
	}
	// The hour's only token is spent: the next request waits until ctx ends.
	if _, err := c.Do(shortCtx(t), Request{Source: src, URL: srv.URL}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second request: err = %v, want DeadlineExceeded", err)
	}
	if d := histCount(t, src, "rate") - rateBefore; d != 2 {
		t.Errorf("rate waits +%d, want +2", d)
	}
	if d := histCount(t, src, "slot") - slotBefore; d != 1 {
		t.Errorf("slot waits +%d, want +1 (the second never got past the rate)", d)
	}
}
