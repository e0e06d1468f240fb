package rdap_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"verrijk/sources"
	"verrijk/sources/rdap"
	"verrijk/sources/rdap/rdaptest"
	"verrijk/sources/sourcetest"
)

func startServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// newSource builds the adapter against a replay server for .nl and for the
// bootstrap file.
func newSource(t testing.TB, srv *rdaptest.Server) *rdap.Source {
	return rdap.New(sourcetest.Client(t), sources.Config{
		BaseURL: srv.URL, BootstrapURL: srv.BootstrapURL(), Timeout: sourcetest.Timeout,
	})
}

func kinds(res *sources.Result) []string {
	var ks []string
	for _, ev := range res.Evidence {
		ks = append(ks, ev.Kind)
	}
	return ks
}
