package workers

import (
	"context"
	"fmt"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// TestOnJobFinishedRunsOnceWhenTheJobEnds: the hook (indicator rules)
// runs when the last task ends, whether it succeeded or failed, and not
// before.
func TestOnJobFinishedRunsOnceWhenTheJobEnds(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	type call struct{ job, signal string }
	var calls []call
	p.OnJobFinished = func(ctx context.Context, jobID, signalID string) {
		calls = append(calls, call{jobID, signalID})
	}
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) {
		return nil, fmt.Errorf("kvk answered 400: bad request: %w", asynq.SkipRetry)
	})
	job := f.newJob(0, lookup{"bag", donaldAt}, lookup{"kvk", donald})
	bagTask, _ := findTask(f.job(job.ID), "bag", donaldAt)
	kvkTask, _ := findTask(f.job(job.ID), "kvk", donald)
	if err := f.process(p, bagTask); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Fatalf("hook ran with a task left: %+v", calls)
	}
	_ = f.process(p, kvkTask) // a permanent failure ends the job as partial
	if f.job(job.ID).Status != store.StatusPartial {
		t.Fatalf("job status %s", f.job(job.ID).Status)
	}
	if len(calls) != 1 || calls[0] != (call{job.ID, f.signal.ID}) {
		t.Errorf("hook calls = %+v, want one for job %s", calls, job.ID)
	}
	_ = f.process(p, kvkTask) // a duplicate delivery changes nothing
	if len(calls) != 1 {
		t.Errorf("hook ran again on a duplicate delivery: %+v", calls)
	}
}
