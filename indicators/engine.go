package indicators

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

// ActionEvaluated is the audit action of one evaluation of a signal under
// one purpose: computing indicators is processing of the data it reads.
const ActionEvaluated = "indicators.evaluated"

// evaluateTimeout bounds one evaluation started by a finished job.
const evaluateTimeout = 2 * time.Minute

// Engine evaluates the rules over signals and keeps the hits in the store.
// It is safe for concurrent use; the rules can be swapped while it runs.
type Engine struct {
	Store store.Store
	Audit *audit.Logger
	Log   *slog.Logger
	Now   func() time.Time // default time.Now
	// Origin names this process in the audit log, e.g. "worker:host/pid".
	Origin string

	rules atomic.Pointer[Rules]
	pass  sync.Mutex // one RecomputeStale pass at a time
}

// NewEngine returns an engine over st with rules.
func NewEngine(st store.Store, al *audit.Logger, rules *Rules, log *slog.Logger) *Engine {
	host, _ := os.Hostname()
	e := &Engine{Store: st, Audit: al, Log: log, Origin: fmt.Sprintf("indicators:%s/%d", host, os.Getpid())}
	e.rules.Store(rules)
	return e
}

// Rules returns the rules in use.
func (e *Engine) Rules() *Rules { return e.rules.Load() }

// SetRules swaps the rules; evaluations that already started finish with
// the old ones.
func (e *Engine) SetRules(rs *Rules) { e.rules.Store(rs) }

// EvaluateSignal evaluates the signal under every (active) purpose it was
// enriched under, replaces its stored hits and returns them.
func (e *Engine) EvaluateSignal(ctx context.Context, signalID string) ([]Hit, error) {
	return e.evaluate(ctx, signalID, "")
}

// JobFinished is the hook a worker calls when a job reached a final
// status: it evaluates the job's signal. It runs on a context detached
// from the task's (which may be ending) and only logs a failure: the next
// job, or the next start, evaluates again.
func (e *Engine) JobFinished(ctx context.Context, jobID, signalID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), evaluateTimeout)
	defer cancel()
	hits, err := e.evaluate(ctx, signalID, jobID)
	if err != nil {
		e.log().Warn("evaluating indicators after a job", "job", jobID, "signal", signalID, "err", err)
		return
	}
	e.log().Info("indicators evaluated", "job", jobID, "signal", signalID, "hits", len(hits),
		"rules_version", e.Rules().Version)
}

// evaluate reads the signal's entities per purpose, evaluates the rules
// and stores the hits with one audit entry per purpose, in one
// transaction. traceID ties the entries to a job ("" for a recompute).
func (e *Engine) evaluate(ctx context.Context, signalID, traceID string) ([]Hit, error) {
	rs := e.Rules()
	// The wall clock, not e.now: what the run records is when the data was
	// read, to tell later changes (StaleIndicatorSignals).
	run := store.IndicatorRun{SignalID: signalID, RulesVersion: rs.Version, DataAsOf: time.Now()}
	sig, err := e.Store.GetSignal(ctx, signalID)
	if err != nil {
		return nil, fmt.Errorf("reading signal %s: %w", signalID, err)
	}
	now := e.now()
	type purposeRun struct {
		purpose  store.Purpose
		entities int
		hits     []Hit
	}
	var runs []purposeRun
	var all []Hit
	seen := map[string]bool{}
	for _, j := range sig.Jobs {
		if seen[j.PurposeID] {
			continue
		}
		seen[j.PurposeID] = true
		p, err := e.Store.GetPurpose(ctx, j.PurposeID)
		if err != nil {
			return nil, fmt.Errorf("reading purpose %s: %w", j.PurposeID, err)
		}
		if !p.Active {
			continue // a retired purpose allows no new processing
		}
		ents, err := e.Store.SignalEntities(ctx, signalID, p.ID)
		if err != nil {
			return nil, fmt.Errorf("reading entities of signal %s: %w", signalID, err)
		}
		hits := rs.Evaluate(ents, now)
		for i := range hits {
			hits[i].SignalID, hits[i].PurposeID = signalID, p.ID
		}
		runs = append(runs, purposeRun{purpose: p, entities: len(ents), hits: hits})
		all = append(all, hits...)
	}
	actor := audit.Actor{User: "system", Role: "indicators", Origin: e.Origin}
	err = e.Store.Atomic(ctx, func(tx store.Store) error {
		if err := tx.ReplaceIndicatorHits(ctx, run, all); err != nil {
			return err
		}
		for _, r := range runs {
			result := audit.ResultOK
			if len(r.hits) == 0 {
				result = audit.ResultEmpty
			}
			if _, err := e.Audit.In(tx).Record(ctx, actor, audit.Entry{Action: ActionEvaluated, ObjectType: "signal",
				ObjectID: signalID, PurposeID: r.purpose.ID, ProcessingActivity: r.purpose.ProcessingActivity,
				Result: result, TraceID: traceID,
				Detail: fmt.Sprintf("rules %s: %d hits on %d entities%s", rs.Version, len(r.hits), r.entities, ruleList(r.hits))}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	SortByWeight(all)
	return all, nil
}

// ruleList names the rules that hit, for the audit detail (ids only: the
// values are personal data and stay in the store).
func ruleList(hits []Hit) string {
	var ids []string
	for _, h := range hits {
		if !slices.Contains(ids, h.RuleID) {
			ids = append(ids, h.RuleID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	slices.Sort(ids)
	return " (" + strings.Join(ids, ",") + ")"
}

// RecomputeStale evaluates every signal that is due: not yet evaluated
// with the current rules version, or whose data changed since its last
// evaluation (another signal's job updated a shared entity, retention
// removed a link). It returns how many it evaluated. A signal that fails
// is logged and skipped; a change of rules ends the pass early (the next
// pass starts over with the new version).
func (e *Engine) RecomputeStale(ctx context.Context) (int, error) {
	e.pass.Lock()
	defer e.pass.Unlock()
	version := e.Rules().Version
	after, n := "", 0
	for {
		ids, err := e.Store.StaleIndicatorSignals(ctx, version, after, 100)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			if e.Rules().Version != version {
				return n, nil
			}
			if _, err := e.evaluate(ctx, id, ""); err != nil {
				e.log().Warn("evaluating indicators", "signal", id, "err", err)
			} else {
				n++
			}
			after = id
		}
	}
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}
