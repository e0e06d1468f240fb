package bleveindex

import (
	"testing"

	"verrijk/index"
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
