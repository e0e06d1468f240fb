package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponseBytes bounds what is read of one answer. A page of 100 hits
// with their entities and highlights, or the answer to a bulk of a few
// hundred documents, is far below it.
const maxResponseBytes = 64 << 20

// Error is an error answer from Elasticsearch.
type Error struct {
	Method, Path string
	Status       int
	Type         string // e.g. index_not_found_exception
	Reason       string // shortened, without document values
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("elasticsearch: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Type != "" {
		msg += " " + e.Type
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// isStatus reports whether err is an Elasticsearch answer with this status.
func isStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// do sends one request through the client (which retries 429 and gateway
// errors) and returns the answer body of a 2xx answer; any other answer is
// an *Error. body is JSON, or NDJSON when ndjson is set.
func (x *Index) do(ctx context.Context, method, path string, query url.Values, body []byte, ndjson bool) ([]byte, error) {
	u := path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body) // rewindable, so the client can retry it
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: %w", method, path, err)
	}
	if body != nil {
		if ndjson {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	req.Header.Set("Accept", "application/json")
	res, err := x.client.Perform(req)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: reading the answer: %w", method, path, err)
	}
	if len(raw) > maxResponseBytes {
		return nil, fmt.Errorf("elasticsearch: %s %s: answer larger than %d bytes", method, path, maxResponseBytes)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, parseError(method, path, res.StatusCode, raw)
	}
	return raw, nil
}

// parseError reads both error shapes: {"error": {"type", "reason", …},
// "status"} and, from the get alias API, {"error": "alias [x] missing",
// "status": 404}.
func parseError(method, path string, status int, raw []byte) *Error {
	e := &Error{Method: method, Path: path, Status: status}
	var body struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(raw, &body) != nil || len(body.Error) == 0 {
		return e
	}
	var cause errorCause
	if json.Unmarshal(body.Error, &cause) == nil {
		e.Type, e.Reason = cause.Type, cleanReason(cause.Reason)
		return e
	}
	var text string
	if json.Unmarshal(body.Error, &text) == nil {
		e.Reason = cleanReason(text)
	}
	return e
}

type errorCause struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// cleanReason keeps an error reason fit for logs: Elasticsearch quotes the
// offending value of a document that failed to parse, and a document is
// personal data, so that part is cut; the rest is capped.
func cleanReason(s string) string {
	if i := strings.Index(s, "Preview of field's value"); i >= 0 {
		s = strings.TrimRight(s[:i], " .") + "."
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
