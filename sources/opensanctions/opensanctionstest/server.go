package opensanctionstest

import (
	"net/http/httptest"
	"testing"
)

// Server is a running replay server; its URL is a base_url for the
// opensanctions adapter (with api_key APIKey).
type Server struct {
	*httptest.Server
	*Handler
}

// NewServer starts a replay server that is closed when t ends.
func NewServer(t testing.TB) *Server {
	h := NewHandler()
	s := &Server{Server: httptest.NewServer(h), Handler: h}
	t.Cleanup(s.Close)
	return s
}
