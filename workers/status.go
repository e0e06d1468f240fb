package workers

import (
	"context"
	"time"

	"verrijk/store"
)

// JobStatus derives a job's status from its tasks: queued until any task
// has started, running until every task has ended, then done (all done or
// skipped), failed (all failed) or partial (some of each).
func JobStatus(tasks []store.Task) string {
	counts := map[string]int{}
	for _, t := range tasks {
		counts[t.Status]++
	}
	return JobStatusFromCounts(counts)
}

// JobStatusFromCounts is JobStatus over task counts by status.
func JobStatusFromCounts(counts map[string]int) string {
	queued, running, failed := counts[store.StatusQueued], counts[store.StatusRunning], counts[store.StatusFailed]
	total := 0
	for _, n := range counts {
		total += n
	}
	done := total - queued - running - failed // done and skipped
	if total == 0 {
		return store.StatusDone
	}
	switch {
	case queued == total:
		return store.StatusQueued
	case queued+running > 0:
		return store.StatusRunning
	case failed == 0:
		return store.StatusDone
	case done == 0:
		return store.StatusFailed
	default:
		return store.StatusPartial
	}
}

// IsFinal reports whether a job or task status can no longer change.
func IsFinal(status string) bool {
	switch status {
	case store.StatusDone, store.StatusPartial, store.StatusFailed, store.StatusSkipped:
		return true
	}
	return false
}

// Progress is the share of a job's tasks that have ended, 0..1.
func Progress(tasks []store.Task) float64 {
	if len(tasks) == 0 {
		return 1
	}
	ended := 0
	for _, t := range tasks {
		if IsFinal(t.Status) {
			ended++
		}
	}
	return float64(ended) / float64(len(tasks))
}

// advanceJob moves a job's stored status along after one of its tasks
// changed. It only ever moves forward (queued → running → final), so two
// tasks finishing at once cannot leave a finished job marked running.
func advanceJob(ctx context.Context, st store.Store, jobID string) error {
	_, err := moveJob(ctx, st, jobID)
	return err
}

// moveJob is advanceJob that also returns the job when this call moved it
// to a final status (nil otherwise), so the caller can run what follows a
// finished job.
func moveJob(ctx context.Context, st store.Store, jobID string) (*store.Job, error) {
	job, err := st.GetJobHeader(ctx, jobID)
	if err != nil {
		return nil, err
	}
	counts, err := st.TaskStatusCounts(ctx, jobID)
	if err != nil {
		return nil, err
	}
	next := JobStatusFromCounts(counts)
	if next == job.Status || IsFinal(job.Status) && !IsFinal(next) {
		return nil, nil
	}
	if err := st.SetJobStatus(ctx, jobID, next); err != nil {
		return nil, err
	}
	if !IsFinal(next) {
		return nil, nil
	}
	observeJob(next, time.Since(job.CreatedAt))
	job.Status = next
	return &job, nil
}
