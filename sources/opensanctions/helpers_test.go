package opensanctions_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"verrijk/egress"
)

// bodyDroppingProxy is an HTTP proxy for the conformance suite. The
// suite's misbehaving servers never read a request body, and net/http
// only notices a client that hangs up once the body has been read, so a
// POST to its "cancellation" server would block the server's Close
// forever. The proxy reads the body, forwards the request without it (the
// suite's handlers ignore bodies) and cancels upstream when the client
// goes away. Drop it once sourcetest drains request bodies itself.
func bodyDroppingProxy(t testing.TB) string {
	tr := &http.Transport{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		out, err := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), nil)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := tr.RoundTrip(out)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(func() { srv.Close(); tr.CloseIdleConnections() })
	return srv.URL
}

// proxiedClient is an egress client like sourcetest.Client that goes
// through bodyDroppingProxy.
func proxiedClient(t testing.TB) *egress.Client {
	c, err := egress.New(egress.Config{AllowPrivateNetworks: true, Proxy: bodyDroppingProxy(t)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
