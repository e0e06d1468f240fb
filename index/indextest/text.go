package indextest

import (
	"reflect"
	"strings"
	"testing"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

func testCaptionWord(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("c1", "Test BV Donald", link(purposeA, signal1)),
		company("c2", "Bakkerij Jansen", link(purposeA, signal1)),
	)
	for _, text := range []string{"donald", "Donald", "DONALD", "test donald", "  donald  "} {
		res := expectIDs(t, idx, index.Query{Text: text, PurposeID: purposeA}, "c1")
		if len(res.Hits) == 1 && res.Hits[0].Score <= 0 {
			t.Errorf("%q: score = %v, want > 0", text, res.Hits[0].Score)
		}
	}
	expectIDs(t, idx, index.Query{Text: "pietersen", PurposeID: purposeA})
	// All words must match, not any of them.
	expectIDs(t, idx, index.Query{Text: "donald jansen", PurposeID: purposeA})
}

func testRoundTrip(t *testing.T, idx index.Index) {
	want := ent("c1", entity.SchemaCompany, "Test BV Donald", map[string][]string{
		"name":      {"Test BV Donald"},
		"kvkNumber": {"68750110"},
		"address":   {"Hoofdstraat 3, 8823 SJ Kimswerd"},
	}, link(purposeA, signal1))
	upsert(t, idx, want)
	res := expectIDs(t, idx, index.Query{Text: "donald", PurposeID: purposeA}, "c1")
	if len(res.Hits) != 1 {
		return
	}
	got := res.Hits[0].Entity
	if got.Schema != want.Schema || got.Caption != want.Caption {
		t.Errorf("schema, caption = %q, %q; want %q, %q", got.Schema, got.Caption, want.Schema, want.Caption)
	}
	if !reflect.DeepEqual(got.Properties, want.Properties) {
		t.Errorf("properties = %v, want %v", got.Properties, want.Properties)
	}
	if len(got.Provenance) != 1 || got.Provenance[0].SHA256 != want.Provenance[0].SHA256 ||
		got.Provenance[0].URL != want.Provenance[0].URL || !got.Provenance[0].FetchedAt.Equal(fixtureTime) {
		t.Errorf("provenance = %+v, want %+v", got.Provenance, want.Provenance)
	}
	if len(got.Signals) != 1 || got.Signals[0].SignalID != signal1 || got.Signals[0].PurposeID != purposeA ||
		got.Signals[0].JobID != want.Signals[0].JobID || !got.Signals[0].ExpiresAt.Equal(want.Signals[0].ExpiresAt) {
		t.Errorf("signals = %+v, want %+v", got.Signals, want.Signals)
	}
	if !got.FirstSeen.Equal(want.FirstSeen) || !got.LastSeen.Equal(want.LastSeen) {
		t.Errorf("first/last seen = %v/%v, want %v/%v", got.FirstSeen, got.LastSeen, want.FirstSeen, want.LastSeen)
	}
	// Any property value is searchable, not only the caption.
	expectIDs(t, idx, index.Query{Text: "kimswerd", PurposeID: purposeA}, "c1")
}

func testPrefix(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("c1", "Test BV Donald", link(purposeA, signal1)),
		company("c2", "Donkere Dagen BV", link(purposeA, signal1)),
	)
	expectIDs(t, idx, index.Query{Text: "dona", PurposeID: purposeA}, "c1")
	expectIDs(t, idx, index.Query{Text: "test bv donal", PurposeID: purposeA}, "c1")
	expectIDs(t, idx, index.Query{Text: "don", PurposeID: purposeA}, "c1", "c2")
}

func testAccentFolding(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("umlaut", "Bakkerij Ünal", link(purposeA, signal1)),
		company("plain", "Unal Import", link(purposeA, signal1)),
		company("cafe", "Grand Café Zuid", link(purposeA, signal1)),
		company("other", "Kapsalon Noord", link(purposeA, signal1)),
	)
	for _, text := range []string{"unal", "Ünal", "ÜNAL", "ünal"} {
		expectIDs(t, idx, index.Query{Text: text, PurposeID: purposeA}, "umlaut", "plain")
	}
	for _, text := range []string{"cafe", "café", "CAFÉ"} {
		expectIDs(t, idx, index.Query{Text: text, PurposeID: purposeA}, "cafe")
	}
}

func testIdentifiers(t *testing.T, idx index.Index) {
	target := ent("target", entity.SchemaCompany, "Voorbeeld Holding", map[string][]string{
		"name":             {"Voorbeeld Holding"},
		"kvkNumber":        {"68750110"},
		"rsin":             {"857587973"},
		"vestigingsnummer": {"000012345678"},
		"bagId":            {"NL.IMBAG.PAND.0363100012345678"},
		"postalCode":       {"8823 SJ"},
		"email":            {"Info@Voorbeeld.nl"},
		"phone":            {"+31 20 123 4567"},
		"iban":             {"NL91 ABNA 0417 1643 00"},
		"domain":           {"voorbeeld.nl"},
	}, link(purposeA, signal1))
	decoy := ent("decoy", entity.SchemaCompany, "Andere Zaak", map[string][]string{
		"name":             {"Andere Zaak"},
		"kvkNumber":        {"90001234"},
		"rsin":             {"001122334"},
		"vestigingsnummer": {"000099998888"},
		"bagId":            {"NL.IMBAG.PAND.0599100087654321"},
		"postalCode":       {"1011 AB"},
		"email":            {"post@anders.example"},
		"phone":            {"+31 10 987 6543"},
		"iban":             {"NL02 RABO 0123 4567 89"},
		"domain":           {"anders.example"},
	}, link(purposeA, signal1))
	upsert(t, idx, target, decoy)

	for _, text := range []string{
		"68750110", "857587973", "000012345678",
		"NL.IMBAG.PAND.0363100012345678", "nl.imbag.pand.0363100012345678", "NLIMBAGPAND0363100012345678",
		"8823 SJ", "8823SJ", "8823sj", "8823-sj", "8823 sj",
		"info@voorbeeld.nl", "+31201234567", "+31 20 123 45 67",
		"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "voorbeeld.nl",
	} {
		res := search(t, idx, index.Query{Text: text, PurposeID: purposeA})
		if len(res.Hits) == 0 || res.Hits[0].ID != "target" {
			t.Errorf("%q: found %v, want target first", text, ids(res))
		}
		if _, ok := hitByID(res, "decoy"); ok {
			t.Errorf("%q: decoy found too", text)
		}
	}
}

func testHighlightEscaping(t *testing.T, idx index.Index) {
	hostile := `<script>alert(1)</script> Kwaadaardig BV`
	upsert(t, idx, ent("evil", entity.SchemaCompany, hostile, map[string][]string{
		"name":        {hostile},
		"description": {`<img src=x onerror="alert(2)"> kwaadaardig & schurk`},
	}, link(purposeA, signal1)))

	res := expectIDs(t, idx, index.Query{Text: "kwaadaardig", PurposeID: purposeA}, "evil")
	if len(res.Hits) != 1 {
		return
	}
	h := res.Hits[0]
	if h.Caption != hostile {
		t.Errorf("caption = %q: the stored entity must stay unescaped", h.Caption)
	}
	if len(h.Highlights["caption"]) == 0 {
		t.Errorf("no caption highlight in %v", h.Highlights)
	}
	checkFragments(t, h)

	// Only the description matches: no fragment of the caption is shown.
	res = expectIDs(t, idx, index.Query{Text: "schurk", PurposeID: purposeA}, "evil")
	if len(res.Hits) == 1 {
		checkFragments(t, res.Hits[0])
		if len(res.Hits[0].Highlights["text"]) == 0 {
			t.Errorf("schurk: no text highlight in %v", res.Hits[0].Highlights)
		}
	}
}

// checkFragments checks that every highlight fragment marks a match and
// carries no markup but <mark>, and that some fragment shows escaped text.
func checkFragments(t *testing.T, h index.Hit) {
	t.Helper()
	escaped := false
	for field, frags := range h.Highlights {
		for _, f := range frags {
			if !strings.Contains(f, "<mark>") {
				t.Errorf("%s fragment %q marks no match", field, f)
			}
			escaped = escaped || strings.Contains(f, "&lt;")
			bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
			if strings.ContainsAny(bare, "<>") {
				t.Errorf("%s fragment %q carries markup besides <mark>", field, f)
			}
		}
	}
	if !escaped {
		t.Errorf("no escaped text in highlights %v", h.Highlights)
	}
}

// testIdentifierNotations: identifiers are found however they are typed —
// a KvK number with spaces, a plate with or without dashes, a postcode
// with a space — and nothing else is found by them.
func testIdentifierNotations(t *testing.T, idx index.Index) {
	car := ent("car", entity.SchemaVehicle, "6-TJR-64", map[string][]string{
		"registrationNumber": {"6TJR64"},
		"make":               {"Volkswagen"},
	}, link(purposeA, signal1))
	other := ent("other-car", entity.SchemaVehicle, "6-TJR-65", map[string][]string{
		"registrationNumber": {"6TJR65"},
	}, link(purposeA, signal1))
	firm := ent("firm", entity.SchemaCompany, "Kenteken Verhuur", map[string][]string{
		"name":       {"Kenteken Verhuur"},
		"kvkNumber":  {"68750110"},
		"postalCode": {"1012LG"},
	}, link(purposeA, signal1))
	upsert(t, idx, car, other, firm)
	for text, want := range map[string]string{
		"6-TJR-64": "car", "6tjr64": "car", "6 TJR 64": "car", "6-tjr-64": "car",
		"6875 0110": "firm", "68 75 01 10": "firm", "68750110": "firm", "68.75.01.10": "firm",
		"1012 LG": "firm", "1012lg": "firm", "1012-LG": "firm",
	} {
		res := search(t, idx, index.Query{Text: text, PurposeID: purposeA})
		if len(res.Hits) == 0 || res.Hits[0].ID != want {
			t.Errorf("%q: found %v, want %s first", text, ids(res), want)
		}
		for _, h := range res.Hits {
			if h.ID != want {
				t.Errorf("%q: also found %s", text, h.ID)
			}
		}
	}
	// One digit off is another identifier, not a typo.
	expectIDs(t, idx, index.Query{Text: "68750111", PurposeID: purposeA})
	expectIDs(t, idx, index.Query{Text: "6-TJR-66", PurposeID: purposeA})
}

// testTypos: a word of five letters or more is found with one letter
// wrong, added or missing; shorter words must be exact.
func testTypos(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("jansen", "Bakkerij Jansen", link(purposeA, signal1)),
		company("mol", "Mol Transport", link(purposeA, signal1)),
		company("other", "Slagerij Pietersen", link(purposeA, signal1)),
	)
	for _, text := range []string{"jansem", "jansn", "janssen", "bakkerij jansem", "bakerij jansen"} {
		expectIDs(t, idx, index.Query{Text: text, PurposeID: purposeA}, "jansen")
	}
	// The exact spelling ranks above a near one.
	upsert(t, idx, company("janse", "Bakkerij Janse", link(purposeA, signal1)))
	res := expectIDs(t, idx, index.Query{Text: "janse", PurposeID: purposeA}, "janse", "jansen")
	if len(res.Hits) == 2 && res.Hits[0].ID != "janse" {
		t.Errorf("janse: order %v, want the exact match first", hitOrder(res))
	}
	expectIDs(t, idx, index.Query{Text: "mal", PurposeID: purposeA})
	expectIDs(t, idx, index.Query{Text: "pietersen jansen", PurposeID: purposeA})
}
