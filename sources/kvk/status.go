package kvk

import (
	"encoding/json"
	"strings"

	"verrijk/egress"
	"verrijk/sources"
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
		parts = append(parts, sources.Clip(f.Code+" "+f.Omschrijving, 160))
	}
	return ": " + strings.Join(parts, "; ")
}

// checkStatus: a 404 without a fout body is not KvK speaking but most
// likely a wrong base_url; the api key never enters a message.
func checkStatus(resp *egress.Response) error {
	return sources.CheckStatus(resp, sources.StatusWords{
		Refused:  "the api key was refused; check sources.kvk.api_key",
		NotFound: "no KvK error body; check sources.kvk.base_url",
		Detail:   describe,
	})
}
