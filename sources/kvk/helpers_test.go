package kvk_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func httpServer(t *testing.T, status int, body []byte) string {
	return httpServerHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
}

func httpServerHandler(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
