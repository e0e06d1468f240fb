// Package indextest is the conformance suite every index.Index passes (Bleve
// and Elasticsearch alike). It tests behaviour seen through the interface
// only: what a search finds, never how a backend stores it.
//
// The suite assumes read-your-writes: once Upsert or Delete returns, a
// Search sees the change (Elasticsearch: refresh=wait_for or an explicit
// refresh).
package indextest

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// Opener returns a fresh, empty index. The suite closes it at the end of
// the case, so the opener must not close it itself.
type Opener func(t *testing.T) index.Index

// Purposes and signals used by the fixtures.
const (
	purposeA = "purpose-a"
	purposeB = "purpose-b"
	signal1  = "signal-1"
	signal2  = "signal-2"
	signal3  = "signal-3"
)

// Run runs every case against indexes returned by open.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, idx index.Index)
	}{
		{"UpsertAndFindByCaptionWord", testCaptionWord},
		{"FullEntityRoundTrip", testRoundTrip},
		{"PrefixOfLastWord", testPrefix},
		{"AccentFolding", testAccentFolding},
		{"Identifiers", testIdentifiers},
		{"PurposeFilter", testPurposeFilter},
		{"SignalFilter", testSignalFilter},
		{"TeamFilter", testTeamFilter},
		{"SchemaFilterAndFacets", testSchemaFacets},
		{"SourceFilterAndFacet", testSourceFilter},
		{"DateRange", testDateRange},
		{"SortByDate", testSortByDate},
		{"MunicipalityAndSBIFacets", testRegisterFacets},
		{"IdentifierNotations", testIdentifierNotations},
		{"Typos", testTypos},
		{"PagingAndTotal", testPaging},
		{"UpsertReplaces", testUpsertReplaces},
		{"Delete", testDelete},
		{"HighlightEscapesHostileText", testHighlightEscaping},
		{"ConcurrentUpserts", testConcurrentUpserts},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			idx := open(t)
			t.Cleanup(func() {
				if err := idx.Close(); err != nil {
					t.Errorf("closing index: %v", err)
				}
			})
			c.fn(t, idx)
		})
	}
}

var fixtureTime = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// link ties a fixture entity to a signal under a purpose.
func link(purposeID, signalID string) entity.Link {
	return entity.Link{
		SignalID:  signalID,
		PurposeID: purposeID,
		JobID:     "job-" + signalID,
		LinkedAt:  fixtureTime,
		ExpiresAt: fixtureTime.AddDate(1, 0, 0),
	}
}

// company builds an entity whose name property equals its caption.
func company(id, caption string, links ...entity.Link) entity.Entity {
	return ent(id, entity.SchemaCompany, caption, map[string][]string{"name": {caption}}, links...)
}

func ent(id, schema, caption string, props map[string][]string, links ...entity.Link) entity.Entity {
	return entity.Entity{
		ID:         id,
		Schema:     schema,
		Caption:    caption,
		Properties: props,
		Provenance: []entity.Provenance{{
			Source:     "kvk",
			URL:        "https://example.test/" + id,
			FetchedAt:  fixtureTime,
			SHA256:     fmt.Sprintf("%064x", len(id)),
			Properties: []string{"name"},
		}},
		Signals:   links,
		FirstSeen: fixtureTime,
		LastSeen:  fixtureTime.Add(time.Hour),
	}
}

func upsert(t *testing.T, idx index.Index, es ...entity.Entity) {
	t.Helper()
	if err := idx.Upsert(t.Context(), es...); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func search(t *testing.T, idx index.Index, q index.Query) index.Result {
	t.Helper()
	res, err := idx.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// ids lists the ids of the hits, sorted.
func ids(res index.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

// expectIDs searches and checks the exact set of ids found and the total.
func expectIDs(t *testing.T, idx index.Index, q index.Query, want ...string) index.Result {
	t.Helper()
	res := search(t, idx, q)
	want = slices.Clone(want)
	sort.Strings(want)
	if got := ids(res); !slices.Equal(got, want) {
		t.Errorf("Search(%+v) found %v, want %v", q, got, want)
	}
	if res.Total != len(want) {
		t.Errorf("Search(%+v) total = %d, want %d", q, res.Total, len(want))
	}
	return res
}

func hitByID(res index.Result, id string) (index.Hit, bool) {
	for _, h := range res.Hits {
		if h.ID == id {
			return h, true
		}
	}
	return index.Hit{}, false
}
