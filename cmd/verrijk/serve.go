package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/config"
	"verrijk/sources/registry"
	"verrijk/workers"
)

func newServeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API and web UI (and, on the embedded queue, the workers)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, g)
		},
	}
}

func serve(ctx context.Context, cfg *config.Config, g *globals) error {
	log := newLogger(cfg, g.stderr)
	rt, err := openRuntime(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer rt.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	embedded := cfg.Queue.RedisURL == ""
	rt.followSources(ctx)
	rt.followIndicators(ctx, true)
	go audit.KeepRecordingHeads(ctx, rt.store, 10*time.Minute, log)
	if embedded {
		srv, mux := workers.NewServer(rt.redisOpt, rt.concurrency(), rt.processor(), log)
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("starting workers: %w", err)
		}
		defer srv.Shutdown()
	}
	go rt.reconciler().Run(ctx)
	// Workers write the store first and the index second. In embedded mode
	// they write the index themselves, and the projector catches up now and
	// then on whatever a failed index write or a crash left behind; in
	// production mode separate workers cannot reach the embedded index, so
	// the projector follows the store every second.
	// With Elasticsearch every worker writes the shared index itself too,
	// so the projector only catches up on what a failed write left behind.
	projector := &workers.Projector{Store: rt.store, Index: rt.index, Log: log}
	if embedded || cfg.Index.Backend == "elasticsearch" {
		projector.Interval = 30 * time.Second
	}
	go projector.Run(ctx)
	// The retention sweep runs where the index is: at start, and daily
	// from the maintenance queue (retention.go).
	stopRetention, err := startRetention(ctx, rt, log)
	if err != nil {
		return err
	}
	defer stopRetention()

	pol, err := sweepPolicy(cfg)
	if err != nil {
		return err
	}
	var handler http.Handler
	ui := rt.webUI(cfg, log, &handler)
	handler = api.New(api.Deps{Store: rt.store, Index: rt.index, Audit: rt.audit, Enqueue: rt.enqueuer.Enqueue,
		SignalPeriod: pol.SignalPeriod,
		Sources:      rt.sources, Known: config.KnownSources(), MaxDepth: cfg.Enrichment.MaxDepth,
		Adapters: rt.adapters, SourceSettings: rt.sourceSettings(), LiveState: rt.limiter.State,
		PseudonymKey: []byte(cfg.Audit.PseudonymKey), CriminalOffenceSources: registry.CriminalOffenceSources(),
		Ready: rt.ready, Metrics: rt.metrics(), Web: ui, Log: log, Indicators: rt.indicators})
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("server.addr: %w", err)
	}
	httpSrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	mode := "production (external Redis; run `verrijk worker` processes)"
	if embedded {
		mode = "embedded (in-process Redis and workers)"
	}
	log.Info("verrijk serving", "addr", ln.Addr().String(), "mode", mode, "data_dir", cfg.DataDir,
		"sources", len(rt.sources))
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdownCtx, done := context.WithTimeout(context.Background(), 15*time.Second)
	defer done()
	return httpSrv.Shutdown(shutdownCtx)
}
