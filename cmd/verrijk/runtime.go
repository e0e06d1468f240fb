package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/config"
	"verrijk/egress"
	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	"verrijk/indicators"
	"verrijk/sources"
	"verrijk/sources/registry"
	"verrijk/store"
	"verrijk/workers"
)

// runtime is verrijk wired from its configuration: the same code for the
// embedded defaults and for production, only the adapters differ.
type runtime struct {
	cfg      *config.Config
	log      *slog.Logger
	store    store.Store
	index    index.Index // nil in a worker process when the index is embedded
	audit    *audit.Logger
	redis    *redis.Client
	redisOpt asynq.RedisConnOpt
	client   *asynq.Client
	inspect  *asynq.Inspector
	limiter  *egress.RedisLimiter
	control  *workers.SourceControl
	enqueuer *workers.Enqueuer
	sources  map[string]sources.Source // enabled adapters
	adapters map[string]sources.Source // every adapter, enabled or not
	mini     *miniredis.Miniredis      // embedded Redis, when queue.redis_url is empty
	closers  []func() error
	// indicators evaluates the indicator rules; rulesPath is the rules file
	// it follows ("" for the built-in rules). See indicators.go.
	indicators *indicators.Engine
	rulesPath  string
}

// openRuntime opens the store (migrated, purposes seeded), the queue and
// the sources; withIndex also opens the index.
func openRuntime(ctx context.Context, cfg *config.Config, log *slog.Logger, withIndex bool) (*runtime, error) {
	rt := &runtime{cfg: cfg, log: log, sources: map[string]sources.Source{}, adapters: map[string]sources.Source{}}
	if err := rt.openStore(ctx); err != nil {
		rt.Close()
		return nil, err
	}
	if err := rt.openIndicators(); err != nil {
		rt.Close()
		return nil, err
	}
	if err := rt.openQueue(); err != nil {
		rt.Close()
		return nil, err
	}
	if err := rt.openSources(); err != nil {
		rt.Close()
		return nil, err
	}
	if withIndex {
		if err := rt.openIndex(ctx); err != nil {
			rt.Close()
			return nil, err
		}
	}
	return rt, nil
}

func (rt *runtime) openStore(ctx context.Context) error {
	st, err := openMigratedStore(ctx, rt.cfg)
	if err != nil {
		return err
	}
	rt.store = st
	rt.closers = append(rt.closers, st.Close)
	rt.audit = audit.New(st)
	return seedPurposes(ctx, st, rt.cfg.BootstrapPurposes, rt.audit)
}

func (rt *runtime) openQueue() error {
	url := rt.cfg.Queue.RedisURL
	if url == "" {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return fmt.Errorf("starting embedded redis: %w", err)
		}
		rt.mini = m
		rt.closers = append(rt.closers, func() error { m.Close(); return nil })
		url = "redis://" + m.Addr()
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return fmt.Errorf("queue.redis_url: %w", err)
	}
	ropt, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("queue.redis_url: %w", err)
	}
	rt.redisOpt = opt
	rt.redis = redis.NewClient(ropt)
	rt.closers = append(rt.closers, rt.redis.Close)
	rt.client = asynq.NewClient(opt)
	rt.closers = append(rt.closers, rt.client.Close)
	rt.inspect = asynq.NewInspector(opt)
	rt.closers = append(rt.closers, rt.inspect.Close)
	timeouts := map[string]time.Duration{}
	for name, s := range rt.cfg.Sources {
		timeouts[name] = s.Timeout
	}
	rt.enqueuer = workers.NewEnqueuer(rt.client, timeouts)
	return nil
}

func (rt *runtime) openSources() error {
	rates := map[string]egress.Rate{}
	caps := map[string]int{}
	for name, s := range rt.cfg.Sources {
		r, err := egress.ParseRate(s.Rate)
		if err != nil {
			return fmt.Errorf("sources.%s.rate: %w", name, err)
		}
		rates[name] = r
		caps[name] = s.Concurrency
	}
	ec := rt.cfg.EgressConfig()
	// Rate, in-flight cap, pauses and the circuit breaker are kept in
	// Redis, so they hold for all worker processes together.
	rt.limiter = egress.NewRedisLimiter(rt.redis, rates, egress.WithConcurrency(caps))
	ec.Limiter = rt.limiter
	ec.Cache = egress.NewRedisCache(rt.redis)
	client, err := egress.New(ec)
	if err != nil {
		return fmt.Errorf("egress: %w", err)
	}
	settings := map[string]workers.SourceSetting{}
	for _, name := range registry.Names() {
		sc := rt.cfg.Sources[name]
		settings[name] = workers.SourceSetting{Rate: sc.Rate, Concurrency: sc.Concurrency}
		src, _ := registry.New(name, client, sc.AdapterConfig())
		rt.adapters[name] = src
		if sc.Enabled {
			rt.sources[name] = src
		}
	}
	rt.control = &workers.SourceControl{Store: rt.store, Limits: rt.limiter, Config: settings, Log: rt.log}
	return nil
}

func (rt *runtime) openIndex(ctx context.Context) error {
	switch rt.cfg.Index.Backend {
	case "", "bleve":
		path := filepath.Join(rt.cfg.DataDir, "index.bleve")
		ix, err := bleveindex.Open(path)
		if errors.Is(err, bleveindex.ErrStaleMapping) {
			ix, err = rt.rebuildStaleIndex(ctx, path)
		}
		if err != nil {
			return fmt.Errorf("opening bleve index in %s: %w", rt.cfg.DataDir, err)
		}
		rt.index = ix
		rt.closers = append(rt.closers, ix.Close)
		return nil
	case "elasticsearch":
		ix, err := openESIndex(ctx, rt.cfg, rt.log)
		if err != nil {
			return err
		}
		rt.index = ix
		rt.closers = append(rt.closers, ix.Close)
		return nil
	default:
		return fmt.Errorf("index.backend %q is not available in this build", rt.cfg.Index.Backend)
	}
}

// rebuildStaleIndex rebuilds an embedded index an older verrijk built, as
// `verrijk reindex` would, and opens the result. The embedded index is
// this process's alone, so instead of refusing to start after an upgrade
// it takes the minutes a rebuild needs (about 150 s a million entities).
func (rt *runtime) rebuildStaleIndex(ctx context.Context, path string) (*bleveindex.Index, error) {
	rt.log.Warn("the search index was built by an older verrijk; rebuilding it from the store before serving", "path", path)
	began := time.Now()
	n, err := bleveindex.Rebuild(ctx, path, rt.store)
	if err != nil {
		return nil, fmt.Errorf("rebuilding the index an older verrijk built: %w", err)
	}
	rt.log.Info("search index rebuilt from the store", "entities", n, "seconds", time.Since(began).Seconds())
	return bleveindex.Open(path)
}

// processor builds the task handler for this process.
func (rt *runtime) processor() *workers.Processor {
	host, _ := os.Hostname()
	return &workers.Processor{Store: rt.store, Index: rt.index, Audit: rt.audit, Sources: rt.sources,
		Enqueue: rt.enqueuer.Enqueue, Origin: fmt.Sprintf("worker:%s/%d", host, os.Getpid()), Log: rt.log,
		Paused: rt.control.Paused, OnJobFinished: rt.indicators.JobFinished}
}

// followSources applies admins' run-time source changes now and then
// every few seconds, until ctx ends.
func (rt *runtime) followSources(ctx context.Context) {
	if err := rt.control.RunOnce(ctx); err != nil {
		rt.log.Warn("reading source settings", "err", err)
	}
	go rt.control.Run(ctx)
}

// metrics serves Go, process, egress, worker and queue metrics.
func (rt *runtime) metrics() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		workers.NewQueueCollector(rt.inspect))
	for _, c := range append(egress.Collectors(), workers.Collectors()...) {
		reg.MustRegister(c)
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// reconciler re-queues what Redis lost and ends what Asynq gave up on.
func (rt *runtime) reconciler() *workers.Reconciler {
	return &workers.Reconciler{Store: rt.store, Enqueue: rt.enqueuer.Enqueue, Inspector: rt.inspect, Log: rt.log}
}

// sourceSettings is the configuration of every source, as the API shows it.
func (rt *runtime) sourceSettings() []api.SourceSetting {
	var out []api.SourceSetting
	for _, name := range config.KnownSources() {
		sc := rt.cfg.Sources[name]
		out = append(out, api.SourceSetting{Name: name, Enabled: sc.Enabled, BaseURL: sc.BaseURL, Rate: sc.Rate,
			Concurrency: sc.Concurrency, Timeout: sc.Timeout, CacheTTL: sc.CacheTTL, HasAPIKey: sc.APIKey != ""})
	}
	return out
}

// concurrency returns each enabled source's worker concurrency.
func (rt *runtime) concurrency() map[string]int {
	out := map[string]int{}
	for name := range rt.sources {
		out[name] = rt.cfg.Sources[name].Concurrency
	}
	return out
}

// ready checks the store and the queue.
func (rt *runtime) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := rt.store.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := rt.redis.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return nil
}

// Close releases everything in reverse order of opening.
func (rt *runtime) Close() error {
	var errs []error
	for i := len(rt.closers) - 1; i >= 0; i-- {
		errs = append(errs, rt.closers[i]())
	}
	rt.closers = nil
	return errors.Join(errs...)
}
