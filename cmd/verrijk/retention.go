package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"verrijk/audit"
	"verrijk/config"
	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	"verrijk/retention"
	"verrijk/workers"
)

// indexOpenWait is how long `retention run` waits for the embedded index.
// Bleve waits without end for a lock another process holds, and a running
// serve holds it for as long as it runs.
const indexOpenWait = 5 * time.Second

func newRetentionCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "retention", Short: "Storage limitation: delete what the purposes' retention no longer allows"}
	var nowFlag string
	var asJSON bool
	run := &cobra.Command{
		Use:   "run",
		Short: "Run the retention sweep once: expired links, then the entities and evidence they leave unheld",
		Long: `Deletes, as of now (or --now), every expired signal link, then the entities
no link holds any more and the evidence only they referenced, from the store
and the index, and writes a retention.deleted audit entry for each deletion.
serve runs the same sweep daily and at start.

While serve runs, it holds the embedded index: the sweep then deletes from
the store only, and serve drops the deleted entities from its index at its
next sweep (daily, or when it starts again).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			if nowFlag != "" {
				t, err := time.Parse(time.RFC3339, nowFlag)
				if err != nil {
					return fmt.Errorf("--now: want an RFC 3339 time such as 2027-01-31T00:00:00Z: %w", err)
				}
				now = t
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return runRetention(cmd.Context(), cfg, g, now, asJSON)
		},
	}
	run.Flags().StringVar(&nowFlag, "now", "", "sweep as of this moment (RFC 3339) instead of the current time; recorded in the audit log")
	run.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	cmd.AddCommand(run)
	return cmd
}

func runRetention(ctx context.Context, cfg *config.Config, g *globals, now time.Time, asJSON bool) error {
	st, err := openMigratedStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ix, why := openSweepIndex(ctx, cfg)
	if ix != nil {
		defer ix.Close()
	}
	pol, err := sweepPolicy(cfg)
	if err != nil {
		return err
	}
	res, err := workers.Sweep(ctx, st, ix, audit.New(st), now, pol)
	if asJSON {
		out := struct {
			workers.SweepResult
			AsOf      time.Time `json:"as_of"`
			IndexNote string    `json:"index_note,omitempty"`
		}{res, now.UTC(), why}
		if jerr := json.NewEncoder(g.stdout).Encode(out); jerr != nil {
			return jerr
		}
	} else {
		fmt.Fprintf(g.stdout, "retention sweep as of %s: purged %d signals; deleted %d links, %d entities, %d evidence; re-indexed %d\n",
			now.UTC().Format(time.RFC3339), res.Signals, res.Links, res.Entities, res.Evidence, res.Reprojected)
		if why != "" {
			fmt.Fprintf(g.stdout, "index not swept: %s; the serve process that holds it drops the deleted entities "+
				"from it at its next sweep (daily, and when it starts)\n", why)
		}
	}
	if err != nil {
		return fmt.Errorf("retention sweep: %w", err)
	}
	return nil
}

// openSweepIndex opens the embedded index when this process can have it;
// otherwise it returns nil and why, and the sweep leaves the index to serve.
func openSweepIndex(ctx context.Context, cfg *config.Config) (index.Index, string) {
	if b := cfg.Index.Backend; b == "elasticsearch" {
		// A shared cluster: no other process holds it.
		ix, err := openESIndex(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			return nil, err.Error()
		}
		return ix, ""
	} else if b != "" && b != "bleve" {
		return nil, fmt.Sprintf("index.backend %q is not available in this build", b)
	}
	path := filepath.Join(cfg.DataDir, "index.bleve")
	// Never create an index here: on a machine without serve's data_dir
	// there is nothing to sweep.
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, "no index in " + cfg.DataDir
	}
	type opened struct {
		ix  *bleveindex.Index
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		ix, err := bleveindex.Open(path)
		ch <- opened{ix, err}
	}()
	timer := time.NewTimer(indexOpenWait)
	defer timer.Stop()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err.Error()
		}
		return o.ix, ""
	case <-timer.C:
	case <-ctx.Done():
	}
	// Should the lock come free before this process exits, close what the
	// abandoned open returns rather than leave it open.
	go func() {
		if o := <-ch; o.ix != nil {
			o.ix.Close()
		}
	}()
	return nil, "the index in " + cfg.DataDir + " is in use (is serve running?)"
}

// startRetention runs the sweep in serve, the process that owns the index:
// once now, in the background, and then from the daily retention:sweep
// task, which a small Asynq server consuming only the maintenance queue
// handles (in production mode the workers never take it, as they cannot
// reach the embedded index). The returned function stops it all.
func startRetention(ctx context.Context, rt *runtime, log *slog.Logger) (func(), error) {
	pol, err := sweepPolicy(rt.cfg)
	if err != nil {
		return nil, err
	}
	sw := &workers.Sweeper{Store: rt.store, Index: rt.index, Audit: rt.audit, Log: log, Policy: pol}
	srv, mux := workers.NewMaintenanceServer(rt.redisOpt, sw, log)
	if err := srv.Start(mux); err != nil {
		return nil, fmt.Errorf("starting the maintenance worker: %w", err)
	}
	sch, err := workers.NewSweepScheduler(rt.redisOpt, workers.SweepSchedule, log)
	if err == nil {
		err = sch.Start()
	}
	if err != nil {
		srv.Shutdown()
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := sw.RunOnce(ctx); err != nil && ctx.Err() == nil {
			log.Warn("retention sweep at start", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
		sch.Shutdown()
		srv.Shutdown()
	}, nil
}

// sweepPolicy reads what the sweep removes besides expired links.
func sweepPolicy(cfg *config.Config) (workers.Policy, error) {
	p, err := retention.Parse(cfg.Retention.SignalPeriod)
	if err != nil {
		return workers.Policy{}, fmt.Errorf("retention.signal_period: %w", err)
	}
	return workers.Policy{SignalPeriod: p}, nil
}
