package pipeline

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/bekendmakingen"
)

// bekendmakingenSearches are the searches behind the recorded answers in
// testdata/bekendmakingen, so their golden files show the "query" property.
var bekendmakingenSearches = map[string]subject.Subject{
	"sru-test-bv-donald.xml": {Type: subject.Name, Value: "Test BV Donald"},
	"sru-8823sj-3a.xml":      {Type: subject.Address, Value: "8823SJ 3A"},
	"sru-68750110.xml":       {Type: subject.KvK, Value: "68750110"},
}

// bekendmakingenEvidence is goldenEvidence for an SRU answer, with the URL
// of the search that produced it when one is known.
func bekendmakingenEvidence(t *testing.T, path string) sources.Evidence {
	t.Helper()
	ev := goldenEvidence(t, path)
	ev.Kind = bekendmakingen.KindSRU
	if subj, ok := bekendmakingenSearches[filepath.Base(path)]; ok {
		cql, err := bekendmakingen.Query(subj)
		if err != nil {
			t.Fatal(err)
		}
		ev.URL = bekendmakingen.DefaultBaseURL + "?" + bekendmakingen.SearchParams(cql).Encode()
	}
	return ev
}

// TestGoldenBekendmakingen is TestGolden for the XML answers of the
// bekendmakingen source: testdata/bekendmakingen/<case>.xml →
// <case>.golden.json; -update rewrites them.
func TestGoldenBekendmakingen(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/bekendmakingen/*.xml")
	if len(inputs) < 8 {
		t.Fatalf("found %d inputs", len(inputs))
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			checkGolden(t, bekendmakingenEvidence(t, in), strings.TrimSuffix(in, ".xml")+".golden.json")
		})
	}
}

// TestPublicationsMergeAcrossSearches: the closure found by the name and
// by the address is one entity that remembers both searches.
func TestPublicationsMergeAcrossSearches(t *testing.T) {
	byName, err := Normalize(bekendmakingenEvidence(t, "testdata/bekendmakingen/sru-test-bv-donald.xml"))
	if err != nil {
		t.Fatal(err)
	}
	byAddress, err := Normalize(bekendmakingenEvidence(t, "testdata/bekendmakingen/sru-8823sj-3a.xml"))
	if err != nil {
		t.Fatal(err)
	}
	id := PublicationID("gmb-2024-412907")
	find := func(ents []entity.Entity) *entity.Entity {
		for i := range ents {
			if ents[i].ID == id {
				return &ents[i]
			}
		}
		t.Fatalf("no publication %s in %d entities", id, len(ents))
		return nil
	}
	merged := find(byName)
	merged.Merge(*find(byAddress))
	if got := merged.Properties["query"]; strings.Join(got, "|") != "Test BV Donald|8823SJ 3A" {
		t.Errorf("query = %q; want both searches", got)
	}
	if merged.Schema != entity.SchemaPublication || len(merged.Provenance) != 2 ||
		merged.First("publishedAt") != "2024-10-16" || merged.First("publicationType") != "Gemeenteblad" {
		t.Errorf("merged publication %+v", merged)
	}
}

func TestPublicationsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<searchRetrieveResponse><numberOfRecords>80</numberOfRecords><records>`)
	for i := range 80 {
		fmt.Fprintf(&b, `<record><recordData><identifier>gmb-2024-%d</identifier><title>%s</title></recordData></record>`,
			i, strings.Repeat("lang ", 2000))
	}
	b.WriteString(`</records></searchRetrieveResponse>`)
	ents, err := Normalize(sources.Evidence{Kind: bekendmakingen.KindSRU, Body: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != maxPublications {
		t.Errorf("%d publications; want the cap %d", len(ents), maxPublications)
	}
	if n := len([]rune(ents[0].First("title"))); n > maxTitle {
		t.Errorf("title of %d runes", n)
	}
}

func TestHostileSRUNeverPanics(t *testing.T) {
	paths, _ := filepath.Glob("testdata/bekendmakingen/*.xml")
	for _, p := range paths {
		ev := bekendmakingenEvidence(t, p)
		body := ev.Body
		for i := 0; i < len(body); i += 5 {
			ev.Body = body[:i]
			mustNotPanic(t, ev)
		}
	}
	deep := strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000)
	_, err := Normalize(sources.Evidence{Kind: bekendmakingen.KindSRU, Body: []byte("<searchRetrieveResponse>" + deep + "</searchRetrieveResponse>")})
	if err == nil || !strings.Contains(err.Error(), "deeply") {
		t.Errorf("deep nesting gave %v", err)
	}
}

func TestSearchedFor(t *testing.T) {
	cases := map[string]string{
		"https://x/sru?query=" + "cql.textAndIndexes%3D%22Caf%C3%A9+%5C%22X%5C%22%22": `Café "X"`,
		"https://x/sru": "",
		"%zz":           "",
		"https://x/sru?query=" + "cql.textAndIndexes%3D%22open": "",
	}
	for u, want := range cases {
		if got := searchedFor(u); got != want {
			t.Errorf("searchedFor(%q) = %q; want %q", u, got, want)
		}
	}
}
