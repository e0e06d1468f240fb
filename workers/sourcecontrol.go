package workers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"verrijk/egress"
	"verrijk/store"
)

// LimitSetter changes a source's limits in this process's egress client.
type LimitSetter interface {
	SetRate(source string, r egress.Rate)
	SetConcurrency(source string, n int)
}

// SourceSetting is a source's rate and concurrency from the configuration.
type SourceSetting struct {
	Rate        string
	Concurrency int
}

// SourceControl makes every process follow what an admin changes at run
// time (PUT /api/v1/sources/{name}): it reads the store's overrides every
// Interval and applies rate and concurrency to the egress limits, and keeps
// which sources are paused, whose tasks then wait instead of asking.
type SourceControl struct {
	Store    store.Store
	Limits   LimitSetter
	Config   map[string]SourceSetting // by source
	Interval time.Duration            // default 2s
	Log      *slog.Logger

	mu      sync.RWMutex
	paused  map[string]bool
	applied map[string]store.SourceOverride
}

// RunOnce reads the overrides and applies what changed.
func (c *SourceControl) RunOnce(ctx context.Context) error {
	overrides, err := c.Store.SourceOverrides(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused == nil {
		c.paused, c.applied = map[string]bool{}, map[string]store.SourceOverride{}
	}
	for name, cfg := range c.Config {
		o, ok := overrides[name]
		if !ok {
			o = store.SourceOverride{Name: name, Enabled: true, Rate: cfg.Rate, Concurrency: cfg.Concurrency}
		}
		if prev, seen := c.applied[name]; seen && prev.Rate == o.Rate && prev.Concurrency == o.Concurrency && prev.Enabled == o.Enabled {
			continue
		}
		if r, err := egress.ParseRate(o.Rate); err == nil && c.Limits != nil {
			c.Limits.SetRate(name, r)
		}
		if c.Limits != nil {
			c.Limits.SetConcurrency(name, o.Concurrency)
		}
		c.paused[name] = !o.Enabled
		c.applied[name] = o
		if ok {
			c.logger().Info("source settings applied", "source", name, "enabled", o.Enabled, "rate", o.Rate,
				"concurrency", o.Concurrency, "by", o.UpdatedBy)
		}
	}
	return nil
}

// Paused reports whether an admin paused source.
func (c *SourceControl) Paused(source string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.paused[source]
}

// Run follows the overrides until ctx ends.
func (c *SourceControl) Run(ctx context.Context) {
	interval := c.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if err := c.RunOnce(ctx); err != nil && ctx.Err() == nil {
			c.logger().Warn("reading source settings", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (c *SourceControl) logger() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}
