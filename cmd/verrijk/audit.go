package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"verrijk/audit"
)

func newAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Work with the processing log"}
	var asJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit chain: exit 0 if intact, 1 naming the first broken entry",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			v, err := audit.Verify(cmd.Context(), st)
			if err != nil {
				return err
			}
			if asJSON {
				if err := json.NewEncoder(g.stdout).Encode(v); err != nil {
					return err
				}
			} else if v.OK {
				fmt.Fprintf(g.stdout, "audit chain intact: %d entries, head %s\n", v.Entries, v.Head)
			} else {
				fmt.Fprintf(g.stdout, "audit chain BROKEN at entry %d: %s (%d entries before it are intact)\n",
					v.FirstBroken, v.Problem, v.Entries)
			}
			if !v.OK {
				return exitError{1}
			}
			// An intact chain's head is worth remembering: a later cut is
			// then visible.
			_, err = audit.RecordHead(cmd.Context(), st)
			return err
		},
	}
	verify.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.AddCommand(verify)
	return cmd
}
