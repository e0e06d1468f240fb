package workers

import (
	"context"
	"log/slog"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// ChangeFeed is the part of the store the projector reads.
type ChangeFeed interface {
	// ChangedEntities returns entities (with links) whose record or links
	// changed at or after since, oldest change first, at most limit.
	ChangedEntities(ctx context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error)
}

// Projector keeps the index in step with the store. Worker processes that
// cannot write to the index (an embedded Bleve index belongs to one
// process), and index writes that failed, are caught up here. Each pass
// re-reads a window before its cursor, because writers in other processes
// commit out of order and their clocks differ a little; upserts are
// idempotent, so reading a change twice costs only time.
type Projector struct {
	Store    ChangeFeed
	Index    index.Index
	Interval time.Duration // default 1s
	Overlap  time.Duration // default 30s
	Log      *slog.Logger

	cursor time.Time
}

// RunOnce projects every change since the cursor and advances it.
func (p *Projector) RunOnce(ctx context.Context) (int, error) {
	overlap := p.Overlap
	if overlap <= 0 {
		overlap = 30 * time.Second
	}
	since := p.cursor.Add(-overlap)
	if p.cursor.IsZero() {
		since = time.Time{}
	}
	total := 0
	for {
		ents, last, err := p.Store.ChangedEntities(ctx, since, 500)
		if err != nil {
			return total, err
		}
		if len(ents) > 0 {
			if err := p.Index.Upsert(ctx, ents...); err != nil {
				return total, err
			}
		}
		total += len(ents)
		if last.After(p.cursor) {
			p.cursor = last
		}
		if len(ents) < 500 || !last.After(since) {
			return total, nil
		}
		since = last
	}
}

// Run projects until ctx ends.
func (p *Projector) Run(ctx context.Context) {
	interval := p.Interval
	if interval <= 0 {
		interval = time.Second
	}
	log := p.Log
	if log == nil {
		log = slog.Default()
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			log.Warn("projecting store changes into the index", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
