package bleveindex

import (
	"testing"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// TestFacetTerms: every facet's values come back from their indexed form
// whole, whatever bytes they hold; a term of no facet is not counted.
func TestFacetTerms(t *testing.T) {
	for _, key := range index.FacetKeys {
		for _, value := range []string{"Company", "Súdwest-Fryslân", "a\x1fb", "s", ""} {
			gotKey, gotValue, ok := splitFacetTerm(facetTerm(key, value))
			if !ok || gotKey != key || gotValue != value {
				t.Errorf("facet %s value %q: back as %q %q %v", key, value, gotKey, gotValue, ok)
			}
		}
	}
	for _, term := range []string{"", "xCompany", "\x1fkvk"} {
		if key, _, ok := splitFacetTerm(term); ok {
			t.Errorf("term %q counted under facet %s", term, key)
		}
	}
	if len(facetKeys) != len(index.FacetKeys) {
		t.Errorf("facet codes are not one per facet: %v", facetCodes)
	}
}

// TestDateKeyOrder: as strings, date keys list newest first, then by id,
// then the entities without a date; also before 1970 and far ahead.
func TestDateKeyOrder(t *testing.T) {
	at := func(id string, when time.Time) entity.Entity { return entity.Entity{ID: id, LastSeen: when} }
	day := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	want := []entity.Entity{
		at("z-future", time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)),
		at("a-later", day.Add(time.Nanosecond)),
		at("a-day", day),
		at("b-day", day),
		at("old", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)),
		at("a-never", time.Time{}),
		at("b-never", time.Time{}),
	}
	for i := 1; i < len(want); i++ {
		if prev, next := dateKey(want[i-1]), dateKey(want[i]); prev >= next {
			t.Errorf("%s (%q) does not sort before %s (%q)", want[i-1].ID, prev, want[i].ID, next)
		}
	}
}
