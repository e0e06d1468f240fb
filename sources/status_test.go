package sources

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
)

func TestCheckStatus(t *testing.T) {
	words := StatusWords{Refused: "the api key was refused; check sources.x.api_key",
		NotFound: "check sources.x.base_url", Detail: func(b []byte) string { return " (" + string(b) + ")" }}
	cases := []struct {
		status    int
		header    http.Header
		permanent bool
		want      string
	}{
		{200, nil, false, ""},
		{401, nil, true, "api key was refused"},
		{403, nil, true, "api key was refused"},
		{404, nil, true, "check sources.x.base_url"},
		{400, nil, true, "(body)"},
		{500, nil, false, "(body)"},
		{429, http.Header{"Retry-After": {"3"}}, false, ""},
	}
	for _, c := range cases {
		err := CheckStatus(&egress.Response{Status: c.status, Header: c.header, Body: []byte("body")}, words)
		if c.status == 200 {
			if err != nil {
				t.Errorf("200: %v", err)
			}
			continue
		}
		if err == nil || errors.Is(err, asynq.SkipRetry) != c.permanent || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: %v (permanent %v)", c.status, err, errors.Is(err, asynq.SkipRetry))
		}
		var rl *egress.RateLimited
		if c.status == 429 && !errors.As(err, &rl) {
			t.Errorf("429 is not RateLimited: %v", err)
		}
	}
}

func TestClip(t *testing.T) {
	if got := Clip("  a \n b  ", 10); got != "a b" {
		t.Errorf("Clip folds white space: %q", got)
	}
	if got := Clip("ééé", 3); got != "é…" {
		t.Errorf("Clip cut inside a character: %q", got)
	}
}

func TestEvidenceOfKeepsTheHeadersThatMatter(t *testing.T) {
	resp := &egress.Response{Status: 200, URL: "https://example.nl/", SHA256: "ab", Body: []byte("x"),
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Last-Modified": {"Tue, 01 Dec 2026 10:00:00 GMT"},
			"Set-Cookie": {"session=secret"}, "Etag": {`"` + strings.Repeat("e", 2000) + `"`}}}
	ev := EvidenceOf("website", "website.page", resp)
	if ev.Headers["Content-Type"] != "text/html; charset=utf-8" || ev.Headers["Last-Modified"] == "" {
		t.Errorf("headers = %q", ev.Headers)
	}
	if _, ok := ev.Headers["Set-Cookie"]; ok {
		t.Error("a cookie was kept as evidence")
	}
	if n := len(ev.Headers["ETag"]); n == 0 || n > 600 {
		t.Errorf("ETag kept with %d bytes, want it clipped", n)
	}
	if none := EvidenceOf("kvk", "kvk.empty", &egress.Response{}); none.Headers != nil {
		t.Errorf("headers of an answer without any = %q", none.Headers)
	}
}
