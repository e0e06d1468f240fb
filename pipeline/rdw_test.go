package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/sources"
	"verrijk/sources/rdw"
)

// rdwProperties is every property the rdw normalisers may write. RDW has
// no owner data: a property naming a person or company must never appear.
var rdwProperties = []string{
	"apkExpiryDate", "buildDate", "cataloguePrice", "color", "country", "exported",
	"firstRegistrationNlDate", "fuelType", "insured", "lastRegistrationDate", "make",
	"model", "registrationDate", "registrationNumber", "taxi", "type", "vehicleCategory",
}

func TestRDWVehicleAndFuelMerge(t *testing.T) {
	veh := normalizeFile(t, "testdata/rdw/voertuig-6TJR64.json")
	fuel := normalizeFile(t, "testdata/rdw/brandstof-6TJR64.json")
	if len(veh) != 1 || len(fuel) != 1 {
		t.Fatalf("got %d and %d entities; want one each", len(veh), len(fuel))
	}
	want := entity.MakeID("Vehicle", "registrationNumber", "6TJR64")
	if veh[0].ID != want || fuel[0].ID != want || VehicleID("6TJR64") != want {
		t.Fatalf("ids %s, %s; want both %s", veh[0].ID, fuel[0].ID, want)
	}
	v := veh[0]
	v.Merge(fuel[0])
	if v.Caption != "NISSAN NOTE (6-TJR-64)" || v.First("fuelType") != "Benzine" || len(v.Provenance) != 2 {
		t.Errorf("merged vehicle %+v", v)
	}
	for _, e := range append(veh, fuel...) {
		for _, p := range e.PropertyNames() {
			if !slices.Contains(rdwProperties, p) {
				t.Errorf("unexpected property %q", p)
			}
		}
	}
}

func TestRDWRecordingsNormalise(t *testing.T) {
	for _, dir := range []string{"testdata/m9d7-ebf2", "testdata/8ys7-d773"} {
		entries, err := rdw.Recorded.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("%s: %v", dir, err)
		}
		kind := map[string]string{"testdata/m9d7-ebf2": rdw.KindVoertuig, "testdata/8ys7-d773": rdw.KindBrandstof}[dir]
		for _, e := range entries {
			body, _ := rdw.Recorded.ReadFile(dir + "/" + e.Name())
			ents, err := Normalize(sources.Evidence{Source: "rdw", Kind: kind, Body: body})
			plate := strings.TrimSuffix(e.Name(), ".json")
			if err != nil || len(ents) != 1 || ents[0].First("registrationNumber") != plate {
				t.Errorf("%s/%s: %v %+v", dir, e.Name(), err, ents)
			}
		}
	}
}

func TestVehicleCaption(t *testing.T) {
	cases := []struct{ brand, model, want string }{
		{"VOLKSWAGEN", "GOLF", "VOLKSWAGEN GOLF (6-TJR-64)"},
		{"NISSAN", "NISSAN NOTE", "NISSAN NOTE (6-TJR-64)"},
		{"", "GOLF", "GOLF (6-TJR-64)"},
		{"", "", "6-TJR-64"},
	}
	for _, c := range cases {
		if got := vehicleCaption(c.brand, c.model, "6TJR64"); got != c.want {
			t.Errorf("vehicleCaption(%q, %q) = %q; want %q", c.brand, c.model, got, c.want)
		}
	}
}

func TestRDWCapsHostileAnswers(t *testing.T) {
	var rows []string
	for i := range 200 {
		rows = append(rows, fmt.Sprintf(`{"kenteken":"%02dABC1","merk":"%s"}`, i%100, strings.Repeat("€", 500)))
	}
	ev := sources.Evidence{Source: "rdw", Kind: rdw.KindVoertuig, Body: []byte("[" + strings.Join(rows, ",") + "]")}
	ents, err := Normalize(ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != rdwMaxRows {
		t.Errorf("%d entities from 200 rows; want the cap %d", len(ents), rdwMaxRows)
	}
	for _, e := range ents {
		if m := e.First("make"); len(m) > rdwMaxValue || !strings.HasPrefix(m, "€") || strings.ContainsRune(m, '\uFFFD') {
			t.Fatalf("make of %d bytes, %q…: not capped on a rune boundary", len(m), m[:3])
		}
	}
}

func TestRDWDate(t *testing.T) {
	cases := []struct{ plain, dt, want string }{
		{"20140306", "", "2014-03-06"},
		{"", "2014-03-06T00:00:00.000", "2014-03-06"},
		{"20140230", "2014-03-01T00:00:00.000", "2014-03-01"},
		{"2014", "", ""},
		{"", "2014-13-01T00:00:00.000", ""},
		{"", "garbage", ""},
	}
	for _, c := range cases {
		if got := rdwDate(text(c.plain), text(c.dt)); got != c.want {
			t.Errorf("rdwDate(%q, %q) = %q; want %q", c.plain, c.dt, got, c.want)
		}
	}
}
