package workers

import (
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// QueueCollector reports the state of every source queue from Redis at
// scrape time, so any process's /metrics shows the whole cluster's queues:
// depth by state, latency of the oldest pending task, and processed and
// failed totals.
type QueueCollector struct {
	inspector *asynq.Inspector

	tasks     *prometheus.Desc
	latency   *prometheus.Desc
	processed *prometheus.Desc
	failed    *prometheus.Desc
	up        *prometheus.Desc
}

// NewQueueCollector reads queues through inspector.
func NewQueueCollector(inspector *asynq.Inspector) *QueueCollector {
	return &QueueCollector{
		inspector: inspector,
		tasks: prometheus.NewDesc("verrijk_queue_tasks", "Tasks in a source queue by state (pending, active, scheduled, retry, archived = dead).",
			[]string{"queue", "state"}, nil),
		latency: prometheus.NewDesc("verrijk_queue_latency_seconds", "Age of the oldest pending task of a queue.",
			[]string{"queue"}, nil),
		processed: prometheus.NewDesc("verrijk_queue_processed_total", "Tasks processed by a queue since it was created.",
			[]string{"queue"}, nil),
		failed: prometheus.NewDesc("verrijk_queue_failed_total", "Task attempts that failed in a queue since it was created.",
			[]string{"queue"}, nil),
		up: prometheus.NewDesc("verrijk_queue_up", "1 when the queue's Redis could be read.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.tasks, c.latency, c.processed, c.failed, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	queues, err := c.inspector.Queues()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, q := range queues {
		info, err := c.inspector.GetQueueInfo(q)
		if err != nil {
			continue
		}
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived} {
			ch <- prometheus.MustNewConstMetric(c.tasks, prometheus.GaugeValue, float64(n), q, state)
		}
		ch <- prometheus.MustNewConstMetric(c.latency, prometheus.GaugeValue, info.Latency.Seconds(), q)
		ch <- prometheus.MustNewConstMetric(c.processed, prometheus.CounterValue, float64(info.ProcessedTotal), q)
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.CounterValue, float64(info.FailedTotal), q)
	}
}
