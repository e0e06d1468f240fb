package egress

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are package-level and created once, not registered anywhere: a
// process registers Collectors() on its own registry (serve/worker do, for
// /metrics), and tests may build any number of clients without a duplicate
// registration panic. All clients in a process feed the same series.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	bytes    *prometheus.CounterVec
	blocked  *prometheus.CounterVec
	cache    *prometheus.CounterVec
	wait     *prometheus.HistogramVec
	held     *prometheus.CounterVec
	circuit  *prometheus.GaugeVec
	inFlight *prometheus.GaugeVec
}

var (
	metricsOnce sync.Once
	theMetrics  *metrics
)

func getMetrics() *metrics {
	metricsOnce.Do(func() {
		theMetrics = &metrics{
			requests: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "requests_total",
				Help: "Outbound requests by source and status class (2xx..5xx, error).",
			}, []string{"source", "class"}),
			duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "request_duration_seconds",
				Help:    "Outbound request duration including body read, by source.",
				Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30},
			}, []string{"source"}),
			bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "response_bytes_total",
				Help: "Response body bytes read, by source.",
			}, []string{"source"}),
			blocked: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "blocked_total",
				Help: "Requests refused by the SSRF guard, by source.",
			}, []string{"source"}),
			cache: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "cache_lookups_total",
				Help: "Response cache lookups by source and result (hit, miss).",
			}, []string{"source", "result"}),
			wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "limiter_wait_seconds",
				Help:    "Time a request waited before sending, by source and stage (rate, slot).",
				Buckets: []float64{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
			}, []string{"source", "stage"}),
			held: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "held_total",
				Help: "Requests not sent because the source was held, by source and reason (paused, circuit open, throttled).",
			}, []string{"source", "reason"}),
			circuit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "circuit_state",
				Help: "Circuit breaker state last seen by this process: 0 closed, 1 half-open, 2 open.",
			}, []string{"source"}),
			inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Namespace: "verrijk", Subsystem: "egress", Name: "in_flight",
				Help: "Requests this process has in flight, by source (sum over processes for the cluster).",
			}, []string{"source"}),
		}
	})
	return theMetrics
}

// Collectors returns the egress metrics for registration on a registry.
// Register them once per registry; every Client shares them.
func Collectors() []prometheus.Collector {
	m := getMetrics()
	return []prometheus.Collector{m.requests, m.duration, m.bytes, m.blocked, m.cache,
		m.wait, m.held, m.circuit, m.inFlight}
}

// statusClass turns 404 into "4xx"; anything outside 100..599 is "other".
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
