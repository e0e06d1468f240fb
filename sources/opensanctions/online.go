package opensanctions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// screenOnline asks the match API about one name.
func (s *Source) screenOnline(ctx context.Context, name string) (*sources.Result, error) {
	body, err := json.Marshal(matchRequest{Queries: map[string]example{QueryKey: newExample(name)}})
	if err != nil {
		return nil, fmt.Errorf("opensanctions: building query: %w", err)
	}
	resp, err := s.client.Do(ctx, egress.Request{
		Source: Name,
		Method: http.MethodPost,
		URL:    s.matchURL(),
		Header: http.Header{
			"Authorization": {"ApiKey " + s.cfg.APIKey},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
		},
		Body:    body,
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("opensanctions: matching: %w", err)
	}
	if err := s.checkStatus(resp); err != nil {
		return nil, fmt.Errorf("opensanctions: matching: %w", err)
	}
	n, err := matches(resp.Body, s.cfg.MinScore)
	if err != nil {
		return nil, fmt.Errorf("opensanctions: matching: %w: %w", err, asynq.SkipRetry)
	}
	return &sources.Result{
		Found:    n > 0,
		Evidence: []sources.Evidence{sources.EvidenceOf(Name, KindMatch, resp)},
	}, nil
}

// matchURL is /match/{dataset} with the threshold as both threshold and
// cutoff (see the package comment) and the result limit.
func (s *Source) matchURL() string {
	q := url.Values{}
	q.Set("threshold", formatScore(s.cfg.MinScore))
	q.Set("cutoff", formatScore(s.cfg.MinScore))
	q.Set("limit", strconv.Itoa(MaxResults))
	return s.cfg.BaseURL + "/match/" + url.PathEscape(s.cfg.Dataset) + "?" + q.Encode()
}

// checkStatus turns a non-2xx answer into an error: rate limiting stays an
// *egress.RateLimited, server errors stay retryable, everything a retry
// cannot fix wraps asynq.SkipRetry. The key never appears in a message.
func (s *Source) checkStatus(resp *egress.Response) error {
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
		return fmt.Errorf("the api key was refused%s; check sources.opensanctions.api_key: %w: %w",
			detail(resp.Body), err, asynq.SkipRetry)
	case st >= 500:
		return fmt.Errorf("%w%s", err, detail(resp.Body))
	case st == http.StatusNotFound:
		return fmt.Errorf("%w%s; check sources.opensanctions.dataset (%q) and base_url: %w",
			err, detail(resp.Body), s.cfg.Dataset, asynq.SkipRetry)
	default:
		return fmt.Errorf("%w%s: %w", err, detail(resp.Body), asynq.SkipRetry)
	}
}

// detail renders yente's error body, {"detail": "…"} or FastAPI's
// validation list {"detail":[{"loc":[…],"msg":"…"}]}, capped because the
// body is untrusted input.
func detail(body []byte) string {
	var e struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Detail) == 0 {
		return ""
	}
	var msg string
	if json.Unmarshal(e.Detail, &msg) != nil {
		var list []struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal(e.Detail, &list) != nil || len(list) == 0 {
			return ""
		}
		parts := make([]string, 0, min(len(list), 3))
		for _, l := range list[:min(len(list), 3)] {
			parts = append(parts, l.Msg)
		}
		msg = strings.Join(parts, "; ")
	}
	if msg = sources.Clip(msg, 160); msg == "" {
		return ""
	}
	return ": " + msg
}
