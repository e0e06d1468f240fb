package pipeline

import (
	"slices"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// legalEntities are the Companies that are not a vestiging.
func legalEntities(ents []entity.Entity) []entity.Entity {
	var out []entity.Entity
	for _, e := range bySchema(ents, entity.SchemaCompany) {
		if e.First("isBranch") != "true" {
			out = append(out, e)
		}
	}
	return out
}

func byID(ents []entity.Entity, id string) (entity.Entity, bool) {
	for _, e := range ents {
		if e.ID == id {
			return e, true
		}
	}
	return entity.Entity{}, false
}

// TestBranchesAreTheirOwnCompanies: every answer that names a vestiging
// makes the same branch entity, pointing at the same legal entity.
func TestBranchesAreTheirOwnCompanies(t *testing.T) {
	legal := CompanyID("68750110")
	main := BranchID("000037178598")
	for _, f := range []string{"zoeken-68750110", "basisprofiel-68750110", "hoofdvestiging-68750110",
		"vestigingen-68750110", "vestigingsprofiel-000037178598"} {
		ents := normalizeFile(t, "testdata/kvk/"+f+".json")
		br, ok := byID(ents, main)
		if !ok || br.Schema != entity.SchemaCompany || br.First("isBranch") != "true" ||
			br.First("parent") != legal || br.First("vestigingsnummer") != "000037178598" || br.Caption != "Test BV Donald" {
			t.Errorf("%s: hoofdvestiging %+v", f, br)
		}
		if br.First("isMainBranch") != "true" {
			t.Errorf("%s: hoofdvestiging isMainBranch %v", f, br.Properties["isMainBranch"])
		}
		l := legalEntities(ents)
		if len(l) != 1 || l[0].ID != legal || len(l[0].Properties["vestigingsnummer"]) > 0 {
			t.Errorf("%s: legal entities %+v", f, l)
		}
	}
}

// TestBranchAddressesBecomeFollowUps: /vestigingen is where a
// nevenvestiging's full address appears, and it reaches bag as a subject.
func TestBranchAddressesBecomeFollowUps(t *testing.T) {
	ents := normalizeFile(t, "testdata/kvk/vestigingen-68750110.json")
	neven, ok := byID(ents, BranchID("000037178601"))
	if !ok || neven.First("isMainBranch") != "false" || neven.First("addressEntity") != AddressID("7431AA 1") {
		t.Fatalf("nevenvestiging %+v", neven)
	}
	if l := legalEntities(ents)[0]; slices.Contains(l.Properties["addressEntity"], AddressID("7431AA 1")) {
		t.Error("a nevenvestiging's address was put on the legal entity")
	}
	var got []string
	for _, f := range FollowUps(ents, "kvk") {
		got = append(got, f.Subject.String())
	}
	for _, want := range []string{"address:7431AA 1", "address:8823SJ 3A"} {
		if !slices.Contains(got, want) {
			t.Errorf("follow-ups %v lack %s", got, want)
		}
	}
	// Branch numbers are not followed up: each Vestigingsprofiel is billed.
	for _, g := range got {
		if strings.HasPrefix(g, "vestiging:") {
			t.Errorf("follow-up %s would cost a billed profile call", g)
		}
	}
}

func TestParseVolledigAdres(t *testing.T) {
	cases := []struct{ in, shielded, key, street, city string }{
		{"Hizzaarderlaan 3 A                                 8823SJ Lollum", "Nee", "8823SJ 3A", "Hizzaarderlaan", "Lollum"},
		{"Laan 1940-1945 12-bis 6711 AB Ede", "", "6711AB 12-BIS", "Laan 1940-1945", "Ede"},
		{"Kerkstraat 12a 2 1011AB Amsterdam", "Nee", "1011AB 12A-2", "Kerkstraat", "Amsterdam"},
		{"Hizzaarderlaan 3 A 8823SJ Lollum", "Ja", "", "", ""},
		{"Postbus 200 1000AE Rommeldam", "Nee", "", "", ""},
		{"Königsallee 92a 40212 Düsseldorf Duitsland", "Nee", "", "", ""},
		{"Hoofdstraat 1234AB Amsterdam", "Nee", "", "", ""},
		{"3 8823SJ Lollum", "Nee", "", "", ""},
		{"Straat 1 8823SJ", "Nee", "", "", ""},
		{"", "Nee", "", "", ""},
	}
	for _, c := range cases {
		a, ok := parseVolledigAdres(kvkVestiging{VolledigAdres: text(c.in), IndAdresAfgeschermd: text(c.shielded)})
		key := ""
		if ok {
			d := dutchAddress{number: a.Huisnummer.Int(), letter: a.Huisletter.String(), addition: a.HuisnummerToevoeging.String(), postcode: a.Postcode.String()}
			key = d.key()
		}
		if key != c.key || (ok && (a.Straatnaam.String() != c.street || a.Plaats.String() != c.city)) {
			t.Errorf("%q: %q %q %q (ok %v); want %q %q %q", c.in, key, a.Straatnaam, a.Plaats, ok, c.key, c.street, c.city)
		}
	}
}

// TestEigenaarNumberFromURL: an /eigenaar answer without links is tied to
// its company by the URL it was fetched from.
func TestEigenaarNumberFromURL(t *testing.T) {
	ev := sources.Evidence{Source: "kvk", Kind: "kvk.eigenaar", SHA256: "x",
		URL:  "https://api.kvk.nl/api/v1/basisprofielen/68750110/eigenaar?geoData=false",
		Body: []byte(`{"rsin":"857587973","rechtsvorm":"Besloten vennootschap"}`)}
	ents, err := Normalize(ev)
	if err != nil || len(ents) != 1 || ents[0].ID != CompanyID("68750110") || ents[0].First("legalForm") != "Besloten vennootschap" {
		t.Fatalf("eigenaar gave %+v, %v", ents, err)
	}
}

func TestLongValuesAreClipped(t *testing.T) {
	long := strings.Repeat("é", 2000)
	ev := sources.Evidence{Source: "kvk", Kind: "kvk.basisprofiel", SHA256: "x",
		Body: []byte(`{"kvkNummer":"68750110","naam":"` + long + `"}`)}
	ents, err := Normalize(ev)
	if err != nil || len(ents) != 1 {
		t.Fatalf("%v %v", ents, err)
	}
	if n := ents[0].First("name"); len(n) > maxValueBytes || !strings.HasPrefix(long, n) || len(ents[0].Caption) > maxValueBytes {
		t.Errorf("name of %d bytes not clipped on a rune boundary", len(n))
	}
}

func TestStreetSubjectsAreNotFollowUps(t *testing.T) {
	// Follow-ups hold only subjects pipeline/subject can parse.
	for _, f := range FollowUps(normalizeFile(t, "testdata/kvk/vestigingen-69599084.json"), "kvk") {
		if _, err := subject.Parse(f.Subject.Type, f.Subject.Value); err != nil {
			t.Errorf("follow-up %s does not parse: %v", f.Subject, err)
		}
	}
}
