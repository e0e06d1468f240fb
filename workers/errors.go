package workers

import (
	"errors"
	"time"

	"verrijk/egress"
)

// permanentErr reports errors a retry cannot fix: the SSRF guard refused
// the address, or the answer is larger than any retry would make it.
func permanentErr(err error) bool {
	var blocked *egress.BlockedError
	var tooLarge *egress.TooLargeError
	return errors.As(err, &blocked) || errors.As(err, &tooLarge)
}

// holdDelay is how long a held lookup waits: a source paused by an admin,
// with its circuit open, or throttled for all workers; 0 if err is not a
// hold.
func holdDelay(err error) time.Duration {
	var held *egress.HeldError
	if errors.As(err, &held) {
		if held.RetryIn > 0 {
			return held.RetryIn
		}
		return 5 * time.Second
	}
	return 0
}
