package indextest

import (
	"fmt"
	"testing"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// testRegisterFacets: the municipality facet counts the municipality
// property (from BAG), the SBI section facet the sections of sbiCode.
func testRegisterFacets(t *testing.T, idx index.Index) {
	addr := func(id, full, municipality string, links ...entity.Link) entity.Entity {
		return ent(id, entity.SchemaAddress, full, map[string][]string{"full": {full}, "municipality": {municipality}}, links...)
	}
	firm := func(id, name string, sbi []string, links ...entity.Link) entity.Entity {
		return ent(id, entity.SchemaCompany, name, map[string][]string{"name": {name}, "sbiCode": sbi}, links...)
	}
	upsert(t, idx,
		addr("a1", "Damrak 1, 1012 LG Amsterdam", "Amsterdam", link(purposeA, signal1)),
		addr("a2", "Kalverstraat 2, 1012 PC Amsterdam", "Amsterdam", link(purposeA, signal1)),
		addr("a3", "Hoofdstraat 3, 8823 SJ Kimswerd", "Súdwest-Fryslân", link(purposeA, signal1)),
		// Cafe (56.10.1) and retail (47.11): sections I and G.
		firm("f1", "Eetcafe De Hoek", []string{"56101", "4711"}, link(purposeA, signal1)),
		firm("f2", "Snackbar Noord", []string{"5610"}, link(purposeA, signal1)),
		firm("f3", "Holding Zonder Code", nil, link(purposeA, signal1)),
		firm("f4", "Onbekende Code", []string{"x7", "04"}, link(purposeA, signal1)),
		addr("aB", "Coolsingel 4, Rotterdam", "Rotterdam", link(purposeB, signal1)),
	)
	res := search(t, idx, index.Query{PurposeID: purposeA})
	checkFacetNamed(t, "all under A", res, index.FacetMunicipality, map[string]int{"Amsterdam": 2, "Súdwest-Fryslân": 1})
	checkFacetNamed(t, "all under A", res, index.FacetSBISection, map[string]int{"I": 2, "G": 1})
	for _, key := range index.FacetKeys {
		if _, ok := res.Facets[key]; !ok {
			t.Errorf("no %s facet in %v", key, res.Facets)
		}
	}

	res = search(t, idx, index.Query{Text: "amsterdam", PurposeID: purposeA})
	checkFacetNamed(t, "amsterdam", res, index.FacetMunicipality, map[string]int{"Amsterdam": 2})
	checkFacetNamed(t, "amsterdam", res, index.FacetSBISection, map[string]int{})
	res = search(t, idx, index.Query{Text: "snackbar", PurposeID: purposeA})
	checkFacetNamed(t, "snackbar", res, index.FacetSBISection, map[string]int{"I": 1})
}

// checkFacetNamed compares one facet with want and checks it is ordered by
// count, highest first, then by value.
func checkFacetNamed(t *testing.T, name string, res index.Result, key string, want map[string]int) {
	t.Helper()
	counts, ok := res.Facets[key]
	if !ok {
		t.Errorf("%s: no %s facet in %v", name, key, res.Facets)
		return
	}
	got := map[string]int{}
	for i, fc := range counts {
		got[fc.Value] = fc.Count
		if i > 0 && (fc.Count > counts[i-1].Count || fc.Count == counts[i-1].Count && fc.Value < counts[i-1].Value) {
			t.Errorf("%s: %s facet not ordered by count, then value: %v", name, key, counts)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: %s facet = %v, want %v", name, key, got, want)
	}
}
