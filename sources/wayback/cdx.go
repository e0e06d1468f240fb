package wayback

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// get performs one CDX request, appends its evidence to res and returns the
// number of capture rows in the answer.
func (s *Source) get(ctx context.Context, res *sources.Result, q url.Values, kind, what string) (int, error) {
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + "/cdx/search/cdx?" + q.Encode(),
		Header:  http.Header{"Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return 0, fmt.Errorf("wayback: %s: %w", what, err)
	}
	if Blocked(resp.Status, resp.Body) {
		// An excluded site is an answer, not a failure: nothing to show.
		res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, KindBlocked, resp))
		return 0, nil
	}
	if err := checkStatus(resp); err != nil {
		return 0, fmt.Errorf("wayback: %s: %w", what, err)
	}
	rows, err := CountRows(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("wayback: %s: malformed answer: %w: %w", what, err, asynq.SkipRetry)
	}
	res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, kind, resp))
	return rows, nil
}

// CountRows checks that body is a CDX JSON answer (an array whose first row
// is the field header) and counts its capture rows. An empty body and "[]"
// are empty answers.
func CountRows(body []byte) (int, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return 0, nil
	}
	if trimmed[0] != '[' {
		return 0, errors.New("answer is not a JSON array of rows")
	}
	var table []json.RawMessage
	if err := json.Unmarshal(trimmed, &table); err != nil {
		return 0, fmt.Errorf("answer is not a JSON array of rows: %w", err)
	}
	if len(table) == 0 {
		return 0, nil
	}
	var header []string
	if err := json.Unmarshal(table[0], &header); err != nil || !slices.Contains(header, "timestamp") {
		return 0, errors.New("first row is not a field header with timestamp")
	}
	return len(table) - 1, nil
}

// Blocked reports whether an answer says the Archive excludes the site:
// a 403 naming one of the Wayback's access-control exceptions.
func Blocked(status int, body []byte) bool {
	if status != http.StatusForbidden {
		return false
	}
	head := body[:min(len(body), 1024)]
	return bytes.Contains(head, []byte("AccessControlException")) || bytes.Contains(head, []byte("Blocked Site Error"))
}

// checkStatus explains what a retry cannot fix in the Archive's words.
func checkStatus(resp *egress.Response) error {
	return sources.CheckStatus(resp, sources.StatusWords{
		Refused:  "the Internet Archive did not allow the request",
		NotFound: "no CDX server there; check sources.wayback.base_url",
		Detail:   describe,
	})
}

// describe quotes the first line of a text error body, capped: the CDX
// server explains a 400 in plain text ("url parameter is required").
func describe(body []byte) string {
	line, _, _ := strings.Cut(string(body[:min(len(body), 512)]), "\n")
	line = strings.Join(strings.Fields(line), " ")
	if line == "" || strings.ContainsAny(line, "<{") { // HTML or JSON: not a message
		return ""
	}
	if len(line) > 160 {
		line = line[:160] + "…"
	}
	return fmt.Sprintf(" (%q)", line)
}
