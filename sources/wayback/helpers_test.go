package wayback_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"verrijk/sources"
	"verrijk/sources/sourcetest"
	"verrijk/sources/wayback"
)

func newSource(t testing.TB, baseURL string) *wayback.Source {
	return wayback.New(sourcetest.Client(t), sources.Config{BaseURL: baseURL, Timeout: sourcetest.Timeout})
}

func startServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
