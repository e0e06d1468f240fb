package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"verrijk/config"
	"verrijk/store"
)

func newMigrateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply store migrations (serve and worker also do this at start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			fmt.Fprintln(g.stderr, "store migrated")
			return nil
		},
	}
}

// openMigratedStore opens the configured store and applies its migrations.
func openMigratedStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	st, err := store.Open(ctx, cfg.Store.DSN, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrating store: %w", err)
	}
	return st, nil
}

// openStore loads the configuration and opens its migrated store: what
// every command that works on the store directly starts with.
func (g *globals) openStore(ctx context.Context) (store.Store, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	return openMigratedStore(ctx, cfg)
}
