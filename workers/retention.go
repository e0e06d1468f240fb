package workers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/pipeline/entity"
	"verrijk/retention"
	"verrijk/store"
)

// sweepBatch is how many links or entities one store transaction of the
// sweep deletes.
const sweepBatch = 200

// orphanGrace keeps an entity a lookup has stored but not linked yet from
// counting as an orphan: only entities unchanged this long are swept as such.
const orphanGrace = time.Hour

// SweepResult counts what one retention sweep deleted.
type SweepResult struct {
	Links       int `json:"links"`
	Entities    int `json:"entities"`
	Evidence    int `json:"evidence"`
	Signals     int `json:"signals"`     // closed and purged after retention.signal_period without activity
	Reprojected int `json:"reprojected"` // kept entities re-indexed without the expired link
	// IndexSkipped is set when the sweep ran without the index; the
	// process that owns it drops the deleted entities later (Sweeper).
	IndexSkipped bool `json:"index_skipped,omitempty"`
}

// Sweep deletes, as of now, the expired signal links, then the entities no
// link holds any more with the evidence only they referenced: the store
// first, then the index (ix may be nil: the index step is skipped). An
// entity that keeps another link is re-indexed without the expired one.
//
// Every deletion is logged as retention.deleted with ids only (signal,
// entity, evidence hash), never a name or a value, in the transaction that
// deletes: what DeleteLinks and DeleteEntities report is what was deleted,
// so a concurrent sweep or relink is never logged as a deletion, and no
// deletion commits without its log line.
// An index failure does not stop the store sweep; it is returned at the
// end, and the Sweeper drops those entities from the index on its next run.
func Sweep(ctx context.Context, st store.Store, ix index.Index, al *audit.Logger, now time.Time, pol Policy) (SweepResult, error) {
	host, _ := os.Hostname()
	s := &sweep{st: st, ix: ix, al: al, now: now.UTC(), trace: newSweepID(), pol: pol,
		actor:      audit.Actor{User: "system", Role: "retention", Origin: fmt.Sprintf("retention:%s/%d", host, os.Getpid())},
		activities: map[string]string{}}
	s.res.IndexSkipped = ix == nil
	if err := s.inactiveSignals(ctx); err != nil {
		return s.res, err
	}
	if err := s.expiredLinks(ctx); err != nil {
		return s.res, err
	}
	if err := s.orphans(ctx); err != nil {
		return s.res, err
	}
	return s.res, errors.Join(s.indexErrs...)
}

// Policy is what the sweep removes besides expired links.
type Policy struct {
	// SignalPeriod: a signal without activity for this long is closed
	// and purged (retention.signal_period). Zero keeps signals.
	SignalPeriod retention.Period
}

type sweep struct {
	pol        Policy
	st         store.Store
	ix         index.Index
	al         *audit.Logger
	now        time.Time
	trace      string // one id for all entries of this sweep
	actor      audit.Actor
	activities map[string]string // purpose id → processing activity
	res        SweepResult
	indexErrs  []error
}

// inactiveSignals closes and purges the signals whose own retention has
// passed, batch by batch: each signal goes with its subjects, jobs, tasks
// and links in one transaction with its log lines; the entities it leaves
// without a link go after.
func (s *sweep) inactiveSignals(ctx context.Context) error {
	if s.pol.SignalPeriod.IsZero() {
		return nil
	}
	cutoff := s.pol.SignalPeriod.Negate().AddTo(s.now)
	for {
		ids, err := s.st.InactiveSignals(ctx, cutoff, sweepBatch)
		if err != nil {
			return err
		}
		purposeOf := map[string]string{}
		var touched []string
		for _, id := range ids {
			var links []entity.Link
			err := s.st.Atomic(ctx, func(tx store.Store) error {
				var err error
				if links, err = tx.PurgeSignal(ctx, id); err != nil {
					return err
				}
				if err := s.record(ctx, tx, "", "signal", id, fmt.Sprintf(
					"closed and purged: no activity since before %s (retention.signal_period %s); %d links, its subjects and jobs",
					cutoff.Format(time.RFC3339), s.pol.SignalPeriod, len(links))); err != nil {
					return err
				}
				for _, l := range links {
					if err := s.record(ctx, tx, l.PurposeID, "link", l.SignalID,
						fmt.Sprintf("entity=%s job=%s signal purged as_of=%s", l.EntityID, l.JobID, s.now.Format(time.RFC3339))); err != nil {
						return err
					}
				}
				return nil
			})
			if errors.Is(err, store.ErrNotFound) {
				continue // purged meanwhile by another sweep
			}
			if err != nil {
				return err
			}
			s.res.Signals++
			s.res.Links += len(links)
			for _, l := range links {
				if _, ok := purposeOf[l.EntityID]; !ok {
					touched = append(touched, l.EntityID)
				}
				purposeOf[l.EntityID] = l.PurposeID
			}
		}
		if err := s.settle(ctx, touched, purposeOf); err != nil {
			return err
		}
		if len(ids) < sweepBatch {
			return nil
		}
	}
}

// expiredLinks deletes expired links batch by batch; the entities they
// leave without a link go with them.
func (s *sweep) expiredLinks(ctx context.Context) error {
	for {
		links, err := s.st.ExpiredLinks(ctx, s.now, sweepBatch)
		if err != nil {
			return err
		}
		if len(links) == 0 {
			return nil
		}
		var deleted []entity.Link
		err = s.st.Atomic(ctx, func(tx store.Store) error {
			var err error
			if deleted, err = tx.DeleteLinks(ctx, links); err != nil {
				return err
			}
			for _, l := range deleted {
				if err := s.record(ctx, tx, l.PurposeID, "link", l.SignalID,
					fmt.Sprintf("entity=%s job=%s expired_at=%s as_of=%s", l.EntityID, l.JobID,
						l.ExpiresAt.UTC().Format(time.RFC3339), s.now.Format(time.RFC3339))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		purposeOf := map[string]string{}
		var touched []string
		for _, l := range deleted {
			if _, ok := purposeOf[l.EntityID]; !ok {
				touched = append(touched, l.EntityID)
			}
			purposeOf[l.EntityID] = l.PurposeID
		}
		s.res.Links += len(deleted)
		if err := s.settle(ctx, touched, purposeOf); err != nil {
			return err
		}
		// Nothing deleted means every link was extended meanwhile.
		if len(deleted) == 0 || len(links) < sweepBatch {
			return nil
		}
	}
}

// settle deletes the touched entities that have no link left and
// re-indexes the others without the link they lost.
func (s *sweep) settle(ctx context.Context, ids []string, purposeOf map[string]string) error {
	var orphans []string
	var kept []string
	for _, id := range ids {
		e, err := s.st.GetEntity(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if len(e.Signals) == 0 {
			orphans = append(orphans, id)
		} else {
			kept = append(kept, id)
		}
	}
	if err := s.purge(ctx, orphans, purposeOf); err != nil {
		return err
	}
	if s.ix == nil || len(kept) == 0 {
		return nil
	}
	n, err := reproject(ctx, s.st, s.ix, kept)
	s.res.Reprojected += n
	if err != nil {
		s.indexErrs = append(s.indexErrs, err)
	}
	return nil
}

// orphans sweeps entities without links that no expiry of this sweep
// explains: left by an interrupted sweep, or stored but never linked.
func (s *sweep) orphans(ctx context.Context) error {
	for {
		ids, err := s.st.OrphanEntities(ctx, time.Now().Add(-orphanGrace), sweepBatch)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		before := s.res.Entities
		if err := s.purge(ctx, ids, nil); err != nil {
			return err
		}
		if s.res.Entities == before || len(ids) < sweepBatch {
			return nil
		}
	}
}

// purge deletes entities (those still without a link) and their own
// evidence, logs each, then drops them from the index.
func (s *sweep) purge(ctx context.Context, ids []string, purposeOf map[string]string) error {
	if len(ids) == 0 {
		return nil
	}
	var p store.Purged
	err := s.st.Atomic(ctx, func(tx store.Store) error {
		var err error
		if p, err = tx.DeleteEntities(ctx, ids); err != nil {
			return err
		}
		for _, id := range p.Entities {
			why := "no link left"
			if purposeOf[id] != "" {
				why = "its last link expired"
			}
			if err := s.record(ctx, tx, purposeOf[id], "entity", id, why); err != nil {
				return err
			}
		}
		for _, h := range p.Evidence {
			if err := s.record(ctx, tx, "", "evidence", h, "no remaining entity names it"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.res.Entities += len(p.Entities)
	s.res.Evidence += len(p.Evidence)
	if s.ix != nil && len(p.Entities) > 0 {
		if err := s.ix.Delete(ctx, p.Entities...); err != nil {
			s.indexErrs = append(s.indexErrs, fmt.Errorf("dropping %d deleted entities from the index: %w", len(p.Entities), err))
		}
	}
	return nil
}

// record logs one deletion, in the transaction tx that made it: ids and
// the sweep's clock only.
func (s *sweep) record(ctx context.Context, tx store.Store, purposeID, objectType, objectID, detail string) error {
	_, err := s.al.In(tx).Record(ctx, s.actor, audit.Entry{Action: audit.ActionRetentionDeleted,
		ObjectType: objectType, ObjectID: objectID, PurposeID: purposeID,
		ProcessingActivity: s.activity(ctx, tx, purposeID), Result: audit.ResultOK, Detail: detail, TraceID: s.trace})
	return err
}

// activity is the purpose's processing activity, for the log; a purpose
// that cannot be read leaves it empty rather than stopping the sweep.
// st is the transaction the caller is in (SQLite has one connection).
func (s *sweep) activity(ctx context.Context, st store.Store, purposeID string) string {
	if purposeID == "" {
		return ""
	}
	if a, ok := s.activities[purposeID]; ok {
		return a
	}
	p, err := st.GetPurpose(ctx, purposeID)
	if err != nil {
		return ""
	}
	s.activities[purposeID] = p.ProcessingActivity
	return p.ProcessingActivity
}

// reproject writes the stored copies of ids to the index; ids no longer
// stored are dropped from it instead. It returns how many it re-indexed.
func reproject(ctx context.Context, st store.Store, ix index.Index, ids []string) (int, error) {
	var ents []entity.Entity
	var gone []string
	for _, id := range ids {
		e, err := st.GetEntity(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			gone = append(gone, id)
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("reading entity %s for the index: %w", id, err)
		}
		ents = append(ents, e)
	}
	if len(gone) > 0 {
		if err := ix.Delete(ctx, gone...); err != nil {
			return 0, fmt.Errorf("dropping %d deleted entities from the index: %w", len(gone), err)
		}
	}
	if len(ents) > 0 {
		if err := ix.Upsert(ctx, ents...); err != nil {
			return 0, fmt.Errorf("re-indexing %d entities: %w", len(ents), err)
		}
	}
	return len(ents), nil
}

func newSweepID() string {
	if id, err := uuid.NewV7(); err == nil {
		return "retention-" + id.String()
	}
	return "retention-" + uuid.NewString()
}
