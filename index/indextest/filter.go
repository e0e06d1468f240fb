package indextest

import (
	"fmt"
	"testing"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

func testPurposeFilter(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("onlyA", "Alfa Handel", link(purposeA, signal1)),
		company("onlyB", "Bravo Handel", link(purposeB, signal2)),
		company("both", "Charlie Handel", link(purposeA, signal1), link(purposeB, signal3)),
		company("unlinked", "Delta Handel"),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA}, "onlyA", "both")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA}, "onlyA", "both")
	expectIDs(t, idx, index.Query{Text: "bravo", PurposeID: purposeA})
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeB}, "onlyB", "both")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: "purpose-unknown"})

	// A hit shows only the links under the searched purpose.
	res := search(t, idx, index.Query{Text: "charlie", PurposeID: purposeB})
	if h, ok := hitByID(res, "both"); !ok {
		t.Errorf("charlie under B: found %v, want both", ids(res))
	} else if len(h.Signals) != 1 || h.Signals[0].PurposeID != purposeB || h.Signals[0].SignalID != signal3 {
		t.Errorf("charlie under B: signals = %+v, want only the link under %s", h.Signals, purposeB)
	}

	for _, q := range []index.Query{{Text: "handel"}, {}, {Text: "handel", PurposeID: "  "}} {
		if res, err := idx.Search(t.Context(), q); err == nil {
			t.Errorf("Search(%+v) without purpose: err = nil, %d hits; want an error", q, len(res.Hits))
		}
	}
}

func testSignalFilter(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("s1", "Echo Handel", link(purposeA, signal1)),
		company("s2", "Foxtrot Handel", link(purposeA, signal2)),
		company("s12", "Golf Handel", link(purposeA, signal1), link(purposeA, signal2)),
		// Linked to signal1 only under B: under A it is signal2's alone.
		company("s2s1B", "Hotel Handel", link(purposeA, signal2), link(purposeB, signal1)),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalID: signal1}, "s1", "s12")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA, SignalID: signal2}, "s2", "s12", "s2s1B")
	expectIDs(t, idx, index.Query{Text: "hotel", PurposeID: purposeA, SignalID: signal1})
	expectIDs(t, idx, index.Query{PurposeID: purposeB, SignalID: signal1}, "s2s1B")
	expectIDs(t, idx, index.Query{PurposeID: purposeB, SignalID: signal2})
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalID: "signal-unknown"})
}

func testSchemaFacets(t *testing.T, idx index.Index) {
	addr := func(id, caption string, links ...entity.Link) entity.Entity {
		return ent(id, entity.SchemaAddress, caption, map[string][]string{"full": {caption}}, links...)
	}
	upsert(t, idx,
		company("c1", "India Amsterdam BV", link(purposeA, signal1)),
		company("c2", "Juliet Rotterdam BV", link(purposeA, signal1)),
		company("c3", "Kilo Amsterdam BV", link(purposeA, signal2)),
		addr("a1", "Damrak 1 Amsterdam", link(purposeA, signal1)),
		addr("a2", "Coolsingel 2 Rotterdam", link(purposeA, signal1)),
		ent("p1", "Person", "Lima Jansen", map[string][]string{"name": {"Lima Jansen"}}, link(purposeA, signal1)),
		company("cB", "Mike Amsterdam BV", link(purposeB, signal3)),
	)

	res := search(t, idx, index.Query{PurposeID: purposeA})
	checkFacet(t, "all under A", res, map[string]int{"Company": 3, "Address": 2, "Person": 1})
	if _, ok := res.Facets["purposes"]; ok {
		t.Errorf("facets include purposes: %v", res.Facets)
	}

	res = search(t, idx, index.Query{Text: "amsterdam", PurposeID: purposeA})
	checkFacet(t, "amsterdam under A", res, map[string]int{"Company": 2, "Address": 1})

	res = expectIDs(t, idx, index.Query{PurposeID: purposeA, Schema: entity.SchemaAddress}, "a1", "a2")
	for _, h := range res.Hits {
		if h.Schema != entity.SchemaAddress {
			t.Errorf("schema filter Address returned %s with schema %s", h.ID, h.Schema)
		}
	}
	expectIDs(t, idx, index.Query{Text: "amsterdam", PurposeID: purposeA, Schema: entity.SchemaCompany}, "c1", "c3")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Schema: "Vehicle"})
}

// checkFacet compares the schema facet with want.
func checkFacet(t *testing.T, name string, res index.Result, want map[string]int) {
	t.Helper()
	checkFacetNamed(t, name, res, index.FacetSchema, want)
}

func testPaging(t *testing.T, idx index.Index) {
	const n = 105
	es := make([]entity.Entity, 0, n+1)
	for i := range n {
		es = append(es, company(fmt.Sprintf("e%03d", i), fmt.Sprintf("Paging Handel %d", i), link(purposeA, signal1)))
	}
	es = append(es, company("elsewhere", "Paging Handel B", link(purposeB, signal2)))
	upsert(t, idx, es...)

	pageLen := func(q index.Query, want int) index.Result {
		t.Helper()
		res := search(t, idx, q)
		if len(res.Hits) != want || res.Total != n {
			t.Errorf("Search(%+v): %d hits, total %d; want %d hits, total %d", q, len(res.Hits), res.Total, want, n)
		}
		return res
	}
	pageLen(index.Query{PurposeID: purposeA}, 20)                 // default size
	pageLen(index.Query{PurposeID: purposeA, PageSize: 500}, 100) // capped
	pageLen(index.Query{PurposeID: purposeA, Page: 0}, 20)        // page 0 is page 1
	pageLen(index.Query{PurposeID: purposeA, Page: 99}, 0)        // past the end
	pageLen(index.Query{Text: "paging", PurposeID: purposeA, Page: 6}, 5)

	for _, text := range []string{"", "handel"} {
		seen := map[string]bool{}
		for page, want := range map[int]int{1: 50, 2: 50, 3: 5} {
			res := pageLen(index.Query{Text: text, PurposeID: purposeA, Page: page, PageSize: 50}, want)
			for _, h := range res.Hits {
				if seen[h.ID] {
					t.Errorf("%q: %s on more than one page", text, h.ID)
				}
				seen[h.ID] = true
			}
		}
		if len(seen) != n {
			t.Errorf("%q: pages held %d distinct hits, want %d", text, len(seen), n)
		}
	}
}
