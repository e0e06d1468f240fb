package egress

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	fetched := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"missing", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"120"}}, 2 * time.Minute, true},
		{"zero", http.Header{"Retry-After": {"0"}}, 0, true},
		{"negative", http.Header{"Retry-After": {"-5"}}, 0, false},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"huge", http.Header{"Retry-After": {"99999999999999"}}, maxRetryAfter, true},
		{"date vs fetched", http.Header{"Retry-After": {"Sat, 01 Mar 2025 12:00:30 GMT"}}, 30 * time.Second, true},
		{"date vs server date", http.Header{
			"Retry-After": {"Sat, 01 Mar 2025 12:00:30 GMT"},
			"Date":        {"Sat, 01 Mar 2025 11:59:50 GMT"}, // server clock 10s behind ours
		}, 40 * time.Second, true},
		{"date in the past", http.Header{"Retry-After": {"Sat, 01 Mar 2025 11:00:00 GMT"}}, 0, true},
	}
	for _, c := range cases {
		got, ok := RetryAfter(&Response{Status: 429, Header: c.header, FetchedAt: fetched})
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got (%s, %v), want (%s, %v)", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestCheckStatus(t *testing.T) {
	long := make([]byte, 2000)
	resp := func(status int, h http.Header) *Response {
		return &Response{Status: status, Header: h, Body: long}
	}
	if err := CheckStatus(resp(200, nil)); err != nil {
		t.Errorf("200: %v", err)
	}
	if err := CheckStatus(resp(204, nil)); err != nil {
		t.Errorf("204 with default ok: %v", err)
	}
	if err := CheckStatus(resp(404, nil), 200, 404); err != nil {
		t.Errorf("404 listed as ok: %v", err)
	}
	if err := CheckStatus(resp(204, nil), 200); err == nil {
		t.Error("204 not listed as ok, want error")
	}

	var he *HTTPError
	if err := CheckStatus(resp(500, nil)); !errors.As(err, &he) || he.Status != 500 || len(he.Body) != errBodyPrefix {
		t.Errorf("500: err = %v", err)
	}

	var rl *RateLimited
	err := CheckStatus(resp(429, http.Header{"Retry-After": {"7"}}))
	if !errors.As(err, &rl) || rl.RetryIn != 7*time.Second {
		t.Errorf("429: err = %v, want RateLimited 7s", err)
	}
	if !errors.As(err, &he) || he.Status != 429 {
		t.Errorf("429 should also unwrap to *HTTPError{429}, got %v", err)
	}
	if err := CheckStatus(resp(429, nil)); !errors.As(err, &rl) || rl.RetryIn != 0 {
		t.Errorf("429 without Retry-After: err = %v", err)
	}
	if err := CheckStatus(resp(503, http.Header{"Retry-After": {"3"}})); !errors.As(err, &rl) || rl.RetryIn != 3*time.Second {
		t.Errorf("503 with Retry-After: err = %v", err)
	}
	err = CheckStatus(resp(503, nil))
	if errors.As(err, &rl) || !errors.As(err, &he) {
		t.Errorf("503 without Retry-After: err = %v, want plain HTTPError", err)
	}
}
