package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newSignalCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "signal", Short: "Work with signals (API client)"}
	var title, description, ref string
	create := &cobra.Command{
		Use:   "create --title TEXT [--description TEXT] [--ref REF]",
		Short: "Record a signal and print its id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.client()
			if err != nil {
				return err
			}
			var sig struct {
				ID string `json:"id"`
			}
			if err := c.do(cmd.Context(), "POST", "/api/v1/signals",
				map[string]string{"title": title, "description": description, "external_ref": ref}, &sig); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, sig.ID)
			return nil
		},
	}
	create.Flags().StringVar(&title, "title", "", "short title (required)")
	create.Flags().StringVar(&description, "description", "", "what was observed")
	create.Flags().StringVar(&ref, "ref", "", "reference in another system (e.g. a case number)")
	addClientFlags(create, g)
	cmd.AddCommand(create)
	return cmd
}
