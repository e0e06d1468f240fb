package workers

import (
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

// NewServer builds the Asynq server that runs p: one queue per source,
// weighted by the source's concurrency, with total concurrency their sum.
// A rate-limited attempt is retried after the source's Retry-After rather
// than the default back-off.
func NewServer(redis asynq.RedisConnOpt, concurrency map[string]int, p *Processor, log *slog.Logger) (*asynq.Server, *asynq.ServeMux) {
	return asynq.NewServer(redis, serverConfig(concurrency, log)), newMux(p)
}

// serverConfig is NewServer's Asynq configuration, apart so that tests can
// check it and shorten its timeouts.
func serverConfig(concurrency map[string]int, log *slog.Logger) asynq.Config {
	if log == nil {
		log = slog.Default()
	}
	queues := map[string]int{}
	total := 0
	for source, n := range concurrency {
		if n <= 0 {
			n = 1
		}
		queues[QueueName(source)] = n
		total += n
	}
	if total == 0 {
		total = 1
	}
	return asynq.Config{
		Concurrency:     total,
		Queues:          queues,
		ShutdownTimeout: 20 * time.Second,
		Logger:          asynqLogger{log},
		LogLevel:        asynq.WarnLevel,
		RetryDelayFunc:  retryDelay,
		IsFailure:       isFailure,
	}
}

// isFailure tells Asynq whether an error uses up one of the task's
// retries. Being throttled is not the task's failure: it waits for the
// source and tries again with its retries intact.
func isFailure(err error) bool { return !rateLimited(err) && holdDelay(err) == 0 }

func rateLimited(err error) bool {
	var rl *egress.RateLimited
	return errors.As(err, &rl)
}

// retryDelay waits as long as a rate-limiting source asked, and otherwise
// backs off as Asynq does by default.
func retryDelay(n int, err error, t *asynq.Task) time.Duration {
	var rl *egress.RateLimited
	if errors.As(err, &rl) && rl.RetryIn > 0 {
		return rl.RetryIn
	}
	if d := holdDelay(err); d > 0 {
		return d
	}
	if errors.Is(err, asynq.ErrLeaseExpired) {
		return time.Second // its worker died; Asynq already waited for the lease
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

func newMux(p *Processor) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Handle(TypeEnrichPrefix, p)
	return mux
}

// asynqLogger routes Asynq's own log lines into slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug("asynq", "msg", args) }
func (a asynqLogger) Info(args ...any)  { a.l.Info("asynq", "msg", args) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn("asynq", "msg", args) }
func (a asynqLogger) Error(args ...any) { a.l.Error("asynq", "msg", args) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error("asynq fatal", "msg", args) }

var _ asynq.Handler = (*Processor)(nil)
