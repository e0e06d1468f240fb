package sources

import (
	"errors"

	"github.com/hibiken/asynq"
)

// NotAvailableError means the source answered, but not publicly: a login
// wall, a captcha, a block or a consent wall stands between us and the
// page. verrijk never logs in, solves a captcha or clicks through, so
// there is nothing to retry: the worker records the task as skipped with
// the reason, and the audit log records the query. Reason is plain English
// for the store ("login required"); the web UI translates it.
type NotAvailableError struct {
	Reason string
}

func (e *NotAvailableError) Error() string { return "not publicly available: " + e.Reason }

// Unwrap makes the error permanent for anyone who does not know the type:
// asking again meets the same wall.
func (e *NotAvailableError) Unwrap() error { return asynq.SkipRetry }

// AsNotAvailable returns the *NotAvailableError in err's chain, or nil.
func AsNotAvailable(err error) *NotAvailableError {
	var na *NotAvailableError
	if errors.As(err, &na) {
		return na
	}
	return nil
}
