package kvk_test

import (
	"io/fs"
	"slices"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/sourcetest"
)

// TestRecordedAnswersMatchTheSpecs validates every recorded body against
// KvK's own OpenAPI documents, with objects closed so an invented or
// misspelt field fails. KvK sends "_links" although its documents do not
// list it.
func TestRecordedAnswersMatchTheSpecs(t *testing.T) {
	docs := map[string]*openapi3.T{
		"zoeken": sourcetest.LoadSpec(t, "kvk/zoeken-openapi.yaml"),
		"basis":  sourcetest.LoadSpec(t, "kvk/basisprofiel-openapi.yaml"),
		"vest":   sourcetest.LoadSpec(t, "kvk/vestigingsprofiel-openapi.yaml"),
	}
	dirs := []struct{ dir, doc, path, status, ctype string }{
		{"zoeken", "zoeken", "/zoeken", "200", "application/hal+json"},
		{"basisprofielen", "basis", "/basisprofielen/{kvkNummer}", "200", "application/hal+json"},
		{"vestigingen", "basis", "/basisprofielen/{kvkNummer}/vestigingen", "200", "application/hal+json"},
		{"vestigingsprofielen", "vest", "/v1/vestigingsprofielen/{vestigingsnummer}", "default", "application/hal+json"},
		{"errors", "zoeken", "/zoeken", "404", "application/json"},
	}
	seen := 0
	for _, d := range dirs {
		schema := sourcetest.ResponseSchema(t, docs[d.doc], d.path, "GET", d.status, d.ctype)
		sourcetest.Strict(schema, "_links")
		entries, err := fs.ReadDir(kvktest.Files(), d.dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("no recordings in %s: %v", d.dir, err)
		}
		for _, e := range entries {
			body, err := fs.ReadFile(kvktest.Files(), d.dir+"/"+e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if err := sourcetest.Validate(t, schema, body); err != nil {
				t.Errorf("%s/%s does not match the spec: %v", d.dir, e.Name(), err)
			}
			seen++
		}
	}
	if seen < 10 {
		t.Fatalf("validated only %d recordings", seen)
	}
}

// TestStrictValidationCatchesInventedFields proves the check above can fail.
func TestStrictValidationCatchesInventedFields(t *testing.T) {
	schema := sourcetest.ResponseSchema(t, sourcetest.LoadSpec(t, "kvk/basisprofiel-openapi.yaml"),
		"/basisprofielen/{kvkNummer}", "GET", "200", "application/hal+json")
	sourcetest.Strict(schema, "_links")
	for _, body := range []string{
		`{"kvkNummer":"68750110","naaam":"typo"}`,
		`{"_embedded":{"hoofdvestiging":{"adressen":[{"huisnummer":"3"}]}}}`,
	} {
		if sourcetest.Validate(t, schema, []byte(body)) == nil {
			t.Errorf("%s passed validation", body)
		}
	}
}

// TestReplayKnowsTheSpecifiedParameters keeps the replay server's list of
// Zoeken parameters equal to the spec's, so "unknown parameter" means what
// it means at KvK.
func TestReplayKnowsTheSpecifiedParameters(t *testing.T) {
	doc := sourcetest.LoadSpec(t, "kvk/zoeken-openapi.yaml")
	var names []string
	for _, p := range doc.Paths.Find("/zoeken").Get.Parameters {
		names = append(names, p.Value.Name)
	}
	sort.Strings(names)
	have := slices.Clone(kvktest.ZoekenParams)
	sort.Strings(have)
	if !slices.Equal(names, have) {
		t.Fatalf("spec parameters %v; replay knows %v", names, have)
	}
}
