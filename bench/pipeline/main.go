// Command pipeline measures verrijk's enrichment throughput against bare
// Asynq on the same Redis, in one run:
//
//	go run ./bench/pipeline [-redis URL | -embedded] [-tasks N] [-concurrency C] [-store-dsn postgres://…]
//
// See bench/README.md for what each figure includes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"time"
	"verrijk/bench/internal/cli"

	"verrijk/egress"
	"verrijk/store"
)

// limiterRate is the egress rate per source with -limiter redis: egress's
// maximum, far above what the pipeline reaches, so it never makes a
// request wait but still costs its Redis round trip, as in production.
var limiterRate = egress.Rate{N: 100000, Per: time.Second}

type options struct {
	redisURL    string
	embedded    bool
	tasks       int
	concurrency int
	storeDSN    string
	limiter     string
	timeout     time.Duration
	cpuProfile  string
	stages      bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("pipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/8",
		"Redis URL for both measurements; its database is FLUSHED at start and between the measurements")
	fs.BoolVar(&o.embedded, "embedded", false, "use an in-process miniredis for both measurements instead of -redis")
	fs.IntVar(&o.tasks, "tasks", 1000, "tasks per measurement (rounded up to whole jobs of 3 tasks)")
	fs.IntVar(&o.concurrency, "concurrency", 8, "Asynq worker concurrency, the same for both measurements")
	fs.StringVar(&o.storeDSN, "store-dsn", "", "empty: SQLite in a temp dir; postgres://… : that (preferably fresh) database")
	fs.StringVar(&o.limiter, "limiter", "redis", "egress rate limiter: redis (GCRA at 100000/s per source) or none")
	fs.DurationVar(&o.timeout, "timeout", 3*time.Minute, "give up a measurement after this long")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed pipeline part to this file")
	fs.BoolVar(&o.stages, "stages", false, "also print the workers' wall time per store, index and source call")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/pipeline [flags]\n\n"+
			"Measures bare Asynq (no-op handler) and verrijk's enrichment pipeline (real workers,\n"+
			"sources against local replay servers, real store and Bleve index) on the same Redis,\n"+
			"and prints both rates and their ratio. WARNING: the -redis database is flushed.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.tasks < 1:
		return o, fmt.Errorf("-tasks must be at least 1")
	case o.concurrency < 1:
		return o, fmt.Errorf("-concurrency must be at least 1")
	case o.limiter != "redis" && o.limiter != "none":
		return o, fmt.Errorf("-limiter must be redis or none")
	}
	return o, nil
}

func main() {
	cli.Main("pipeline", parseFlags, func(ctx context.Context, o options) (bool, error) { return false, run(ctx, o, os.Stdout) })
}

func run(ctx context.Context, o options, out io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	rt, err := openRedis(ctx, o.redisURL, o.embedded)
	if err != nil {
		return err
	}
	defer rt.Close()
	dir, err := os.MkdirTemp("", "verrijk-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The store and the jobs are prepared first, untimed: the pipeline is
	// measured from its first enqueue, like a job the API has just stored.
	p, err := openPipeline(ctx, o, rt, dir)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := ensurePurpose(ctx, p.store, p.audit); err != nil {
		return err
	}
	subs, err := parseSubjects()
	if err != nil {
		return err
	}
	perJob := len(tasksFor(subs, p.sources))
	nJobs := (o.tasks + perJob - 1) / perJob
	setupStart := time.Now()
	jobs, err := createJobs(ctx, p.store, p.audit, p.sources, nJobs)
	if err != nil {
		return err
	}
	setup := time.Since(setupStart)
	nTasks := nJobs * perJob

	fmt.Fprintf(out, "redis: %s   store: %s   tasks: %d   concurrency: %d\n", rt.label, storeLabel(o.storeDSN), nTasks, o.concurrency)
	fmt.Fprintf(out, "jobs: %d × %d tasks (%s), max depth 0; created in %s (untimed)\n",
		nJobs, perJob, taskKinds(jobs[0]), setup.Round(time.Millisecond))
	fmt.Fprintln(out, "egress limiter:", limiterLabel(o.limiter))

	if err := rt.flush(ctx); err != nil {
		return err
	}
	bctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	bare, err := runBare(bctx, rt, nTasks, o.concurrency, 70*time.Second)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bare asynq no-op:   %7.0f tasks/s   (%s; enqueue %s)\n", bare.rate(), secs(bare.total), secs(bare.enqueue))

	if err := rt.flush(ctx); err != nil {
		return err
	}
	stopProfile := func() {}
	if o.cpuProfile != "" {
		if stopProfile, err = startCPUProfile(o.cpuProfile); err != nil {
			return err
		}
	}
	pctx, cancel2 := context.WithTimeout(ctx, o.timeout)
	defer cancel2()
	var st *stages
	if o.stages {
		st = newStages()
	}
	pipe, err := p.run(pctx, rt, jobs, o.concurrency, log, st)
	stopProfile()
	if err != nil {
		return err
	}
	rep, err := outcome(ctx, p.store, jobs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "verrijk pipeline:   %7.0f tasks/s   (%s; enqueue %s; jobs %s; retries %d; replay requests kvk %d, bag %d)\n",
		pipe.rate(), secs(pipe.total), secs(pipe.enqueue), statusLine(rep.jobs), rep.retries, p.kvk.Requests(), p.bag.Requests())
	fmt.Fprintf(out, "ratio pipeline/bare:  %.3f\n", pipe.rate()/bare.rate())
	if st != nil {
		st.print(out, time.Duration(o.concurrency)*pipe.total)
	}
	ic, err := checkIndex(ctx, p.store, p.index, jobs)
	if err != nil {
		return err
	}
	if ic.short > 0 {
		fmt.Fprintf(out, "index check: %d of %d signals miss %d linked entities in the index (stale concurrent index writes)\n",
			ic.short, ic.signals, ic.missing)
	} else {
		fmt.Fprintf(out, "index check: all %d signals find their linked entities in the index\n", ic.signals)
	}
	if rep.failedQueries > 0 {
		fmt.Fprintf(out, "failed attempts: %d; first: %s\n", rep.failedQueries, rep.firstFailure)
	}
	if rep.jobs[store.StatusDone] != nJobs {
		return fmt.Errorf("not every job ended done")
	}
	return nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// storeLabel names the store without echoing a password from the DSN.
func storeLabel(dsn string) string {
	if dsn == "" {
		return "sqlite"
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	return "postgres " + u.Host + u.Path
}

func limiterLabel(kind string) string {
	if kind == "none" {
		return "none (requests are never throttled)"
	}
	return fmt.Sprintf("redis GCRA at %s per source (never binding; one Redis call per request)", limiterRate)
}

// taskKinds lists a job's lookups as source×subject type.
func taskKinds(j store.Job) string {
	kinds := make([]string, 0, len(j.Tasks))
	for _, t := range j.Tasks {
		kinds = append(kinds, t.Source+"×"+string(t.SubjectType))
	}
	return strings.Join(kinds, ", ")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
