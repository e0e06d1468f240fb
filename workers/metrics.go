package workers

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are package-level and registered by whoever serves /metrics
// (serve, worker), like egress's: every Processor in a process feeds them.
type metrics struct {
	tasks   *prometheus.CounterVec
	taskDur *prometheus.HistogramVec
	jobDur  *prometheus.HistogramVec
}

var (
	metricsOnce sync.Once
	theMetrics  *metrics
)

func getMetrics() *metrics {
	metricsOnce.Do(func() {
		theMetrics = &metrics{
			tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "verrijk", Subsystem: "worker", Name: "lookups_total",
				Help: "Lookups by source and result (found, empty, retry, failed).",
			}, []string{"source", "result"}),
			taskDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "verrijk", Subsystem: "worker", Name: "lookup_duration_seconds",
				Help:    "One lookup attempt from start to stored result, by source.",
				Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
			}, []string{"source"}),
			jobDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "verrijk", Subsystem: "worker", Name: "job_duration_seconds",
				Help:    "Time from an enrichment request to its job's end, by final status.",
				Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600},
			}, []string{"status"}),
		}
	})
	return theMetrics
}

// Collectors returns the worker metrics for registration on a registry.
func Collectors() []prometheus.Collector {
	m := getMetrics()
	return []prometheus.Collector{m.tasks, m.taskDur, m.jobDur}
}

func observeTask(source, result string, d time.Duration) {
	m := getMetrics()
	m.tasks.WithLabelValues(source, result).Inc()
	m.taskDur.WithLabelValues(source).Observe(d.Seconds())
}

func observeJob(status string, d time.Duration) {
	getMetrics().jobDur.WithLabelValues(status).Observe(d.Seconds())
}
