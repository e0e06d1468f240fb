package sources

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hibiken/asynq"
)

func TestNotAvailableError(t *testing.T) {
	err := fmt.Errorf("social: instagram/acme: %w", &NotAvailableError{Reason: "login required"})
	na := AsNotAvailable(err)
	if na == nil || na.Reason != "login required" {
		t.Fatalf("AsNotAvailable = %+v", na)
	}
	if !errors.Is(err, asynq.SkipRetry) {
		t.Error("a login wall must not be retried")
	}
	if got := err.Error(); got != "social: instagram/acme: not publicly available: login required" {
		t.Errorf("Error() = %q", got)
	}
	if AsNotAvailable(errors.New("timeout")) != nil {
		t.Error("an ordinary error was taken for a wall")
	}
}
