package workers

import (
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

func TestServerConfigQueues(t *testing.T) {
	cfg := serverConfig(map[string]int{"kvk": 3, "bag": 0, "rdw": -2}, nil)
	want := map[string]int{"source:kvk": 3, "source:bag": 1, "source:rdw": 1}
	if !maps.Equal(cfg.Queues, want) || cfg.Concurrency != 5 {
		t.Errorf("queues %v, concurrency %d; want %v, 5", cfg.Queues, cfg.Concurrency, want)
	}
	if cfg.Logger == nil {
		t.Error("no logger")
	}
	cfg.Logger.Debug("a nil slog logger must not panic")

	empty := serverConfig(nil, quiet)
	if empty.Concurrency != 1 || len(empty.Queues) != 0 {
		t.Errorf("no sources: concurrency %d, queues %v", empty.Concurrency, empty.Queues)
	}
}

func TestRetryDelayHonoursRateLimit(t *testing.T) {
	cfg := serverConfig(map[string]int{"kvk": 1}, quiet)
	task := asynq.NewTask(TypeEnrich("kvk"), nil)
	rl := &egress.RateLimited{RetryIn: 7 * time.Second}
	for name, err := range map[string]error{
		"direct":  rl,
		"wrapped": fmt.Errorf("fetching basisprofiel: %w", rl),
	} {
		if got := cfg.RetryDelayFunc(3, err, task); got != 7*time.Second {
			t.Errorf("%s: delay %s, want the source's 7s", name, got)
		}
	}
	// Without a Retry-After, Asynq's back-off (at least n^4+15 s) applies.
	for name, err := range map[string]error{
		"no retry-after": &egress.RateLimited{},
		"other error":    errors.New("connection reset"),
	} {
		if got := cfg.RetryDelayFunc(2, err, task); got < 31*time.Second {
			t.Errorf("%s: delay %s, want the default back-off", name, got)
		}
	}
}
