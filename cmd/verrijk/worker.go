package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"verrijk/workers"
)

func newWorkerCmd(g *globals) *cobra.Command {
	var metricsAddr string
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run a worker process on the shared Redis (production mode)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if cfg.Queue.RedisURL == "" {
				return fmt.Errorf("queue.redis_url is empty: on the embedded queue `verrijk serve` runs the workers itself")
			}
			log := newLogger(cfg, g.stderr)
			// The embedded Bleve index belongs to the serve process, which
			// projects new entities from the store; a worker writes to the
			// index only when the index is a shared server.
			withIndex := cfg.Index.Backend == "elasticsearch"
			rt, err := openRuntime(cmd.Context(), cfg, log, withIndex)
			if err != nil {
				return err
			}
			defer rt.Close()
			rt.followSources(cmd.Context())
			rt.followIndicators(cmd.Context(), false)
			go rt.reconciler().Run(cmd.Context())
			if metricsAddr != "" {
				if err := serveMetrics(cmd.Context(), metricsAddr, rt); err != nil {
					return err
				}
			}
			srv, mux := workers.NewServer(rt.redisOpt, rt.concurrency(), rt.processor(), log)
			if err := srv.Start(mux); err != nil {
				return fmt.Errorf("starting worker: %w", err)
			}
			log.Info("verrijk worker running", "sources", len(rt.sources))
			<-cmd.Context().Done()
			srv.Shutdown()
			return nil
		},
	}
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve /metrics and /healthz of this worker on this address (e.g. 127.0.0.1:9101)")
	return cmd
}

// serveMetrics exposes a worker's metrics; it stops with ctx.
func serveMetrics(ctx context.Context, addr string, rt *runtime) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", rt.metrics())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() { <-ctx.Done(); _ = srv.Shutdown(context.Background()) }()
	return nil
}
