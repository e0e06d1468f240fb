package rdap

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"verrijk/egress"
	"verrijk/sources"
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
	return ": " + sources.Clip(strings.Join(parts, " "), 200)
}

// checkStatus: RDAP needs no credentials, so a refusal means this client
// (or the proxy's exit address) is not allowed, which retrying won't change.
func checkStatus(resp *egress.Response) error {
	return sources.CheckStatus(resp, sources.StatusWords{
		Refused:  "the registry refused the request, not allowed",
		NotFound: "no RDAP error body: not an RDAP server; check sources.rdap.base_url, tld_servers and bootstrap_url",
		Detail:   describe,
	})
}
