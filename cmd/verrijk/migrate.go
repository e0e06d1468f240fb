package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"verrijk/store"
)

func newMigrateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply store migrations (serve and worker also do this at start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Store.DSN, cfg.DataDir)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Migrate(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintln(g.stderr, "store migrated")
			return nil
		},
	}
}
