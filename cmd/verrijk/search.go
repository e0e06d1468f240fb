package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type searchHit struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Caption    string              `json:"caption"`
	Properties map[string][]string `json:"properties"`
	Score      float64             `json:"score"`
}

// identifierProps are shown beside a hit so the analyst sees why it matched.
var identifierProps = []string{"kvkNumber", "vestigingsnummer", "rsin", "postalCode", "bagId", "registrationNumber", "identifier"}

func newSearchCmd(g *globals) *cobra.Command {
	var purpose, schema, signal, from, to, sortBy string
	var srcs []string
	var page int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search QUERY --purpose P [--json]",
		Short: "Search enriched profiles (under a purpose; the search is logged)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if purpose == "" {
				return fmt.Errorf("--purpose is required: every search is tied to a purpose")
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			q := url.Values{"q": {strings.Join(args, " ")}, "purpose_id": {purpose}}
			if schema != "" {
				q.Set("schema", schema)
			}
			if signal != "" {
				q.Set("signal_id", signal)
			}
			if page > 0 {
				q.Set("page", fmt.Sprint(page))
			}
			for _, s := range srcs {
				q.Add("source", s)
			}
			for k, v := range map[string]string{"date_from": from, "date_to": to, "sort": sortBy} {
				if v != "" {
					q.Set(k, v)
				}
			}
			var raw json.RawMessage
			if err := c.do(cmd.Context(), "GET", "/api/v1/search?"+q.Encode(), nil, &raw); err != nil {
				return err
			}
			if asJSON {
				_, err := fmt.Fprintln(g.stdout, string(raw))
				return err
			}
			return printHits(g, raw)
		},
	}
	cmd.Flags().StringVar(&purpose, "purpose", "", "purpose id (required)")
	cmd.Flags().StringVar(&schema, "schema", "", "only this schema (Company, Address, …)")
	cmd.Flags().StringVar(&signal, "signal", "", "only entities linked to this signal")
	cmd.Flags().IntVar(&page, "page", 0, "result page (20 hits a page)")
	cmd.Flags().StringSliceVar(&srcs, "source", nil, "only entities from these sources (repeat or comma-separate)")
	cmd.Flags().StringVar(&from, "from", "", "last seen on or after this date (2026-01-31) or RFC 3339 time")
	cmd.Flags().StringVar(&to, "to", "", "last seen on or before this date or time")
	cmd.Flags().StringVar(&sortBy, "sort", "", "relevance (default) or date")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON answer")
	addClientFlags(cmd, g)
	return cmd
}

func printHits(g *globals, raw json.RawMessage) error {
	var res struct {
		Total int         `json:"total"`
		Hits  []searchHit `json:"hits"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("decoding search answer: %w", err)
	}
	fmt.Fprintf(g.stdout, "%d hits\n", res.Total)
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	for _, h := range res.Hits {
		var ids []string
		for _, p := range identifierProps {
			for _, v := range h.Properties[p] {
				ids = append(ids, p+"="+v)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\n", h.Schema, clipRunes(oneLine(h.Caption), 70), strings.Join(ids, " "), h.Score, h.ID)
	}
	return tw.Flush()
}

// oneLine keeps scraped text from breaking the table or the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// clipRunes keeps a table readable when a caption is a long title.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
