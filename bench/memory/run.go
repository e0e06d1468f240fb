package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"time"

	"verrijk/bench/internal/deploy"
	"verrijk/config"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/rdw/rdwtest"
	"verrijk/store"
)

// run queues the work, starts one worker, samples its memory until the
// queue has drained, and cleans up.
func run(ctx context.Context, o options, out, progress io.Writer) (missed bool, err error) {
	env, err := deploy.Prepare(ctx, "memory", o.redisURL, o.postgres)
	defer func() {
		if cerr := env.Close(o.redisURL); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err != nil {
		return false, err
	}
	dir, bin, redisLabel, db := env.Dir, env.Bin, env.RedisLabel, env.DB
	fmt.Fprintf(out, "redis: %s (flushed at start and end)   store: postgres database %s (dropped at end)\n", redisLabel, db.Name)

	rdw, kvk := rdwtest.NewHandler(), kvktest.NewHandler()
	rdwSrv, kvkSrv := httptest.NewServer(rdw), httptest.NewServer(kvk)
	defer rdwSrv.Close()
	defer kvkSrv.Close()

	nJobs := (o.tasks + o.perJob - 1) / o.perJob
	nTasks := nJobs * o.perJob
	start := time.Now()
	if err := prepare(ctx, db.DSN, dir, o.redisURL, nJobs, o.perJob); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "queued: %d tasks (%d jobs × %d: plates for rdw and KvK numbers for kvk, none known to the replays) "+
		"with store.CreateJob + workers.Enqueuer in %.1fs\n", nTasks, nJobs, o.perJob, time.Since(start).Seconds())

	addr, err := deploy.FreeAddr()
	if err != nil {
		return false, err
	}
	cfgPath, err := deploy.WriteConfig(dir, configYAML(o, addr, filepath.Join(dir, "data"), db.DSN, rdwSrv.URL, kvkSrv.URL))
	if err != nil {
		return false, err
	}
	conn, err := db.Open()
	if err != nil {
		return false, err
	}
	defer conn.Close()
	fmt.Fprintf(out, "worker: 1 process, concurrency %d per source, rate 100000/s, cache_ttl 0s\n", o.concurrency)

	worker, err := deploy.Start("verrijk worker", bin, "worker", "--config", cfgPath)
	if err != nil {
		return false, err
	}
	started := time.Now()
	defer func() {
		if serr := worker.Stop(30 * time.Second); serr != nil && err == nil {
			err = serr
		}
	}()
	sctx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	var rss rssSampler
	go rss.sample(sctx, worker.Pid(), 100*time.Millisecond)

	dctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := waitDrained(dctx, conn, worker, nTasks, progress); err != nil {
		return false, err
	}
	drain := time.Since(started)
	stopSampling()
	last, peak, samples := rss.result()
	statuses, err := taskStatuses(ctx, conn)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "tasks: %d   peak RSS of the worker: %s (%s when drained; %d samples)   drain: %.1fs   %.0f tasks/s\n",
		nTasks, mb(peak), mb(last), samples, drain.Seconds(), float64(nTasks)/drain.Seconds())
	fmt.Fprintf(out, "tasks by status: %s   requests at the replays: rdw %d, kvk %d\n", statuses, rdw.Requests(), kvk.Requests())
	verdict := "ok"
	if peak >= rssTarget {
		verdict, missed = "MISSED", true
	}
	fmt.Fprintf(out, "  peak RSS < %s   %s\n", mb(rssTarget), verdict)
	return missed, nil
}

// rssTarget is the worker's memory budget.
const rssTarget = 150e6

// prepare migrates the store and queues the work from this process.
func prepare(ctx context.Context, dsn, dir, redisURL string, nJobs, perJob int) error {
	st, err := store.Open(ctx, dsn, dir)
	if err != nil {
		return fmt.Errorf("opening store: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating store: %w", err)
	}
	return queueWork(ctx, st, redisURL, nJobs, perJob)
}

// waitDrained polls the store until no task is queued or running. It reads
// the tasks table directly (a count, not a list): the store has no count
// and the bench must not load 100,000 tasks to learn how many are left.
func waitDrained(ctx context.Context, conn *sql.DB, worker *deploy.Proc, total int, progress io.Writer) error {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastReport := time.Now()
	for {
		var left int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE status IN ($1, $2)`,
			store.StatusQueued, store.StatusRunning).Scan(&left); err != nil {
			return fmt.Errorf("counting unfinished tasks: %w", err)
		}
		if left == 0 {
			return nil
		}
		if time.Since(lastReport) >= 10*time.Second {
			fmt.Fprintf(progress, "  %d of %d tasks left\n", left, total)
			lastReport = time.Now()
		}
		if worker.Exited() {
			return fmt.Errorf("%s exited with %d tasks left:\n%s", worker.Name, left, worker.Output())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the queue to drain: %d of %d tasks left: %w", left, total, ctx.Err())
		case <-tick.C:
		}
	}
}

// taskStatuses renders the count of tasks per status, e.g. "100000 done".
func taskStatuses(ctx context.Context, conn *sql.DB) (string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT status, count(*) FROM tasks GROUP BY status ORDER BY status`)
	if err != nil {
		return "", fmt.Errorf("counting tasks: %w", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return "", fmt.Errorf("counting tasks: %w", err)
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, status))
	}
	return strings.Join(parts, ", "), rows.Err()
}

// configYAML is production mode with kvk and rdw at their replays, limits
// that never bind, no cache, and every other source off.
func configYAML(o options, addr, dataDir, dsn, rdwURL, kvkURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `server: {addr: %q}
data_dir: %q
queue: {redis_url: %q}
store: {dsn: %q}
egress: {allow_private_networks: true}
log: {level: warn}
enrichment: {max_depth: 0}
sources:
  rdw: {base_url: %q, rate: 100000/s, concurrency: %d, cache_ttl: 0s}
  kvk: {base_url: %q, rate: 100000/s, concurrency: %d, cache_ttl: 0s}
`, addr, dataDir, o.redisURL, dsn, rdwURL, o.concurrency, kvkURL, o.concurrency)
	for _, name := range config.KnownSources() {
		if name != "rdw" && name != "kvk" {
			fmt.Fprintf(&b, "  %s: {enabled: false}\n", name)
		}
	}
	return b.String()
}
