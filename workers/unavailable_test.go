package workers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// A login wall is no failure and no reason to retry: the task is skipped
// with the reason, after one attempt, and the query is in the audit log.
func TestNotPubliclyAvailableSkipsTheTask(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) {
		return nil, fmt.Errorf("social: x/acme: %w", &sources.NotAvailableError{Reason: "login required"})
	})
	if err := f.process(f.processor(), task); err != nil {
		t.Fatalf("ProcessTask = %v, want nil: Asynq must not retry a wall", err)
	}
	got := f.task(task.ID)
	if got.Status != store.StatusSkipped || got.Error != "not publicly available: login required" {
		t.Errorf("task = %s %q; want skipped, not publicly available: login required", got.Status, got.Error)
	}
	if j := f.job(job.ID); !IsFinal(j.Status) {
		t.Errorf("job = %s, want it ended", j.Status)
	}
	q := f.queries(task.ID)
	if len(q) != 1 || q[0].Result != audit.ResultEmpty || !strings.Contains(q[0].Detail, "not publicly available: login required") {
		t.Errorf("audit = %+v, want one entry naming the wall", q)
	}
	if n := f.kvk.callsFor(donald); n != 1 {
		t.Errorf("source asked %d times, want once", n)
	}
}

// A request the SSRF guard refused fails the task at once, with an error
// that says so, and the refusal is in the audit log.
func TestBlockedRequestFailsAndIsAudited(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	task := job.Tasks[0]
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) {
		return nil, fmt.Errorf("kvk: searching: %w", &egress.BlockedError{Addr: "169.254.169.254:80", Reason: "link-local"})
	})
	err := f.process(f.processor(), task)
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("ProcessTask = %v, want no retry", err)
	}
	got := f.task(task.ID)
	const why = "connection to 169.254.169.254:80 blocked (link-local address)"
	if got.Status != store.StatusFailed || !strings.Contains(got.Error, why) {
		t.Errorf("task = %s %q; want failed, naming the refusal", got.Status, got.Error)
	}
	if q := f.queries(task.ID); len(q) != 1 || q[0].Result != audit.ResultFailed || !strings.Contains(q[0].Detail, why) {
		t.Errorf("audit = %+v, want the refusal logged", q)
	}
}
