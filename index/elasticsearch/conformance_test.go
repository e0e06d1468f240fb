package esindex

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/index/elasticsearch/esfake"
	"verrijk/index/indextest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// openFake opens the backend against a fresh fake cluster.
func openFake(t *testing.T) (*Index, *esfake.Server) {
	t.Helper()
	srv := esfake.New(t)
	ix, err := Open(t.Context(), Config{
		Addresses: []string{srv.URL},
		Now:       func() time.Time { return time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC) },
		Backoff:   func(int) time.Duration { return time.Millisecond },
		Log:       quiet,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return ix, srv
}

// TestConformanceFake runs the conformance suite against the fake
// cluster: it checks that the queries, filters, sorts, aggregations and
// highlights the backend sends mean what the suite asks for, under the
// analysis the template declares (see package esfake for what is
// simulated, and the replay tests for the recorded wire format).
func TestConformanceFake(t *testing.T) {
	indextest.Run(t, func(t *testing.T) index.Index {
		ix, _ := openFake(t)
		return ix
	})
}
