package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"verrijk/audit"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
	"verrijk/workers"
)

// benchPurpose allows both sources; its retention is what links expire by.
var benchPurpose = store.Purpose{
	ID: "bench-throughput", Name: "Doorvoermeting", LegalBasis: "benchmark on replayed test data",
	ProcessingActivity: "bench", Retention: "P1Y", AllowedSources: []string{"bag", "kvk"}, Active: true,
}

// benchSubjects are on every signal: both have recorded answers.
var benchSubjects = []string{"kvk:68750110", "address:8823SJ 3A"}

// benchActor is the analyst the jobs are requested for.
var benchActor = audit.Actor{User: "bench", Role: "analyst", Team: "bench", Origin: "bench"}

// ensurePurpose stores the bench purpose, or updates it when a reused
// PostgreSQL database already has it.
func ensurePurpose(ctx context.Context, st store.Store, log *audit.Logger) error {
	_, err := st.CreatePurpose(ctx, benchPurpose)
	if errors.Is(err, store.ErrConflict) {
		_, err = st.UpdatePurpose(ctx, benchPurpose)
		return err
	}
	if err != nil {
		return fmt.Errorf("creating purpose: %w", err)
	}
	_, err = log.Record(ctx, audit.Actor{User: "system", Role: "system", Origin: "bench"}, audit.Entry{
		Action: audit.ActionPurposeCreated, ObjectType: "purpose", ObjectID: benchPurpose.ID,
		PurposeID: benchPurpose.ID, ProcessingActivity: benchPurpose.ProcessingActivity})
	return err
}

// tasksFor lists the lookups of one job the way the API plans them: every
// subject with every allowed source that accepts its type.
func tasksFor(subs []subject.Subject, srcs map[string]sources.Source) []store.Task {
	var tasks []store.Task
	for _, sub := range subs {
		for _, name := range benchPurpose.AllowedSources {
			if src, ok := srcs[name]; ok && src.Accepts(sub.Type) {
				tasks = append(tasks, store.Task{Source: name, SubjectType: sub.Type, SubjectValue: sub.Value})
			}
		}
	}
	return tasks
}

func parseSubjects() ([]subject.Subject, error) {
	var subs []subject.Subject
	for _, arg := range benchSubjects {
		s, err := subject.ParseArg(arg)
		if err != nil {
			return nil, err
		}
		subs = append(subs, s)
	}
	return subs, nil
}

// createJobs records n signals with the bench subjects and one job each
// (max depth 0: no follow-ups), with the audit entries the API writes.
// Nothing is queued yet.
func createJobs(ctx context.Context, st store.Store, log *audit.Logger, srcs map[string]sources.Source, n int) ([]store.Job, error) {
	subs, err := parseSubjects()
	if err != nil {
		return nil, err
	}
	record := func(e audit.Entry) error {
		_, err := log.Record(ctx, benchActor, e)
		return err
	}
	jobs := make([]store.Job, 0, n)
	for i := range n {
		sig, err := st.CreateSignal(ctx, store.Signal{Title: fmt.Sprintf("bench signal %d", i),
			Team: benchActor.Team, CreatedBy: benchActor.User})
		if err != nil {
			return nil, fmt.Errorf("creating signal: %w", err)
		}
		if err := record(audit.Entry{Action: audit.ActionSignalCreated, ObjectType: "signal", ObjectID: sig.ID}); err != nil {
			return nil, err
		}
		for _, sub := range subs {
			if _, err := st.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: sub.Type, Value: sub.Value}); err != nil {
				return nil, fmt.Errorf("adding subject: %w", err)
			}
			if err := record(audit.Entry{Action: audit.ActionSubjectAdded, ObjectType: "signal", ObjectID: sig.ID, Detail: sub.String()}); err != nil {
				return nil, err
			}
		}
		const why = "doorvoermeting van de verrijkingspijplijn"
		job, err := st.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: benchPurpose.ID, Justification: why,
			RequestedBy: benchActor.User, MaxDepth: 0, Status: store.StatusQueued}, tasksFor(subs, srcs))
		if err != nil {
			return nil, fmt.Errorf("creating job: %w", err)
		}
		if err := record(audit.Entry{Action: audit.ActionEnrichmentRequested, ObjectType: "signal", ObjectID: sig.ID,
			PurposeID: benchPurpose.ID, ProcessingActivity: benchPurpose.ProcessingActivity, Justification: why,
			TraceID: job.ID, Detail: fmt.Sprintf("job=%s tasks=%d", job.ID, len(job.Tasks))}); err != nil {
			return nil, err
		}
		jobs = append(jobs, job)
	}
	return jobs, nil
}

// waitFinal polls the store until every job has a final status. Jobs end
// roughly in queue order, so a cursor walks past finished ones and each
// poll usually reads a single job: light enough not to skew the run.
func waitFinal(ctx context.Context, st store.Store, jobs []store.Job, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	next := 0
	for {
		for next < len(jobs) {
			j, err := st.GetJob(ctx, jobs[next].ID)
			if err != nil {
				return fmt.Errorf("polling job: %w", err)
			}
			if !workers.IsFinal(j.Status) {
				break
			}
			next++
		}
		if next == len(jobs) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for jobs: %d of %d finished: %w", next, len(jobs), ctx.Err())
		case <-tick.C:
		}
	}
}

// report is what the store says about a finished run.
type report struct {
	jobs          map[string]int // jobs by status
	retries       int            // attempts beyond the first, over all tasks
	failedQueries int            // source.queried audit entries with result failed
	firstFailure  string         // the first of those, for the reader
}

// outcome reads the run's result from the store, after the timed part:
// job statuses, task attempts and the failed attempts the audit log holds
// (a retried task that then succeeds keeps no error text of its own).
func outcome(ctx context.Context, st store.Store, jobs []store.Job) (report, error) {
	r := report{jobs: map[string]int{}}
	for _, j := range jobs {
		got, err := st.GetJob(ctx, j.ID)
		if err != nil {
			return r, fmt.Errorf("reading job: %w", err)
		}
		r.jobs[got.Status]++
		for _, t := range got.Tasks {
			r.retries += max(t.Attempts-1, 0)
		}
	}
	var after int64
	for {
		page, err := st.ListAudit(ctx, store.AuditFilter{Action: audit.ActionSourceQueried, AfterSeq: after, Limit: 1000})
		if err != nil {
			return r, fmt.Errorf("reading audit log: %w", err)
		}
		for _, e := range page {
			if e.Result == audit.ResultFailed {
				r.failedQueries++
				if r.firstFailure == "" {
					r.firstFailure = e.Detail
				}
			}
			after = e.Seq
		}
		if len(page) < 1000 {
			return r, nil
		}
	}
}

// statusLine renders counts in a fixed order.
func statusLine(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := ""
	for _, k := range keys {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", counts[k], k)
	}
	return s
}
