package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"verrijk/api"
)

func newSourcesCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "List sources: enabled state, rate, what they look up, and their health over the last day",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			rt, err := openRuntime(cmd.Context(), cfg, newLogger(cfg, g.stderr), false)
			if err != nil {
				return err
			}
			defer rt.Close()
			list, err := api.SourceStatuses(cmd.Context(), rt.store, rt.sourceSettings(), rt.adapters, rt.limiter.State, time.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(g.stdout).Encode(map[string]any{"sources": list})
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tENABLED\tRATE\tCONC\tIN FLIGHT\tHEALTH\tDONE/FAILED 24h\tERROR RATE\tLAST SUCCESS\tLAST ERROR\tACCEPTS")
			for _, s := range list {
				accepts := make([]string, len(s.Accepts))
				for i, t := range s.Accepts {
					accepts[i] = string(t)
				}
				fmt.Fprintf(tw, "%s\t%v\t%s\t%d\t%d\t%s\t%d/%d\t%.0f%%\t%s\t%s\t%s\n", s.Name, s.Enabled, s.Rate, s.Concurrency,
					s.InFlight, s.Health, s.Done, s.Failed, 100*s.ErrorRate, when(s.LastSuccess), lastError(s), strings.Join(accepts, ","))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func lastError(s api.SourceStatus) string {
	if s.LastError == "" {
		return "-"
	}
	return when(s.LastErrorAt) + " " + clipRunes(oneLine(s.LastError), 60)
}
