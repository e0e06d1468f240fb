package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/config"
	"verrijk/egress"
	bleveindex "verrijk/index/bleve"
	"verrijk/sources"
	"verrijk/sources/bag/bagtest"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/registry"
	"verrijk/store"
	"verrijk/workers"
)

// benchSources are the adapters the pipeline runs, each against its replay.
var benchSources = []string{"bag", "kvk"}

// pipeline is verrijk wired the way cmd/verrijk/runtime.go wires it for
// `verrijk serve` on the embedded queue (workers in process, writing the
// Bleve index themselves), with the sources pointed at replay servers.
type pipeline struct {
	store    store.Store
	audit    *audit.Logger
	index    *bleveindex.Index
	sources  map[string]sources.Source
	client   *asynq.Client
	enqueuer *workers.Enqueuer
	kvk      *kvktest.Handler
	bag      *bagtest.Handler
	closers  []func() error
}

// openPipeline opens the store (migrated) and the index under dir, starts
// the replay servers and builds the sources on one egress client.
func openPipeline(ctx context.Context, o options, rt *redisTarget, dir string) (*pipeline, error) {
	p := &pipeline{sources: map[string]sources.Source{}}
	st, err := store.Open(ctx, o.storeDSN, dir)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	p.store = st
	p.closers = append(p.closers, st.Close)
	if err := st.Migrate(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("migrating store: %w", err)
	}
	p.audit = audit.New(st)
	ix, err := bleveindex.Open(filepath.Join(dir, "index.bleve"))
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("opening bleve index: %w", err)
	}
	p.index = ix
	p.closers = append(p.closers, ix.Close)

	p.kvk, p.bag = kvktest.NewHandler(), bagtest.NewHandler()
	kvkSrv, bagSrv := httptest.NewServer(p.kvk), httptest.NewServer(p.bag)
	p.closers = append(p.closers, func() error { kvkSrv.Close(); bagSrv.Close(); return nil })
	base := map[string]string{"kvk": kvkSrv.URL, "bag": bagSrv.URL}

	ec := egress.Config{AllowPrivateNetworks: true} // the replays listen on loopback
	if o.limiter == "redis" {
		rates := map[string]egress.Rate{}
		for _, name := range benchSources {
			rates[name] = limiterRate
		}
		ec.Limiter = egress.NewRedisLimiter(rt.rdb, rates)
	}
	client, err := egress.New(ec)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("egress: %w", err)
	}
	defaults := config.Default().Sources
	timeouts := map[string]time.Duration{}
	for _, name := range benchSources {
		sc := defaults[name]
		src, ok := registry.New(name, client, sources.Config{BaseURL: base[name], APIKey: sc.APIKey, Timeout: sc.Timeout})
		if !ok {
			p.Close()
			return nil, fmt.Errorf("source %s is not in the registry", name)
		}
		p.sources[name] = src
		timeouts[name] = sc.Timeout
	}
	p.client = asynq.NewClient(rt.opt)
	p.closers = append(p.closers, p.client.Close)
	p.enqueuer = workers.NewEnqueuer(p.client, timeouts)
	return p, nil
}

// server builds the Asynq server with verrijk's processor, the total
// concurrency split over the sources' queues.
// With st set, the processor's store, index and source calls are timed.
func (p *pipeline) server(rt *redisTarget, concurrency int, log *slog.Logger, st *stages) (*asynq.Server, *asynq.ServeMux) {
	host, _ := os.Hostname()
	proc := &workers.Processor{Store: p.store, Index: p.index, Audit: p.audit, Sources: p.sources,
		Enqueue: p.enqueuer.Enqueue, Origin: fmt.Sprintf("worker:%s/%d", host, os.Getpid()), Log: log}
	if st != nil {
		ts := timedStore{Store: p.store, s: st}
		proc.Store, proc.Index, proc.Audit = ts, timedIndex{Index: p.index, s: st}, audit.New(ts)
		proc.Sources = map[string]sources.Source{}
		for name, src := range p.sources {
			proc.Sources[name] = timedSource{Source: src, s: st}
		}
	}
	return workers.NewServer(rt.opt, splitConcurrency(concurrency, benchSources), proc, log)
}

// splitConcurrency shares total over the sources so that NewServer's sum
// is total again (each at least 1).
func splitConcurrency(total int, names []string) map[string]int {
	out := map[string]int{}
	for i, name := range names {
		n := total / len(names)
		if i < total%len(names) {
			n++
		}
		out[name] = max(n, 1)
	}
	return out
}

// run times the pipeline: enqueue every task of jobs, start the workers,
// and wait until the store has every job in a final state.
func (p *pipeline) run(ctx context.Context, rt *redisTarget, jobs []store.Job, concurrency int, log *slog.Logger, st *stages) (measurement, error) {
	srv, mux := p.server(rt, concurrency, log, st)
	m := measurement{}
	start := time.Now()
	for _, j := range jobs {
		if err := p.enqueuer.Enqueue(ctx, j.Tasks...); err != nil {
			return m, err
		}
		m.tasks += len(j.Tasks)
	}
	m.enqueue = time.Since(start)
	// Started after the enqueue for the same reason as in runBare.
	if err := srv.Start(mux); err != nil {
		return m, fmt.Errorf("starting workers: %w", err)
	}
	defer srv.Shutdown()
	if err := waitFinal(ctx, p.store, jobs, 20*time.Millisecond); err != nil {
		return m, err
	}
	m.total = time.Since(start)
	return m, nil
}

// Close releases everything in reverse order of opening.
func (p *pipeline) Close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
	p.closers = nil
}
