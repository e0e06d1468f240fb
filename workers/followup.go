package workers

import (
	"context"
	"slices"
	"sort"

	"verrijk/pipeline"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

// followUpTasks turns identifiers found in this task's entities into new
// tasks of the same job, under the same purpose, one level deeper, while the
// job's depth limit allows, and stores them through tx: in the transaction
// that marks this task done, so the job never looks finished while
// follow-ups are pending, and a crash cannot lose them. It returns the
// tasks added (the job may already have some).
func (p *Processor) followUpTasks(ctx context.Context, tx store.Store, w *work, found []entity.Entity) ([]store.Task, error) {
	if w.task.Depth >= w.job.MaxDepth {
		return nil, nil
	}
	var tasks []store.Task
	for _, f := range pipeline.FollowUps(found, w.task.Source) {
		for _, name := range p.sourcesFor(w.purpose, f.Subject) {
			tasks = append(tasks, store.Task{JobID: w.job.ID, Source: name, SubjectType: f.Subject.Type,
				SubjectValue: f.Subject.Value, Depth: w.task.Depth + 1, OriginEntityID: f.Origin})
		}
	}
	if len(tasks) == 0 {
		return nil, nil
	}
	return tx.AddTasks(ctx, w.job.ID, tasks)
}

// enqueueFollowUps queues stored follow-up tasks; if they cannot be queued
// now, the reconciler queues them later from the store.
func (p *Processor) enqueueFollowUps(ctx context.Context, w *work, added []store.Task) {
	if len(added) == 0 || p.Enqueue == nil {
		return
	}
	if err := p.Enqueue(ctx, added...); err != nil {
		w.log.Warn("queueing follow-up tasks; the reconciler will retry", "err", err)
	}
}

// sourcesFor lists the enabled sources that the purpose allows and that can
// look up s, in name order.
func (p *Processor) sourcesFor(purpose store.Purpose, s subject.Subject) []string {
	var names []string
	for name, src := range p.Sources {
		if slices.Contains(purpose.AllowedSources, name) && src.Accepts(s.Type) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
