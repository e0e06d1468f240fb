package pipeline

import (
	"slices"
	"testing"
)

// TestBAGAddressDetails: neighbourhood, district, parcels and WGS84
// coordinates of a BAG address.
func TestBAGAddressDetails(t *testing.T) {
	for _, f := range []string{"free-8823SJ-3A", "lookup-8823SJ-3A"} {
		ents := normalizeFile(t, "testdata/bag/"+f+".json")
		if len(ents) != 1 || ents[0].ID != AddressID("8823SJ 3A") {
			t.Fatalf("%s: %+v", f, ents)
		}
		a := ents[0]
		want := map[string]string{"neighbourhood": "Lollum", "district": "Wijk 12 Lollum", "parcel": "FNK00-L-1187",
			"latitude": "53.12548791", "longitude": "5.53694286", "bagId": "0070200000021844", "neighbourhoodCode": "BU19491200"}
		for k, v := range want {
			if !slices.Contains(a.Properties[k], v) {
				t.Errorf("%s: %s = %v; want %s", f, k, a.Properties[k], v)
			}
		}
	}
	// A parcel list that arrives as one string and a null district cost
	// those fields, not the address.
	a := normalizeFile(t, "testdata/bag/free-perceel-wrong-types.json")[0]
	if a.First("parcel") != "" || a.First("district") != "" || a.First("bagId") != "0070200000021844" {
		t.Errorf("wrong-typed doc gave %v", a.Properties)
	}
}
