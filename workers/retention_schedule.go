package workers

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/store"
)

// The retention sweep runs as a periodic Asynq task on its own queue,
// which only the process that owns the index (serve) consumes.
const (
	TypeRetentionSweep = "retention:sweep"
	QueueMaintenance   = "maintenance"
	// SweepSchedule is when the sweep runs: daily, at midnight UTC.
	SweepSchedule = "@daily"
)

// Sweeper runs the retention sweep in the process that owns the index, and
// keeps the index in step with deletions made elsewhere: `verrijk retention
// run` while serve holds the embedded index, or a sweep whose index write
// failed. The audit log is the record of those deletions, so each run
// walks the retention.deleted entries it has not seen yet and makes the
// index match the store for each entity named there.
type Sweeper struct {
	Store store.Store
	Index index.Index
	Audit *audit.Logger
	Log   *slog.Logger
	Now   func() time.Time // default time.Now
	// Policy is what the sweep removes besides expired links.
	Policy Policy

	mu   sync.Mutex
	seen map[string]int64 // per followed action, the last entry the index has followed
}

// deletionActions are the log entries whose entities the index follows:
// retention deletions and data-subject erasures.
var deletionActions = []string{audit.ActionRetentionDeleted, audit.ActionSubjectErased}

// RunOnce sweeps as of now and brings the index up to date with every
// deletion logged since the last run (since the start of the log, the
// first time). Runs do not overlap.
func (s *Sweeper) RunOnce(ctx context.Context) (SweepResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	res, err := Sweep(ctx, s.Store, s.Index, s.Audit, now(), s.Policy)
	if err != nil {
		// An index failure leaves the store swept; followDeletions below
		// retries the index from the log.
		log.Warn("retention sweep", "err", err)
	}
	n, ferr := s.followDeletions(ctx)
	log.Info("retention sweep done", "links", res.Links, "entities", res.Entities, "evidence", res.Evidence,
		"reprojected", res.Reprojected, "index_followed", n)
	if err != nil {
		return res, err
	}
	return res, ferr
}

// followDeletions reads the deletion entries (deletionActions) not
// followed yet and, for each entity named, drops it from the index or,
// when the store has it again (the same id enriched anew since),
// re-indexes the stored copy.
func (s *Sweeper) followDeletions(ctx context.Context) (int, error) {
	if s.Index == nil {
		return 0, nil
	}
	if s.seen == nil {
		s.seen = map[string]int64{}
	}
	total := 0
	for _, action := range deletionActions {
		n, err := s.follow(ctx, action)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Sweeper) follow(ctx context.Context, action string) (int, error) {
	const page = 1000
	total := 0
	for {
		entries, err := s.Store.ListAudit(ctx, store.AuditFilter{Action: action, AfterSeq: s.seen[action], Limit: page})
		if err != nil {
			return total, fmt.Errorf("reading %s entries: %w", action, err)
		}
		var ids []string
		for _, e := range entries {
			if e.ObjectType == "entity" && e.Result == audit.ResultOK {
				ids = append(ids, e.ObjectID)
			}
		}
		if len(ids) > 0 {
			if _, err := reproject(ctx, s.Store, s.Index, ids); err != nil {
				return total, err
			}
		}
		total += len(ids)
		if len(entries) > 0 {
			s.seen[action] = entries[len(entries)-1].Seq
		}
		if len(entries) < page {
			return total, nil
		}
	}
}

// ProcessTask runs the sweep for a scheduled retention:sweep task.
func (s *Sweeper) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	_, err := s.RunOnce(ctx)
	return err
}

// NewMaintenanceServer builds a small Asynq server that consumes only the
// maintenance queue, one task at a time, with sw as its handler.
func NewMaintenanceServer(redis asynq.RedisConnOpt, sw *Sweeper, log *slog.Logger) (*asynq.Server, *asynq.ServeMux) {
	if log == nil {
		log = slog.Default()
	}
	srv := asynq.NewServer(redis, asynq.Config{
		Concurrency:     1,
		Queues:          map[string]int{QueueMaintenance: 1},
		ShutdownTimeout: 20 * time.Second,
		Logger:          asynqLogger{log},
		LogLevel:        asynq.WarnLevel,
	})
	mux := asynq.NewServeMux()
	mux.Handle(TypeRetentionSweep, sw)
	return srv, mux
}

// SweepTaskOptions are the scheduled task's options. Unique keeps one
// sweep queued or running at a time when several processes schedule it
// (it is released when the sweep ends; a later duplicate finds nothing to
// delete, the sweep being idempotent).
func SweepTaskOptions() []asynq.Option {
	return []asynq.Option{asynq.Queue(QueueMaintenance), asynq.Unique(23 * time.Hour),
		asynq.MaxRetry(5), asynq.Timeout(2 * time.Hour)}
}

// NewSweepScheduler returns an Asynq scheduler that enqueues the sweep on
// spec (a cron spec, "@daily" when empty); the caller starts and stops it.
func NewSweepScheduler(redis asynq.RedisConnOpt, spec string, log *slog.Logger) (*asynq.Scheduler, error) {
	return newSweepScheduler(redis, spec, log, 0)
}

// newSweepScheduler lets tests shorten how often the scheduler publishes
// its entries (Asynq's default: every 10 s).
func newSweepScheduler(redis asynq.RedisConnOpt, spec string, log *slog.Logger, heartbeat time.Duration) (*asynq.Scheduler, error) {
	if spec == "" {
		spec = SweepSchedule
	}
	if log == nil {
		log = slog.Default()
	}
	sch := asynq.NewScheduler(redis, &asynq.SchedulerOpts{Logger: asynqLogger{log}, LogLevel: asynq.WarnLevel,
		Location: time.UTC, HeartbeatInterval: heartbeat})
	if _, err := sch.Register(spec, asynq.NewTask(TypeRetentionSweep, nil), SweepTaskOptions()...); err != nil {
		return nil, fmt.Errorf("scheduling the retention sweep %q: %w", spec, err)
	}
	return sch, nil
}
