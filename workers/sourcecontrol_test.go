package workers

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

type fakeLimits struct {
	mu    sync.Mutex
	rates map[string]egress.Rate
	caps  map[string]int
}

func (l *fakeLimits) SetRate(s string, r egress.Rate) { l.mu.Lock(); l.rates[s] = r; l.mu.Unlock() }
func (l *fakeLimits) SetConcurrency(s string, n int)  { l.mu.Lock(); l.caps[s] = n; l.mu.Unlock() }

// An admin's run-time change reaches every process's limits, and a paused
// source's task waits (held, no retry used) instead of asking.
func TestSourceControlFollowsAdminChanges(t *testing.T) {
	f := newFixture(t)
	limits := &fakeLimits{rates: map[string]egress.Rate{}, caps: map[string]int{}}
	c := &SourceControl{Store: f.store, Limits: limits, Log: quiet,
		Config: map[string]SourceSetting{"kvk": {Rate: "10/s", Concurrency: 4}, "bag": {Rate: "10/s", Concurrency: 4}}}
	if err := c.RunOnce(f.ctx); err != nil {
		t.Fatal(err)
	}
	if limits.rates["kvk"] != (egress.Rate{N: 10, Per: 1e9}) || limits.caps["kvk"] != 4 || c.Paused("kvk") {
		t.Fatalf("from config: rates %v caps %v paused %v", limits.rates, limits.caps, c.Paused("kvk"))
	}
	if err := f.store.PutSourceOverride(f.ctx, store.SourceOverride{Name: "kvk", Enabled: false, Rate: "2/m", Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.RunOnce(f.ctx); err != nil {
		t.Fatal(err)
	}
	if limits.rates["kvk"] != (egress.Rate{N: 2, Per: 6e10}) || limits.caps["kvk"] != 1 || !c.Paused("kvk") || c.Paused("bag") {
		t.Fatalf("after the override: rates %v caps %v kvk paused %v", limits.rates, limits.caps, c.Paused("kvk"))
	}

	p := f.processor()
	p.Paused = c.Paused
	calls := 0
	f.kvk.setFetch(func(ctx context.Context, _ subject.Subject, _ int) (*sources.Result, error) {
		calls++
		return nil, errors.New("must not be asked")
	})
	job := f.newJob(0, lookup{"kvk", donald})
	err := f.process(p, job.Tasks[0])
	var held *egress.HeldError
	if !errors.As(err, &held) || held.Reason != "paused" || isFailure(err) || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("paused lookup returned %v, want a held, non-failure error", err)
	}
	if calls != 0 {
		t.Errorf("a paused source was asked %d times", calls)
	}
	if got := f.task(job.Tasks[0].ID); got.Status != store.StatusQueued || got.Attempts != 0 {
		t.Errorf("held task = %s after %d attempts, want queued with none used", got.Status, got.Attempts)
	}
}
