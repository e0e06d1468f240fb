package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"verrijk/pipeline/subject"
)

// `verrijk subject report|erase`: the data subject's rights, for the
// privacy officer (an auditor token). Both run through the API, so the
// serve process that holds the index removes erased entities from it too.
func newSubjectCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "subject",
		Short: "Data-subject rights: report everything held on an identifier, or erase it (auditor)",
	}
	cmd.AddCommand(newSubjectReportCmd(g), newSubjectEraseCmd(g))
	return cmd
}

func newSubjectReportCmd(g *globals) *cobra.Command {
	var html bool
	var output string
	cmd := &cobra.Command{
		Use:   "report IDENTIFIER [--html] [--output FILE]",
		Short: "Everything held on a KvK number, name, address, plate or domain, with its processing log (JSON, or a printable HTML page)",
		Example: `  verrijk subject report kvk:68750110
  verrijk subject report 'name:Test BV Donald' --html --output inzage.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sub, err := subject.ParseArg(strings.Join(args, " "))
			if err != nil {
				return fmt.Errorf("identifier: %w", err)
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			q := url.Values{"subject": {sub.String()}}
			if html {
				q.Set("format", "html")
			}
			data, err := c.send(cmd.Context(), "GET", "/api/v1/subjects/report?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			if output != "" {
				if err := os.WriteFile(output, data, 0o600); err != nil {
					return fmt.Errorf("writing the report: %w", err)
				}
				fmt.Fprintf(g.stdout, "report on %s written to %s\n", sub, output)
				return nil
			}
			_, err = g.stdout.Write(data)
			return err
		},
	}
	cmd.Flags().BoolVar(&html, "html", false, "a readable Dutch page (print it to PDF from a browser) instead of JSON")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file (mode 0600) instead of stdout")
	addClientFlags(cmd, g)
	return cmd
}

func newSubjectEraseCmd(g *globals) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "erase IDENTIFIER --reason TEXT",
		Short: "Erase everything held on an identifier (entities, their links and evidence, signal subjects); logged with a pseudonym",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sub, err := subject.ParseArg(strings.Join(args, " "))
			if err != nil {
				return fmt.Errorf("identifier: %w", err)
			}
			if strings.TrimSpace(reason) == "" {
				return fmt.Errorf("--reason is required (e.g. the reference of the data subject's request)")
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			var res struct {
				Entities  []string `json:"entities"`
				Links     int      `json:"links"`
				Evidence  int      `json:"evidence"`
				Subjects  int      `json:"subjects"`
				Referring []string `json:"referring"`
			}
			var raw json.RawMessage
			if err := c.do(cmd.Context(), "POST", "/api/v1/subjects/erasure",
				map[string]string{"subject": sub.String(), "reason": reason}, &raw); err != nil {
				return err
			}
			if err := json.Unmarshal(raw, &res); err != nil {
				return fmt.Errorf("decoding the answer: %w", err)
			}
			fmt.Fprintf(g.stdout, "erased %s: %d entities, %d links, %d evidence records, %d signal subjects\n",
				sub, len(res.Entities), res.Links, res.Evidence, res.Subjects)
			if len(res.Referring) > 0 {
				fmt.Fprintf(g.stdout, "kept %d entities that refer to it (they are about someone or something else): %s\n",
					len(res.Referring), strings.Join(res.Referring, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (the request's reference); written to the audit log (required)")
	addClientFlags(cmd, g)
	return cmd
}
