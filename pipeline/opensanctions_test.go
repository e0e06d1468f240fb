package pipeline

import (
	"os"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

func osEvidence(t *testing.T, file, url string) sources.Evidence {
	t.Helper()
	body, err := os.ReadFile("testdata/opensanctions/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return sources.Evidence{Source: "opensanctions", Kind: "opensanctions.match", URL: url, Status: 200,
		FetchedAt: time.Date(2024, 11, 26, 0, 0, 0, 0, time.UTC), SHA256: "x", Body: body}
}

// TestOpenSanctionsThresholdFromURL: the threshold the adapter asked with
// travels in the evidence URL; a match below it is not a Sanction.
func TestOpenSanctionsThresholdFromURL(t *testing.T) {
	for url, want := range map[string]int{
		"https://api.opensanctions.org/match/default?cutoff=0.7&limit=10&threshold=0.7": 1,
		"https://api.opensanctions.org/match/default?cutoff=0.9&limit=10&threshold=0.9": 0, // Jan Voorbeeld scores 0.85
		"file:///data/export.ftm.json?limit=10&threshold=0.85":                          1,
		"https://api.opensanctions.org/match/default?threshold=bogus":                   1,
	} {
		ents, err := Normalize(osEvidence(t, "match-jan-voorbeeld.json", url))
		if err != nil || len(ents) != want {
			t.Errorf("%s: %d entities, %v; want %d", url, len(ents), err, want)
		}
	}
}

// TestOpenSanctionsOneListingOneEntity: the same listing found by
// screening two names is one entity that names both.
func TestOpenSanctionsOneListingOneEntity(t *testing.T) {
	a, _ := Normalize(osEvidence(t, "match-fictief-logistiek.json", "https://api.opensanctions.org/match/default?threshold=0.7"))
	b, _ := Normalize(osEvidence(t, "match-fictief-logistiek.json", "https://api.opensanctions.org/match/sanctions?threshold=0.7"))
	if len(a) != 1 || len(b) != 1 || a[0].ID != b[0].ID {
		t.Fatalf("ids %v %v", a, b)
	}
	if a[0].ID != entity.MakeID(entity.SchemaSanction, "opensanctionsId", "verrijk-test-fictief-logistiek") {
		t.Errorf("id %s is not derived from the OpenSanctions id", a[0].ID)
	}
}
