package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"verrijk/bench/internal/deploy"
	"verrijk/config"
	"verrijk/sources/rdw/rdwtest"
)

// purposeID is the purpose the config seeds; it allows rdw only.
const purposeID = "bench-ratelimit"

// spare is how much longer than the period the queued work would keep the
// source busy at full rate, so it cannot run dry before the period ends.
const spare = 15 * time.Second

// run sets everything up, measures, and tears it all down again.
func run(ctx context.Context, o options, out io.Writer) (missed bool, err error) {
	env, err := deploy.Prepare(ctx, "ratelimit", o.redisURL, o.postgres)
	defer func() {
		if cerr := env.Close(o.redisURL); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err != nil {
		return false, err
	}
	dir, bin, redisLabel, db := env.Dir, env.Bin, env.RedisLabel, env.DB

	src := &limitedSource{next: rdwtest.NewHandler(), limit: 2 * o.rate}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	srv := &http.Server{Handler: src, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	addr, err := deploy.FreeAddr()
	if err != nil {
		return false, err
	}
	cfgPath, err := deploy.WriteConfig(dir, configYAML(o, addr, filepath.Join(dir, "data"), db.DSN, "http://"+ln.Addr().String()))
	if err != nil {
		return false, err
	}
	procs, err := startAll(ctx, bin, cfgPath, "http://"+addr, o.workers)
	defer func() {
		if serr := deploy.StopAll(30*time.Second, procs...); serr != nil && err == nil {
			err = serr
		}
	}()
	if err != nil {
		return false, err
	}

	tok, err := deploy.Run(ctx, bin, "token", "create", "--user", "bench", "--role", "analyst", "--team", "bench", "--config", cfgPath)
	if err != nil {
		return false, err
	}
	api := deploy.API{Base: "http://" + addr, Token: strings.TrimSpace(tok)}
	plates := int((o.duration+spare).Seconds())*o.rate + o.rate
	fmt.Fprintf(out, "redis: %s (flushed at start and end)   store: postgres database %s (dropped at end)\n", redisLabel, db.Name)
	signals, err := createWork(ctx, api, plates)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "work: %d plates in %d signals, one rdw request each (cache_ttl 0s); rdw concurrency %d\n",
		plates, signals, o.concurrency)

	first, err := waitFirst(ctx, src, procs)
	if err != nil {
		return false, err
	}
	cutoff := first.Add(o.duration)
	t := time.NewTimer(time.Until(cutoff))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
	}
	arrivals, rejected := src.snapshot()
	r := measure(arrivals, rejected, first, o.duration, o.rate)
	return report(out, o, r, cutoff), nil
}

// startAll starts serve, waits until it is ready (it migrates the store and
// seeds the purpose), then starts the workers. It returns what it started
// even on error, so the caller can stop it.
func startAll(ctx context.Context, bin, cfg, base string, workers int) ([]*deploy.Proc, error) {
	serve, err := deploy.Start("verrijk serve", bin, "serve", "--config", cfg)
	if err != nil {
		return nil, err
	}
	procs := []*deploy.Proc{serve}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := deploy.WaitReady(wctx, base, serve); err != nil {
		return procs, err
	}
	for i := range workers {
		w, err := deploy.Start(fmt.Sprintf("verrijk worker %d", i+1), bin, "worker", "--config", cfg)
		if err != nil {
			return procs, err
		}
		procs = append(procs, w)
	}
	return procs, nil
}

// waitFirst waits for the first request at the source.
func waitFirst(ctx context.Context, src *limitedSource, procs []*deploy.Proc) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if t, ok := src.first(); ok {
			return t, nil
		}
		for _, p := range procs {
			if p.Exited() {
				return time.Time{}, fmt.Errorf("%s exited:\n%s", p.Name, p.Output())
			}
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("waiting for the first request at the source: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// configYAML is production mode with rdw pointed at the limited source and
// every other source off.
func configYAML(o options, addr, dataDir, dsn, sourceURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `server: {addr: %q}
data_dir: %q
queue: {redis_url: %q}
store: {dsn: %q}
egress: {allow_private_networks: true}
log: {level: warn}
enrichment: {max_depth: 0}
sources:
  rdw: {base_url: %q, rate: "%d/s", concurrency: %d, cache_ttl: 0s}
`, addr, dataDir, o.redisURL, dsn, sourceURL, o.rate, o.concurrency)
	for _, name := range config.KnownSources() {
		if name != "rdw" {
			fmt.Fprintf(&b, "  %s: {enabled: false}\n", name)
		}
	}
	fmt.Fprintf(&b, `bootstrap_purposes:
  - id: %s
    name: Meting bronlimiet
    legal_basis: benchmark on replayed test data
    processing_activity: bench
    retention: P1D
    allowed_sources: [rdw]
`, purposeID)
	return b.String()
}
