package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/egress"
	"verrijk/index"
	"verrijk/pipeline"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/retention"
	"verrijk/sources"
	"verrijk/store"
)

// Processor handles enrichment tasks: it asks the source, keeps the raw
// answer as evidence, normalises it into entities, writes them to the store
// and links them to the signal, then projects them into the index and plans
// follow-up lookups.
type Processor struct {
	Store   store.Store
	Index   index.Index // nil when another process owns the index
	Audit   *audit.Logger
	Sources map[string]sources.Source // enabled sources only
	Enqueue func(ctx context.Context, tasks ...store.Task) error
	Origin  string // "worker:<host>/<pid>", for the audit log
	Log     *slog.Logger
	Now     func() time.Time
	// Paused, when set, reports sources an admin paused at run time; their
	// tasks wait (without using a retry) instead of asking.
	Paused func(source string) bool
	// OnJobFinished, when set, runs after a job reached a final status
	// (done, partial, failed), e.g. to evaluate the indicator rules over
	// its signal. It must not fail the task: it only logs.
	OnJobFinished func(ctx context.Context, jobID, signalID string)
}

// pausedRetry is how often a paused source's task looks again.
const pausedRetry = 10 * time.Second

// work is everything one task run needs, loaded from the store.
type work struct {
	task    store.Task
	job     store.Job
	purpose store.Purpose
	attempt int
	final   bool // no retry follows a failure of this attempt
	log     *slog.Logger
	started time.Time
}

// ProcessTask implements asynq.Handler.
func (p *Processor) ProcessTask(ctx context.Context, t *asynq.Task) error {
	taskID, _, err := parseEnrichTask(t)
	if err != nil {
		return err
	}
	w, err := p.load(ctx, taskID)
	if err != nil || w == nil {
		return err
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	if !ok {
		maxRetry = MaxRetry
	}
	w.attempt = w.task.Attempts + 1
	w.final = retried >= maxRetry

	src, ok := p.Sources[w.task.Source]
	if !ok || !slices.Contains(w.purpose.AllowedSources, w.task.Source) {
		return p.skip(ctx, w, "source disabled or no longer allowed by the purpose")
	}
	if err := p.Store.UpdateTask(ctx, w.task.ID, store.StatusRunning, w.attempt, ""); err != nil {
		return fmt.Errorf("marking task running: %w", err)
	}
	// The job was just read: only a queued job needs moving to running.
	if w.job.Status == store.StatusQueued {
		p.touchJob(ctx, w.job.ID)
	}

	if p.Paused != nil && p.Paused(w.task.Source) {
		return p.fail(ctx, w, &egress.HeldError{Source: w.task.Source, Reason: "paused", RetryIn: pausedRetry})
	}
	res, fetchErr := p.fetch(ctx, w, src)
	if na := sources.AsNotAvailable(fetchErr); na != nil {
		// A login wall, a captcha, robots.txt: asking again meets the same
		// answer, so the task is skipped, neither failed nor retried. The
		// query is logged like any other.
		why := "not publicly available: " + na.Reason
		err := p.Store.Atomic(ctx, func(tx store.Store) error {
			if err := p.logQuery(ctx, p.Audit.In(tx), w, audit.ResultEmpty, why); err != nil {
				return err
			}
			return tx.UpdateTask(ctx, w.task.ID, store.StatusSkipped, w.attempt, why)
		})
		if err != nil {
			return p.fail(ctx, w, err)
		}
		p.touchJob(ctx, w.job.ID)
		observeTask(w.task.Source, "unavailable", time.Since(w.started))
		w.log.Info("lookup skipped", "reason", why)
		return nil
	}
	if fetchErr != nil {
		return p.fail(ctx, w, fetchErr)
	}
	entities, followUps, err := p.record(ctx, w, res)
	if err != nil {
		return p.fail(ctx, w, err)
	}
	p.enqueueFollowUps(ctx, w, followUps)
	p.touchJob(ctx, w.job.ID)
	observeTask(w.task.Source, resultOf(res.Found), time.Since(w.started))
	w.log.Info("lookup done", "found", res.Found, "entities", len(entities), "attempt", w.attempt,
		"duration", time.Since(w.started).String())
	return nil
}

func resultOf(found bool) string {
	if found {
		return "found"
	}
	return "empty"
}

// load reads the task, its job and its purpose. A task that already ended
// (a duplicate delivery) yields nil work and no error.
func (p *Processor) load(ctx context.Context, taskID string) (*work, error) {
	task, err := p.Store.GetTask(ctx, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("task %s is not in the store: %w", taskID, asynq.SkipRetry)
	}
	if err != nil {
		return nil, fmt.Errorf("loading task: %w", err)
	}
	if IsFinal(task.Status) {
		return nil, nil
	}
	job, err := p.Store.GetJobHeader(ctx, task.JobID)
	if err != nil {
		return nil, fmt.Errorf("loading job %s: %w", task.JobID, err)
	}
	purpose, err := p.Store.GetPurpose(ctx, job.PurposeID)
	if err != nil {
		return nil, fmt.Errorf("loading purpose %s: %w", job.PurposeID, err)
	}
	// Every line about this task names its job, task and trace (the job id
	// is the trace id in the audit log); never the subject's value, which
	// may be personal data.
	log := p.logger().With("job", job.ID, "task", task.ID, "trace_id", job.ID, "source", task.Source,
		"subject_type", string(task.SubjectType))
	return &work{task: task, job: job, purpose: purpose, log: log, started: time.Now()}, nil
}

// record keeps the evidence, writes entities and links (store first, index
// second), logs the query, stores the follow-up tasks and marks the task
// done. It returns the entities found and the follow-ups to queue.
func (p *Processor) record(ctx context.Context, w *work, res *sources.Result) ([]entity.Entity, []store.Task, error) {
	period, err := retention.Parse(w.purpose.Retention)
	if err != nil {
		return nil, nil, fmt.Errorf("purpose %s retention: %w", w.purpose.ID, asynq.SkipRetry)
	}
	now := p.now()
	expires := period.AddTo(now)
	// Normalise everything before storing anything: a malformed answer
	// fails the task with nothing partial stored, and a retry cannot fix it.
	var found []entity.Entity
	var hashes []string
	for _, ev := range res.Evidence {
		ents, err := pipeline.Normalize(ev)
		if err != nil {
			return nil, nil, fmt.Errorf("%s answer (%s) is malformed: %v: %w", ev.Source, ev.Kind, err, asynq.SkipRetry)
		}
		found = append(found, ents...)
		hashes = append(hashes, ev.SHA256)
	}
	pipeline.Relate(found, w.task.OriginEntityID)
	// Resolution: what another source already gave (in another notation,
	// or without its KvK number) keeps the id it has.
	found, err = resolve.Resolver{Lookup: p.Store}.Resolve(ctx, found)
	if err != nil {
		return nil, nil, fmt.Errorf("resolving entities: %w", err)
	}
	// Evidence, entities, links, the query's log line, the follow-up tasks
	// and the task's own "done" are one write: the log never names a lookup
	// whose results were not kept, no result is kept without its log line,
	// and a worker killed after the commit leaves a finished task that no
	// redelivery answers again (the reconciler queues its follow-ups).
	// Entities go in id order so two tasks storing the same entities
	// cannot deadlock on PostgreSQL.
	order := slices.Clone(found)
	slices.SortStableFunc(order, func(a, b entity.Entity) int { return strings.Compare(a.ID, b.ID) })
	var ids []string
	var followUps []store.Task
	result, note := audit.ResultOK, ""
	if !res.Found {
		result, note = audit.ResultEmpty, "no match"
	}
	err = p.Store.Atomic(ctx, func(tx store.Store) error {
		ids = ids[:0]
		for _, ev := range res.Evidence {
			if err := tx.SaveEvidence(ctx, store.Evidence{
				SHA256: ev.SHA256, Source: ev.Source, Kind: ev.Kind, URL: ev.URL, Status: ev.Status,
				FetchedAt: ev.FetchedAt, JobID: w.job.ID, TaskID: w.task.ID, Headers: ev.Headers, Body: ev.Body,
			}); err != nil {
				return fmt.Errorf("saving evidence: %w", err)
			}
		}
		stored := make([]entity.Entity, 0, len(order))
		for _, e := range order {
			merged, err := tx.UpsertEntity(ctx, e)
			if err != nil {
				return fmt.Errorf("storing entity %s: %w", e.ID, err)
			}
			stored = append(stored, merged)
			if err := tx.Link(ctx, entity.Link{SignalID: w.job.SignalID, EntityID: e.ID,
				PurposeID: w.job.PurposeID, PurposeVersion: w.purpose.Version, JobID: w.job.ID, LinkedAt: now, ExpiresAt: expires}); err != nil {
				return fmt.Errorf("linking entity %s: %w", e.ID, err)
			}
			if !slices.Contains(ids, e.ID) {
				ids = append(ids, e.ID)
			}
		}
		if err := resolve.Remember(ctx, tx, stored...); err != nil {
			return fmt.Errorf("storing lookup keys: %w", err)
		}
		if err := p.logQuery(ctx, p.Audit.In(tx), w, result, fmt.Sprintf("%d entities; evidence %s", len(ids), strings.Join(hashes, ","))); err != nil {
			return err
		}
		if followUps, err = p.followUpTasks(ctx, tx, w, found); err != nil {
			return fmt.Errorf("storing follow-up tasks: %w", err)
		}
		if err := tx.UpdateTask(ctx, w.task.ID, store.StatusDone, w.attempt, note); err != nil {
			return fmt.Errorf("marking task done: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	// The store has it all now; a failed index write is caught up by the
	// projector instead of re-asking the source.
	if err := p.project(ctx, ids); err != nil {
		w.log.Warn("indexing after store write; the projector will catch up", "err", err)
	}
	return found, followUps, nil
}

// project writes the stored (merged, linked) entities to the index.
func (p *Processor) project(ctx context.Context, ids []string) error {
	if len(ids) == 0 || p.Index == nil {
		return nil
	}
	merged := make([]entity.Entity, 0, len(ids))
	for _, id := range ids {
		e, err := p.Store.GetEntity(ctx, id)
		if err != nil {
			return fmt.Errorf("reading entity %s for the index: %w", id, err)
		}
		merged = append(merged, e)
	}
	if err := p.Index.Upsert(ctx, merged...); err != nil {
		return fmt.Errorf("indexing %d entities: %w", len(merged), err)
	}
	return nil
}

func (p *Processor) logQuery(ctx context.Context, al *audit.Logger, w *work, result, detail string) error {
	_, err := al.Record(ctx, audit.Actor{User: w.job.RequestedBy, Role: "worker", Origin: p.Origin}, audit.Entry{
		Action: audit.ActionSourceQueried, ObjectType: "task", ObjectID: w.task.ID,
		PurposeID: w.purpose.ID, ProcessingActivity: w.purpose.ProcessingActivity,
		Justification: w.job.Justification, Result: result, TraceID: w.job.ID,
		Detail: fmt.Sprintf("source=%s subject=%s; %s", w.task.Source, w.task.Subject(), detail),
	})
	return err
}

// fail records a failed attempt. A permanent error, or the last attempt,
// ends the task as failed; otherwise the task goes back to queued and Asynq
// retries it.
//
// The bookkeeping runs on a context detached from ctx: when Asynq cancelled
// the attempt (its timeout, a shutdown) ctx is already done, yet the audit
// log must still show the query and the store must still learn of the
// failure, or a task whose last attempt timed out would stay running
// forever after Asynq archived it.
func (p *Processor) fail(ctx context.Context, w *work, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	if held := holdDelay(cause); held > 0 && !w.final {
		// Paused, circuit open or throttled for all workers: the task waits
		// without using up a retry (see isFailure and retryDelay).
		w.log.Info("lookup held", "retry_in", held.String(), "reason", cause.Error())
		if !p.overtaken(ctx, w) {
			_ = p.Store.UpdateTask(ctx, w.task.ID, store.StatusQueued, w.task.Attempts, "held: "+cause.Error())
		}
		return cause
	}
	permanent := errors.Is(cause, asynq.SkipRetry) || w.final || permanentErr(cause)
	if permanent && !errors.Is(cause, asynq.SkipRetry) {
		cause = fmt.Errorf("%w: %w", cause, asynq.SkipRetry)
	}
	w.log.Warn("lookup failed", "attempt", w.attempt, "permanent", permanent, "err", cause)
	if permanent {
		observeTask(w.task.Source, "failed", time.Since(w.started))
	} else {
		observeTask(w.task.Source, "retry", time.Since(w.started))
	}
	status := store.StatusQueued
	msg := fmt.Sprintf("attempt %d failed, will retry: %v", w.attempt, cause)
	if permanent {
		status = store.StatusFailed
		msg = strings.TrimSuffix(cause.Error(), ": "+asynq.SkipRetry.Error())
	}
	if err := p.logQuery(ctx, p.Audit, w, audit.ResultFailed, cause.Error()); err != nil {
		w.log.Error("audit write failed", "err", err)
	}
	if p.overtaken(ctx, w) {
		return cause
	}
	if err := p.Store.UpdateTask(ctx, w.task.ID, status, w.attempt, msg); err != nil {
		return fmt.Errorf("recording failure of task %s: %w (cause: %v)", w.task.ID, err, cause)
	}
	p.touchJob(ctx, w.job.ID)
	return cause
}

// bookkeepingTimeout bounds the store and audit writes after a failure.
const bookkeepingTimeout = 10 * time.Second

// overtaken reports whether a later delivery of the task has already
// started or finished it, so that this (stale) attempt, e.g. one cut off by
// a shutdown and requeued, must not write its failure over the newer state.
func (p *Processor) overtaken(ctx context.Context, w *work) bool {
	cur, err := p.Store.GetTask(ctx, w.task.ID)
	if err != nil {
		return false // let UpdateTask report the problem
	}
	return IsFinal(cur.Status) || cur.Attempts > w.attempt
}

func (p *Processor) skip(ctx context.Context, w *work, why string) error {
	if err := p.Store.UpdateTask(ctx, w.task.ID, store.StatusSkipped, w.task.Attempts, why); err != nil {
		return fmt.Errorf("skipping task: %w", err)
	}
	p.touchJob(ctx, w.job.ID)
	return nil
}

// touchJob moves the job's stored status along. It only ever moves
// forward (queued → running → final), so two tasks finishing at once cannot
// leave a finished job marked running.
func (p *Processor) touchJob(ctx context.Context, jobID string) {
	finished, err := moveJob(ctx, p.Store, jobID)
	if finished != nil && p.OnJobFinished != nil {
		p.OnJobFinished(ctx, finished.ID, finished.SignalID)
	}
	if err != nil {
		p.logger().Warn("updating job status", "job", jobID, "err", err)
	}
}

func (p *Processor) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Processor) logger() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}
