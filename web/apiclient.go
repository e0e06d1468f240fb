package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// The UI owns no access rules: every read and write goes through the JSON
// API in-process, with the session's bearer token, so purpose binding,
// team rules, validation and audit stay in package api.

// apiError is an error answer of the API.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("api %d %s: %s", e.Status, e.Code, e.Message)
}

// apiRequest builds an in-memory request to the API on behalf of the
// browser request r: same context (a closed tab ends the work), same client
// address (the audit log's origin), the session's token.
func apiRequest(r *http.Request, sess *session, method, path string, body any) *http.Request {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(r.Context(), method, path, rd)
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	if sess != nil {
		req.Header.Set("Authorization", "Bearer "+sess.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// call sends one API request and decodes a 2xx answer into out (when not
// nil); any other answer is an *apiError.
func (u *ui) call(r *http.Request, sess *session, method, path string, body, out any) error {
	rec := httptest.NewRecorder()
	u.opts.API.ServeHTTP(rec, apiRequest(r, sess, method, path, body))
	return decodeAnswer(rec.Code, rec.Body.Bytes(), out)
}

func decodeAnswer(status int, raw []byte, out any) error {
	if status < 200 || status > 299 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		if e.Error.Code == "" {
			e.Error.Code = "http_" + fmt.Sprint(status)
		}
		return &apiError{Status: status, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("reading API answer: %w", err)
	}
	return nil
}

// get is call for GET with query parameters.
func (u *ui) get(r *http.Request, sess *session, path string, query url.Values, out any) error {
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	return u.call(r, sess, http.MethodGet, path, nil, out)
}

// esc escapes one path segment.
func esc(s string) string { return url.PathEscape(s) }

// isRouteMissing reports an API answer saying the route does not exist
// (an older server), as opposed to a missing object.
func isRouteMissing(err error) bool {
	e, ok := err.(*apiError)
	return ok && e.Status == http.StatusNotFound && strings.HasPrefix(e.Message, "no such API route")
}
