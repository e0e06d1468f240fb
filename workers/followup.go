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

// planFollowUps turns identifiers found in this task's entities into new
// tasks of the same job, under the same purpose, one level deeper, while the
// job's depth limit allows. They are stored before this task is marked done,
// so the job never looks finished while follow-ups are pending. If they
// cannot be queued now, the reconciler queues them later.
func (p *Processor) planFollowUps(ctx context.Context, w *work, found []entity.Entity) {
	if w.task.Depth >= w.job.MaxDepth {
		return
	}
	var tasks []store.Task
	for _, f := range pipeline.FollowUps(found, w.task.Source) {
		for _, name := range p.sourcesFor(w.purpose, f.Subject) {
			tasks = append(tasks, store.Task{JobID: w.job.ID, Source: name, SubjectType: f.Subject.Type,
				SubjectValue: f.Subject.Value, Depth: w.task.Depth + 1, OriginEntityID: f.Origin})
		}
	}
	if len(tasks) == 0 {
		return
	}
	added, err := p.Store.AddTasks(ctx, w.job.ID, tasks)
	if err != nil {
		w.log.Warn("storing follow-up tasks", "err", err)
		return
	}
	if p.Enqueue == nil {
		return // the reconciler queues them
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
