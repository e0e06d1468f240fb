package rdap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

// rdapError is RFC 9083's error body:
// {"errorCode":404,"title":"Not Found","description":["…"]}.
type rdapError struct {
	ErrorCode   *int     `json:"errorCode"`
	Title       string   `json:"title"`
	Description []string `json:"description"`
}

// parseError reads an RDAP error body; ok is false when body is not one.
func parseError(body []byte) (rdapError, bool) {
	var e rdapError
	if err := json.Unmarshal(body, &e); err != nil || e.ErrorCode == nil {
		return rdapError{}, false
	}
	return e, true
}

// isRDAPNotFound tells a registry's "no such domain" (an RDAP error body,
// or no body at all, as RFC 7480 §5.3 allows) from a 404 of something
// that is not an RDAP server, such as a wrong base_url.
func isRDAPNotFound(body []byte) bool {
	if len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	_, ok := parseError(body)
	return ok
}

// describe renders an RDAP error body for an error message, capped: the
// body is untrusted input.
func describe(body []byte) string {
	e, ok := parseError(body)
	if !ok {
		return ""
	}
	parts := []string{strconv.Itoa(*e.ErrorCode)}
	if e.Title != "" {
		parts = append(parts, e.Title)
	}
	if len(e.Description) > 0 {
		parts = append(parts, e.Description[0])
	}
	return ": " + clip(strings.Join(parts, " "), 200)
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// checkStatus turns a non-2xx answer into an error built on egress's typed
// errors: rate limiting stays an *egress.RateLimited, server errors stay
// retryable, and what a retry cannot fix wraps asynq.SkipRetry.
func checkStatus(resp *egress.Response) error {
	err := egress.CheckStatus(resp)
	if err == nil {
		return nil
	}
	var rl *egress.RateLimited
	if errors.As(err, &rl) {
		return err
	}
	st := resp.Status
	switch {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		// RDAP needs no credentials; a refusal means this client (or the
		// proxy's exit address) is not allowed, which retrying won't change.
		return fmt.Errorf("the registry refused the request, not allowed%s: %w: %w", describe(resp.Body), err, asynq.SkipRetry)
	case st >= 500:
		return fmt.Errorf("%w%s", err, describe(resp.Body))
	case st == http.StatusNotFound:
		return fmt.Errorf("%w without an RDAP error body: not an RDAP server; check sources.rdap.base_url, tld_servers and bootstrap_url: %w", err, asynq.SkipRetry)
	default:
		return fmt.Errorf("%w%s: %w", err, describe(resp.Body), asynq.SkipRetry)
	}
}
