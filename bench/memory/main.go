// Command memory measures a `verrijk worker` process's resident memory
// while it drains a large queue, and how long the draining takes:
//
//	go run ./bench/memory [-tasks 100000] [-redis URL]
//
// It builds verrijk, stores and queues the tasks from this process (as the
// API would, but faster), then starts one worker in production mode
// against zero-latency replays of kvk and rdw and samples its VmRSS every
// 100 ms until every task has ended. See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
	"verrijk/bench/internal/cli"

	"verrijk/bench/internal/deploy"
)

type options struct {
	tasks       int
	perJob      int
	concurrency int
	redisURL    string
	postgres    string
	timeout     time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("memory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.tasks, "tasks", 100000, "tasks queued before the worker starts (rounded up to whole jobs)")
	fs.IntVar(&o.perJob, "per-job", 20, "tasks per job (subjects per signal), half rdw and half kvk")
	fs.IntVar(&o.concurrency, "concurrency", 4, "sources.<name>.concurrency of rdw and kvk: requests in flight to each (verrijk's default: 4)")
	fs.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/10", "Redis for the queue; this database is FLUSHED at start and end")
	fs.StringVar(&o.postgres, "postgres", deploy.DefaultAdminDSN, "PostgreSQL server on which a fresh database is created for the run and dropped after")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "give up draining after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/memory [flags]\n\n"+
			"Queues -tasks lookups, starts one verrijk worker against zero-latency kvk and rdw\n"+
			"replays and reports its peak resident memory and the drain time.\n"+
			"WARNING: the -redis database is flushed.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.tasks < 1 || o.tasks > 1000000:
		return o, fmt.Errorf("-tasks must be between 1 and 1000000")
	case o.perJob < 1 || o.perJob > 1000:
		return o, fmt.Errorf("-per-job must be between 1 and 1000")
	case o.concurrency < 1 || o.concurrency > 256:
		return o, fmt.Errorf("-concurrency must be between 1 and 256")
	}
	return o, nil
}

func main() {
	cli.Main("memory", parseFlags, func(ctx context.Context, o options) (bool, error) { return run(ctx, o, os.Stdout, os.Stderr) })
}
