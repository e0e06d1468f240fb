package kvk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

// fout is KvK's error body: {"fout":[{"code":"IPD5200","omschrijving":"…"}]}.
type fout struct {
	Code         string `json:"code"`
	Omschrijving string `json:"omschrijving"`
}

// parseFout reads a fout body; ok is false when body is not one.
func parseFout(body []byte) ([]fout, bool) {
	var e struct {
		Fout []fout `json:"fout"`
	}
	if err := json.Unmarshal(body, &e); err != nil || len(e.Fout) == 0 {
		return nil, false
	}
	return e.Fout, true
}

// describe renders the fout codes of body for an error message; the
// service's own words are capped because the body is untrusted input.
func describe(body []byte) string {
	fs, ok := parseFout(body)
	if !ok {
		return ""
	}
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, clip(f.Code+" "+f.Omschrijving, 160))
	}
	return ": " + strings.Join(parts, "; ")
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// checkStatus turns a non-2xx answer into an error built on egress's typed
// errors: rate limiting stays an *egress.RateLimited (retryable, with the
// server's Retry-After), server errors stay retryable, and everything a
// retry cannot fix wraps asynq.SkipRetry. The api key is never part of the
// message.
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
		return fmt.Errorf("the api key was refused%s; check sources.kvk.api_key: %w: %w",
			describe(resp.Body), err, asynq.SkipRetry)
	case st >= 500:
		return fmt.Errorf("%w%s", err, describe(resp.Body))
	case st == http.StatusNotFound:
		// A 404 without a fout body is not KvK speaking: most likely a
		// wrong base_url, which no retry fixes.
		return fmt.Errorf("%w without a KvK error body; check sources.kvk.base_url: %w", err, asynq.SkipRetry)
	default:
		return fmt.Errorf("%w%s: %w", err, describe(resp.Body), asynq.SkipRetry)
	}
}
