package indextest

import (
	"slices"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// seenAt returns a company found by source at the given time.
func seenAt(id, caption, source string, lastSeen time.Time, links ...entity.Link) entity.Entity {
	e := company(id, caption, links...)
	e.Provenance[0].Source = source
	e.LastSeen = lastSeen
	return e
}

var (
	day1 = time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	day2 = time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC)
	day3 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
)

// testSourceFilter: Sources keeps entities with provenance from any of the
// listed sources.
func testSourceFilter(t *testing.T, idx index.Index) {
	both := seenAt("kb", "Kvk En Bag Handel", "kvk", day1, link(purposeA, signal1))
	both.Provenance = append(both.Provenance, entity.Provenance{Source: "bag", URL: "https://example.test/bag", FetchedAt: fixtureTime})
	upsert(t, idx,
		seenAt("k", "Kvk Handel", "kvk", day1, link(purposeA, signal1)),
		seenAt("r", "Rdw Handel", "rdw", day1, link(purposeA, signal1)),
		both,
		seenAt("kB", "Kvk Handel Elders", "kvk", day1, link(purposeB, signal1)),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Sources: []string{"kvk"}}, "k", "kb")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA, Sources: []string{"bag", "rdw"}}, "r", "kb")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Sources: []string{"wayback"}})
	expectIDs(t, idx, index.Query{PurposeID: purposeA}, "k", "r", "kb")

	res := search(t, idx, index.Query{PurposeID: purposeA})
	checkFacetNamed(t, "sources under A", res, index.FacetSource, map[string]int{"kvk": 2, "bag": 1, "rdw": 1})
	res = search(t, idx, index.Query{PurposeID: purposeA, Sources: []string{"rdw"}})
	checkFacetNamed(t, "sources under A, rdw only", res, index.FacetSource, map[string]int{"rdw": 1})
}

// testDateRange: DateFrom and DateTo bound LastSeen, both inclusive, and
// either may be left open.
func testDateRange(t *testing.T, idx index.Index) {
	upsert(t, idx,
		seenAt("jan", "Januari Handel", "kvk", day1, link(purposeA, signal1)),
		seenAt("feb", "Februari Handel", "kvk", day2, link(purposeA, signal1)),
		seenAt("mar", "Maart Handel", "kvk", day3, link(purposeA, signal1)),
		seenAt("febB", "Februari Elders", "kvk", day2, link(purposeB, signal1)),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA, DateFrom: day2}, "feb", "mar")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, DateTo: day2}, "jan", "feb")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, DateFrom: day2, DateTo: day2}, "feb")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA, DateFrom: day1.Add(time.Second), DateTo: day3.Add(-time.Second)}, "feb")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, DateFrom: day3.Add(time.Nanosecond)})
	expectIDs(t, idx, index.Query{PurposeID: purposeA, DateFrom: day3, DateTo: day1})
	expectIDs(t, idx, index.Query{PurposeID: purposeB, DateFrom: day1}, "febB")
}

// testSortByDate: SortDate orders by LastSeen, newest first, ties by id,
// and pages do not overlap; relevance is the default order.
func testSortByDate(t *testing.T, idx index.Index) {
	never := company("never", "Nooit Gezien Handel", link(purposeA, signal1))
	never.LastSeen = time.Time{}
	upsert(t, idx,
		seenAt("b-feb", "Handel Handel Handel", "kvk", day2, link(purposeA, signal1)),
		seenAt("a-feb", "Februari Handel", "kvk", day2, link(purposeA, signal1)),
		seenAt("mar", "Maart Handel", "kvk", day3, link(purposeA, signal1)),
		seenAt("jan", "Januari Handel", "kvk", day1, link(purposeA, signal1)),
		never,
	)
	want := []string{"mar", "a-feb", "b-feb", "jan", "never"}
	for _, text := range []string{"", "handel"} {
		res := search(t, idx, index.Query{Text: text, PurposeID: purposeA, Sort: index.SortDate})
		if got := hitOrder(res); !slices.Equal(got, want) {
			t.Errorf("%q by date: %v, want %v", text, got, want)
		}
		var paged []string
		for page := 1; page <= 3; page++ {
			paged = append(paged, hitOrder(search(t, idx, index.Query{Text: text, PurposeID: purposeA, Sort: index.SortDate, Page: page, PageSize: 2}))...)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("%q by date, two a page: %v, want %v", text, paged, want)
		}
	}
	// By relevance the best match comes first whatever its date.
	for _, sort := range []string{"", index.SortRelevance} {
		res := search(t, idx, index.Query{Text: "februari", PurposeID: purposeA, Sort: sort})
		if got := hitOrder(res); !slices.Equal(got, []string{"a-feb"}) {
			t.Errorf("februari by %q: %v", sort, got)
		}
	}
	if _, err := idx.Search(t.Context(), index.Query{PurposeID: purposeA, Sort: "alphabet"}); err == nil {
		t.Error("Search with an unknown sort: err = nil")
	}
}

func hitOrder(res index.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}
