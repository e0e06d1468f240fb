package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"verrijk/workers"
)

func newWorkerCmd(g *globals) *cobra.Command {
	return &cobra.Command{
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
			go rt.reconciler().Run(cmd.Context())
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
}
