package sources

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

// StatusWords is how an adapter explains the answers a retry cannot fix.
type StatusWords struct {
	// Refused explains a 401/403, e.g. "the api key was refused; check
	// sources.kvk.api_key". Never include the key itself.
	Refused string
	// NotFound explains a 404 that is not the service's own "no results",
	// e.g. "no CDX server there; check sources.wayback.base_url".
	NotFound string
	// Detail quotes the service's own explanation from an error body
	// (" (…)" or ": …"), or "" when it has none; nil: no detail.
	Detail func(body []byte) string
}

// CheckStatus maps a non-2xx answer onto egress's typed errors: a 429 (or
// 503 with Retry-After) stays an *egress.RateLimited, a 5xx stays
// retryable, and everything else wraps asynq.SkipRetry in the adapter's
// words, because a retry cannot fix a refused key or a wrong base_url.
func CheckStatus(resp *egress.Response, w StatusWords) error {
	err := egress.CheckStatus(resp)
	if err == nil {
		return nil
	}
	var rl *egress.RateLimited
	if errors.As(err, &rl) {
		return err
	}
	detail := ""
	if w.Detail != nil {
		detail = w.Detail(resp.Body)
	}
	switch st := resp.Status; {
	case st >= 500:
		return fmt.Errorf("%w%s", err, detail)
	case (st == http.StatusUnauthorized || st == http.StatusForbidden) && w.Refused != "":
		return fmt.Errorf("%s%s: %w: %w", w.Refused, detail, err, asynq.SkipRetry)
	case st == http.StatusNotFound && w.NotFound != "":
		return fmt.Errorf("%w: %s: %w", err, w.NotFound, asynq.SkipRetry)
	default:
		return fmt.Errorf("%w%s: %w", err, detail, asynq.SkipRetry)
	}
}

// Clip folds white space and cuts s to at most n bytes without splitting a
// character, marking a cut with "…": for quoting hostile text in errors.
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
