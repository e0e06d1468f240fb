package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

type jobTask struct {
	Source   string `json:"source"`
	Subject  string `json:"subject"`
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error"`
}

type jobState struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"`
	Progress float64   `json:"progress"`
	Tasks    []jobTask `json:"tasks"`
}

// followJob polls the job until it has ended, rendering each state.
func followJob(ctx context.Context, c *apiClient, id string, p *progress) (jobState, error) {
	ticker := time.NewTicker(250 * time.Millisecond)
	defer ticker.Stop()
	for {
		var job jobState
		if err := c.do(ctx, "GET", "/api/v1/jobs/"+url.PathEscape(id), nil, &job); err != nil {
			return job, fmt.Errorf("following job %s: %w", id, err)
		}
		p.render(job)
		switch job.Status {
		case "done", "partial", "failed":
			p.finish(job)
			return job, nil
		}
		select {
		case <-ctx.Done():
			return job, fmt.Errorf("stopped waiting for job %s (still %s): %w", id, job.Status, ctx.Err())
		case <-ticker.C:
		}
	}
}

// progress draws one line per source. On a terminal the lines are redrawn
// in place; elsewhere (a pipe, a log) a line is printed only when it changes.
type progress struct {
	w     io.Writer
	tty   bool
	drawn int
	last  map[string]string
}

func newProgress(w io.Writer) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty, last: map[string]string{}}
}

type sourceCount struct{ total, done, failed, running, skipped int }

func (p *progress) render(job jobState) {
	counts := map[string]*sourceCount{}
	for _, t := range job.Tasks {
		c := counts[t.Source]
		if c == nil {
			c = &sourceCount{}
			counts[t.Source] = c
		}
		c.total++
		switch t.Status {
		case "done":
			c.done++
		case "failed":
			c.failed++
		case "running":
			c.running++
		case "skipped":
			c.skipped++
		}
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	if p.tty && p.drawn > 0 {
		fmt.Fprintf(p.w, "\033[%dA", p.drawn)
	}
	p.drawn = 0
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		line := progressLine(n, width, counts[n])
		if p.tty {
			fmt.Fprintf(p.w, "\033[2K%s\n", line)
			p.drawn++
		} else if p.last[n] != line {
			fmt.Fprintln(p.w, line)
		}
		p.last[n] = line
	}
}

func progressLine(name string, width int, c *sourceCount) string {
	const barWidth = 20
	ended := c.done + c.failed + c.skipped
	filled := 0
	if c.total > 0 {
		filled = ended * barWidth / c.total
	}
	bar := strings.Repeat("#", filled) + strings.Repeat("-", barWidth-filled)
	return fmt.Sprintf("%-*s [%s] %d/%d  done %d  failed %d  running %d", width, name, bar, ended, c.total, c.done, c.failed, c.running)
}

// finish prints the outcome and every failed task's error.
func (p *progress) finish(job jobState) {
	fmt.Fprintf(p.w, "job %s %s\n", job.ID, job.Status)
	for _, t := range job.Tasks {
		if t.Status == "failed" {
			fmt.Fprintf(p.w, "  %s %s failed after %d attempts: %s\n", t.Source, t.Subject, t.Attempts, t.Error)
		}
	}
}
