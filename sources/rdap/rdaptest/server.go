package rdaptest

import (
	"net/http/httptest"
	"testing"
)

// Server is a running replay server. Its URL is a base_url for .nl and
// URL+BootstrapPath a bootstrap_url for the other TLDs.
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

// BootstrapURL is the address of the rewritten bootstrap file.
func (s *Server) BootstrapURL() string { return s.URL + BootstrapPath }
