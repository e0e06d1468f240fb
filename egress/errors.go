package egress

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errBodyPrefix is how much of a failed response HTTPError keeps: enough to
// recognise an error page, too little to hoard a document.
const errBodyPrefix = 512

// maxRetryAfter bounds what a server can ask of the queue; a hostile or
// broken Retry-After must not park a task for a year.
const maxRetryAfter = 24 * time.Hour

// HTTPError is a response whose status the adapter did not accept.
type HTTPError struct {
	Status int
	Body   []byte // at most the first 512 bytes, for diagnosis; hostile input
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("unexpected http status %d %s", e.Status, http.StatusText(e.Status))
}

// RateLimited is a 429, or a 503 with Retry-After: the source asked us to
// slow down. RetryIn is 0 when the server did not say how long to wait.
// It unwraps to the *HTTPError, so errors.As finds either.
type RateLimited struct {
	RetryIn time.Duration
	err     *HTTPError
}

func (e *RateLimited) Error() string {
	if e.RetryIn > 0 {
		return fmt.Sprintf("rate limited by source, retry in %s", e.RetryIn)
	}
	return "rate limited by source"
}

func (e *RateLimited) Unwrap() error {
	if e.err == nil {
		return nil
	}
	return e.err
}

// TooLargeError is a response body beyond Config.MaxResponseBytes. The body
// is discarded: a truncated document would be misleading evidence.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds %d bytes", e.Limit)
}

// CheckStatus returns nil when resp.Status is one of ok (any 2xx when ok is
// empty), a *RateLimited for 429 and for 503 with Retry-After, and an
// *HTTPError otherwise.
func CheckStatus(resp *Response, ok ...int) error {
	if len(ok) == 0 && resp.Status >= 200 && resp.Status <= 299 {
		return nil
	}
	if slices.Contains(ok, resp.Status) {
		return nil
	}
	he := &HTTPError{Status: resp.Status, Body: resp.Body[:min(len(resp.Body), errBodyPrefix)]}
	he.Body = slices.Clone(he.Body) // don't pin the whole body in memory
	wait, has := RetryAfter(resp)
	switch {
	case resp.Status == http.StatusTooManyRequests:
		return &RateLimited{RetryIn: wait, err: he}
	case resp.Status == http.StatusServiceUnavailable && has:
		return &RateLimited{RetryIn: wait, err: he}
	}
	return he
}

// RetryAfter reads the Retry-After header as delay-seconds or an HTTP date.
// A date is measured against the response's own Date header when present
// (so clock skew between us and the source does not matter), otherwise
// against FetchedAt. The result is clamped to [0, 24h]; false means the
// header is missing or unreadable.
func RetryAfter(resp *Response) (time.Duration, bool) {
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	ref := resp.FetchedAt
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		ref = d
	}
	if ref.IsZero() {
		ref = time.Now()
	}
	return min(max(at.Sub(ref), 0), maxRetryAfter), true
}

// Reasons a source is held (HeldError.Reason).
const (
	HoldPaused      = "paused"       // an admin paused the source
	HoldCircuitOpen = "circuit open" // the source kept failing; we give it a rest
	HoldThrottled   = "throttled"    // the source answered 429/503 with Retry-After
)

// HeldError means Do did not send the request because the source is held
// for every worker: paused, its circuit open, or throttled by the source
// itself. Nothing reached the source, so it is no failure of the task; the
// queue should try again after RetryIn (0: no estimate).
type HeldError struct {
	Source  string
	Reason  string // HoldPaused, HoldCircuitOpen or HoldThrottled
	RetryIn time.Duration
}

func (e *HeldError) Error() string {
	if e.RetryIn > 0 {
		return fmt.Sprintf("source %s held (%s), retry in %s", e.Source, e.Reason, e.RetryIn.Round(time.Millisecond))
	}
	return fmt.Sprintf("source %s held (%s)", e.Source, e.Reason)
}
