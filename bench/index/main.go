// Command index measures verrijk's Bleve index against bare Bleve on the
// same generated entities, in one run: indexing rate, and p50/p99 latency
// of a fixed query mix, each as a ratio verrijk/bare.
//
//	go run ./bench/index [-n 100000] [-rounds 20] [-dir DIR]
//
// See bench/README.md for what each figure includes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"verrijk/bench/internal/cli"
	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/entity"
)

// Targets: verrijk indexing within 1.5× of bare Bleve's time, and a p99
// under 100 ms at 1,000,000 entities.
const (
	targetIndexRatio = 1.5
	targetP99        = 100 * time.Millisecond
	targetP99At      = 1_000_000
)

type options struct {
	n        int
	chunk    int
	rounds   int
	variants int
	dir      string
	keep     bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 100000, "entities to index (the 1,000,000 case takes minutes)")
	fs.IntVar(&o.chunk, "chunk", 5000, "entities handed to each index per call (verrijk's Upsert splits them into batches of 500, as bare Bleve does here)")
	fs.IntVar(&o.rounds, "rounds", 20, "measured rounds of the query mix per index")
	fs.IntVar(&o.variants, "variants", 10, "variants of each query kind in the mix")
	fs.StringVar(&o.dir, "dir", "", "directory for the two indexes (default: a temp dir, removed afterwards)")
	fs.BoolVar(&o.keep, "keep", false, "keep the indexes in -dir afterwards")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./bench/index [flags]\n\n"+
			"Indexes the same generated entities into verrijk's Bleve index and into a bare Bleve index\n"+
			"(default mapping), runs the same fixed query mix on both, and prints entities/s and p50/p99\n"+
			"latency for each and their ratios.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.n < 100:
		return o, fmt.Errorf("-n must be at least 100")
	case o.chunk < 1 || o.rounds < 1 || o.variants < 1:
		return o, fmt.Errorf("-chunk, -rounds and -variants must be at least 1")
	}
	return o, nil
}

func main() {
	cli.Main("index", parseFlags, func(ctx context.Context, o options) (bool, error) { return run(ctx, o, os.Stdout) })
}

// result is one index's figures.
type result struct {
	name      string
	indexTime time.Duration
	lat       []time.Duration
	empty     int
	bytes     int64
}

func (r result) rate(n int) float64 { return float64(n) / r.indexTime.Seconds() }

// The measurements are interleaved: each chunk of entities goes into both
// indexes, and each query of the mix runs on both, in turns, with the
// order swapped every time. Load from other processes on this shared
// machine then weighs on both alike, so the ratios hold even when the
// absolute figures wander.
func run(ctx context.Context, o options, out io.Writer) (missed bool, err error) {
	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "verrijk-bench-index-"); err != nil {
			return false, err
		}
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	mix := queryMix(o.n, o.variants)
	fmt.Fprintf(out, "entities: %d (30%% companies, 10%% branches, 25%% addresses, 15%% persons, 12%% vehicles, 8%% domains)\n", o.n)
	fmt.Fprintf(out, "links: 1-3 signals each of %d, %d teams; every search as one team (owning %d signals) under one purpose\n",
		signals, teams, signals/teams)
	fmt.Fprintf(out, "query mix: %d kinds × %d variants = %d queries, %d measured rounds; GOMAXPROCS %d; load average %s\n",
		len(queryKinds), o.variants, len(mix), o.rounds, runtime.GOMAXPROCS(0), loadAverage())

	barePath, verPath := filepath.Join(dir, "bare"), filepath.Join(dir, "verrijk")
	idx, err := bleve.New(barePath, bleve.NewIndexMapping())
	if err != nil {
		return false, fmt.Errorf("creating bare index: %w", err)
	}
	x, err := bleveindex.Open(verPath)
	if err != nil {
		idx.Close()
		return false, err
	}
	targets := []target{bareTarget{idx}, verrijkTarget{x: x}}
	results := []result{{name: "bare bleve"}, {name: "verrijk index"}}
	defer func() {
		for _, t := range targets {
			if cerr := t.Close(); err == nil && cerr != nil {
				err = cerr
			}
		}
	}()

	if err := indexBoth(ctx, targets, results, o, out); err != nil {
		return false, err
	}
	lat, empty, err := latencies(ctx, targets, mix, o.rounds)
	if err != nil {
		return false, err
	}
	for i := range results {
		results[i].lat, results[i].empty = lat[i], empty[i]
	}
	// The diagnostic runs on its own afterwards: its browse queries
	// collect every entity of the purpose, and the garbage they leave
	// would slow the measured queries running beside them.
	only, _, err := latencies(ctx, []target{verrijkTarget{x: x, purposeOnly: true}}, mix, o.rounds)
	if err != nil {
		return false, err
	}
	lat = append(lat, only[0])
	// Not in the mix: the browse sorted by date (newest first), which
	// reads a sort key of every hit.
	dated, _, err := latencies(ctx, []target{verrijkTarget{x: x, sort: index.SortDate}}, kindOnly(mix, "browse"), o.rounds)
	if err != nil {
		return false, err
	}
	results[0].bytes, results[1].bytes = dirSize(barePath), dirSize(verPath)

	bare, ver := results[0], results[1]
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-14s %10s %12s %9s %9s %10s %8s\n", "", "index time", "entities/s", "p50", "p99", "size", "no hits")
	for _, r := range results {
		fmt.Fprintf(out, "%-14s %10s %12.0f %9s %9s %9.0fM %8d\n", r.name, secs(r.indexTime), r.rate(o.n),
			ms(percentile(r.lat, 50)), ms(percentile(r.lat, 99)), float64(r.bytes)/1e6, r.empty)
	}
	indexRatio := ver.indexTime.Seconds() / bare.indexTime.Seconds()
	p99 := percentile(ver.lat, 99)
	fmt.Fprintf(out, "ratio verrijk/bare: index time %.2f× (target ≤ %.1f×), p50 %.2f×, p99 %.2f×\n", indexRatio, targetIndexRatio,
		ratio(percentile(ver.lat, 50), percentile(bare.lat, 50)), ratio(p99, percentile(bare.lat, 99)))
	fmt.Fprintf(out, "verrijk without the team filter (purpose only): p50 %s, p99 %s\n",
		ms(percentile(lat[2], 50)), ms(percentile(lat[2], 99)))
	fmt.Fprintln(out, "verrijk latency by query kind (with the team filter; purpose only):")
	for _, k := range queryKinds {
		team, only := byKind(lat[1], mix, k, o.rounds), byKind(lat[2], mix, k, o.rounds)
		fmt.Fprintf(out, "  %-10s p50 %8s  p99 %8s   (p50 %8s  p99 %8s)\n", k, ms(percentile(team, 50)), ms(percentile(team, 99)),
			ms(percentile(only, 50)), ms(percentile(only, 99)))
	}
	fmt.Fprintf(out, "  (not in the mix) browse sorted by date: p50 %8s  p99 %8s\n", ms(percentile(dated[0], 50)), ms(percentile(dated[0], 99)))
	fmt.Fprintf(out, "load average at the end: %s\n", loadAverage())
	missed = indexRatio > targetIndexRatio
	if o.n >= targetP99At {
		fmt.Fprintf(out, "verrijk p99 at %d entities: %s (target < %s)\n", o.n, ms(p99), ms(targetP99))
		missed = missed || p99 >= targetP99
	}
	return missed, nil
}

// indexBoth feeds the same chunks to both indexes in turns, timing each
// index's calls only (generating the entities is neither's work).
func indexBoth(ctx context.Context, targets []target, results []result, o options, out io.Writer) error {
	began := time.Now()
	next := o.n / 10
	ents := make([]entity.Entity, 0, o.chunk)
	for chunk, start := 0, 0; start < o.n; chunk, start = chunk+1, start+o.chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		ents = ents[:0]
		for i := start; i < min(start+o.chunk, o.n); i++ {
			ents = append(ents, generate(i))
		}
		for k := range targets {
			i := (k + chunk) % len(targets) // who goes first alternates
			t0 := time.Now()
			if err := targets[i].index(ctx, ents); err != nil {
				return fmt.Errorf("%s: indexing entities %d–%d: %w", results[i].name, start, start+len(ents)-1, err)
			}
			results[i].indexTime += time.Since(t0)
		}
		if done := start + len(ents); done >= next && done < o.n {
			fmt.Fprintf(out, "  %d indexed into both (%s; bare %s, verrijk %s)\n", done, secs(time.Since(began)),
				secs(results[0].indexTime), secs(results[1].indexTime))
			next += o.n / 10
		}
	}
	for _, r := range results {
		fmt.Fprintf(out, "%s: %d entities indexed in %s (%.0f/s)\n", r.name, o.n, secs(r.indexTime), r.rate(o.n))
	}
	return nil
}

// kindOnly keeps the queries of one kind of the mix.
func kindOnly(mix []benchQuery, kind string) []benchQuery {
	var out []benchQuery
	for _, q := range mix {
		if q.kind == kind {
			out = append(out, q)
		}
	}
	return out
}

// byKind picks the latencies of one query kind out of a run of the mix.
func byKind(lat []time.Duration, mix []benchQuery, kind string, rounds int) []time.Duration {
	var ds []time.Duration
	for round := range rounds {
		for i, q := range mix {
			if q.kind == kind {
				ds = append(ds, lat[round*len(mix)+i])
			}
		}
	}
	return ds
}

func dirSize(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// loadAverage reads the 1, 5 and 15 minute load averages (Linux), so a
// run on a busy machine says so.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
