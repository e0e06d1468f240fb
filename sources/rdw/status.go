package rdw

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// socrataError is Socrata's error body:
// {"code":"permission_denied","error":true,"message":"Invalid app_token specified"}.
// Older answers carry errorCode instead of code.
type socrataError struct {
	Code      string `json:"code"`
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

// parseError reads an error body; ok is false when body is not one.
func parseError(body []byte) (socrataError, bool) {
	var e socrataError
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		return socrataError{}, false
	}
	if e.Code == "" {
		e.Code = e.ErrorCode
	}
	return e, true
}

// describe renders the service's own words for an error message, capped
// because the body is untrusted, and with the app token blanked out in case
// a server echoes it back.
func (s *Source) describe(body []byte) string {
	e, ok := parseError(body)
	if !ok {
		return ""
	}
	msg := strings.TrimSpace(e.Code + " " + e.Message)
	if s.cfg.APIKey != "" {
		msg = strings.ReplaceAll(msg, s.cfg.APIKey, "[app token]")
	}
	return ": " + sources.Clip(msg, 160)
}

// checkStatus turns a non-2xx answer into an error built on egress's typed
// errors: rate limiting stays an *egress.RateLimited (retryable, with the
// server's Retry-After), server errors stay retryable, and everything a
// retry cannot fix wraps asynq.SkipRetry. The app token is never part of
// the message.
func (s *Source) checkStatus(resp *egress.Response) error {
	err := egress.CheckStatus(resp)
	if err == nil {
		return nil
	}
	var rl *egress.RateLimited
	if errors.As(err, &rl) {
		if s.cfg.APIKey == "" {
			// Socrata throttles anonymous callers per IP address; the
			// remedy is configuration, but waiting also works.
			return fmt.Errorf("%w (no app token: set sources.rdw.api_key to be throttled less)", err)
		}
		return err
	}
	st := resp.Status
	switch {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		return fmt.Errorf("the portal refused the request%s; check sources.rdw.api_key (an app token, or empty): %w: %w",
			s.describe(resp.Body), err, asynq.SkipRetry)
	case st >= 500:
		return fmt.Errorf("%w%s", err, s.describe(resp.Body))
	case st == http.StatusNotFound:
		return fmt.Errorf("%w%s: dataset not found; check sources.rdw.base_url: %w", err, s.describe(resp.Body), asynq.SkipRetry)
	default:
		return fmt.Errorf("%w%s: %w", err, s.describe(resp.Body), asynq.SkipRetry)
	}
}
