// Command ratelimit checks that verrijk keeps to a source's rate limit
// across several worker processes, and uses what the limit allows:
//
//	go run ./bench/ratelimit [-rate R] [-duration 20s] [-workers 3] [-redis URL]
//
// It builds verrijk, starts a local RDW replay that enforces R requests/s
// plus a burst of R (429 beyond that), runs `verrijk serve` and W
// `verrijk worker` processes in production mode (Redis and PostgreSQL)
// with sources.rdw.rate R/s, keeps them busy with plate lookups, and
// reports what arrived at the source. See bench/README.md.
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
	rate        int
	duration    time.Duration
	workers     int
	concurrency int
	redisURL    string
	postgres    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ratelimit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.rate, "rate", 20, "the source's limit and sources.rdw.rate, requests per second (burst: the same)")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to measure, from the first request at the source")
	fs.IntVar(&o.workers, "workers", 3, "number of `verrijk worker` processes")
	fs.IntVar(&o.concurrency, "concurrency", 8, "sources.rdw.concurrency: requests in flight to the source, all workers together (each worker runs as many lookups)")
	fs.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/9", "Redis for the queue and the limiter; this database is FLUSHED at start and end")
	fs.StringVar(&o.postgres, "postgres", deploy.DefaultAdminDSN, "PostgreSQL server on which a fresh database is created for the run and dropped after")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/ratelimit [flags]\n\n"+
			"Runs verrijk serve and worker processes against a local RDW replay that enforces\n"+
			"-rate requests/s (burst -rate) and reports the busiest second, the achieved rate\n"+
			"and the 429s. WARNING: the -redis database is flushed.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.rate < 1 || o.rate > 10000:
		return o, fmt.Errorf("-rate must be between 1 and 10000")
	case o.duration < 5*time.Second:
		return o, fmt.Errorf("-duration must be at least 5s")
	case o.workers < 1 || o.workers > 32:
		return o, fmt.Errorf("-workers must be between 1 and 32")
	case o.concurrency < 1 || o.concurrency > 256:
		return o, fmt.Errorf("-concurrency must be between 1 and 256")
	}
	return o, nil
}

func main() {
	cli.Main("ratelimit", parseFlags, func(ctx context.Context, o options) (bool, error) { return run(ctx, o, os.Stdout) })
}

// report prints the result and checks it against the targets; it returns
// whether any target was missed.
func report(out io.Writer, o options, r result, cutoff time.Time) bool {
	limit := 2 * o.rate // rate + burst
	fmt.Fprintf(out, "source limit: %d/s (burst %d)   workers: %d   duration: %.1fs\n",
		o.rate, o.rate, o.workers, o.duration.Seconds())
	fmt.Fprintf(out, "requests: %d   max in any 1s window: %d (limit %d)   achieved: %.2f of %d/s   429s: %d\n",
		r.requests, r.maxWindow, limit, r.achieved, o.rate, r.rejected)
	fmt.Fprintf(out, "after the opening burst (from %.0fs): max in any 1s window %d\n", steadyAfter.Seconds(), r.maxSteady)
	checks := []struct {
		ok   bool
		what string
	}{
		{r.maxWindow <= limit, fmt.Sprintf("max in any 1s window ≤ %d", limit)},
		{r.achieved >= 0.95, "achieved ≥ 0.95 of the rate"},
		{r.rejected == 0, "no 429s"},
	}
	missed := false
	for _, c := range checks {
		verdict := "ok"
		if !c.ok {
			verdict, missed = "MISSED", true
		}
		fmt.Fprintf(out, "  %-32s %s\n", c.what, verdict)
	}
	if idle := cutoff.Sub(r.last); r.requests > 0 && idle > time.Second {
		fmt.Fprintf(out, "note: no request in the last %.1fs of the period: the work ran out (a bench problem, not a limiter one)\n", idle.Seconds())
	}
	return missed
}
