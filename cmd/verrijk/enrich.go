package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"verrijk/pipeline/subject"
)

// Exit codes of `enrich --wait` for a job that did not fully succeed.
const (
	exitPartial = 2
	exitFailed  = 3
)

type enrichOpts struct {
	signal, purpose, justification string
	sources                        []string
	maxDepth                       int
	wait                           bool
	timeout                        time.Duration
}

func newEnrichCmd(g *globals) *cobra.Command {
	var o enrichOpts
	cmd := &cobra.Command{
		Use:   "enrich --signal ID --purpose P --justification TEXT SUBJECT... [--wait]",
		Short: "Add subjects to a signal and request their enrichment",
		Long: `Adds each SUBJECT (type:value, e.g. kvk:68750110, "address:8823SJ 3A",
plate:6-TJR-64, domain:example.nl, url:https://example.nl, "name:Test BV Donald")
to the signal and requests enrichment under the purpose. With --wait it shows
progress per source until the job ends; the exit code is 0 when every lookup
succeeded, 2 when some failed, 3 when all failed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			subjects, err := parseSubjects(args)
			if err != nil {
				return err
			}
			if o.signal == "" || o.purpose == "" || strings.TrimSpace(o.justification) == "" {
				return fmt.Errorf("--signal, --purpose and --justification are required")
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			return runEnrich(cmd.Context(), c, g, o, subjects, cmd.Flags().Changed("max-depth"))
		},
	}
	cmd.Flags().StringVar(&o.signal, "signal", "", "signal id (required)")
	cmd.Flags().StringVar(&o.purpose, "purpose", "", "purpose id (required)")
	cmd.Flags().StringVar(&o.justification, "justification", "", "why this enrichment is needed (required, logged)")
	cmd.Flags().StringSliceVar(&o.sources, "sources", nil, "only these sources (default: all the purpose allows)")
	cmd.Flags().IntVar(&o.maxDepth, "max-depth", 0, "follow-up depth (default: enrichment.max_depth of the server)")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "show progress until the job has ended")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 30*time.Minute, "with --wait: give up waiting after this long")
	addClientFlags(cmd, g)
	return cmd
}

// parseSubjects validates every argument before anything is sent, so a typo
// in the third subject does not leave the first two half-processed.
func parseSubjects(args []string) ([]subject.Subject, error) {
	var out []subject.Subject
	var problems []string
	for _, a := range args {
		s, err := subject.ParseArg(a)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out = append(out, s)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid subject: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func runEnrich(ctx context.Context, c *apiClient, g *globals, o enrichOpts, subjects []subject.Subject, depthSet bool) error {
	sig := url.PathEscape(o.signal)
	for _, s := range subjects {
		if err := c.do(ctx, "POST", "/api/v1/signals/"+sig+"/subjects", map[string]string{"type": string(s.Type), "value": s.Value}, nil); err != nil {
			return fmt.Errorf("adding subject %s: %w", s, err)
		}
	}
	body := map[string]any{"purpose_id": o.purpose, "justification": o.justification}
	if len(o.sources) > 0 {
		body["sources"] = o.sources
	}
	if depthSet {
		body["max_depth"] = o.maxDepth
	}
	var accepted struct {
		JobID string `json:"job_id"`
	}
	if err := c.do(ctx, "POST", "/api/v1/signals/"+sig+"/enrichments", body, &accepted); err != nil {
		return fmt.Errorf("requesting enrichment: %w", err)
	}
	fmt.Fprintln(g.stdout, "job", accepted.JobID)
	if !o.wait {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	job, err := followJob(ctx, c, accepted.JobID, newProgress(g.stdout))
	if err != nil {
		return err
	}
	switch job.Status {
	case "partial":
		return exitError{exitPartial}
	case "failed":
		return exitError{exitFailed}
	}
	return nil
}
