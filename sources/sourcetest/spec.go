package sourcetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// SpecsDir is where the third-party OpenAPI documents are:
// $VERRIJK_SPECS_DIR, or third_party/specs in the repository, verbatim
// copies of shared/specs (TestSpecCopiesAreVerbatim keeps them equal), so
// a clone anywhere checks recorded answers against them.
func SpecsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("VERRIJK_SPECS_DIR"); d != "" {
		return d
	}
	specs := filepath.Join(ModuleRoot(t), "third_party", "specs")
	if _, err := os.Stat(specs); err != nil {
		t.Fatalf("OpenAPI specs not found at %s: %v", specs, err)
	}
	return specs
}

// ModuleRoot is the directory of go.mod above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory; set VERRIJK_SPECS_DIR")
		}
		dir = parent
	}
}

// LoadSpec loads an OpenAPI document by its path under SpecsDir.
func LoadSpec(t testing.TB, rel string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(SpecsDir(t), rel))
	if err != nil {
		t.Fatalf("loading %s: %v", rel, err)
	}
	return doc
}

// ResponseSchema is the schema of one operation's answer; status may be
// "default".
func ResponseSchema(t testing.TB, doc *openapi3.T, path, method, status, contentType string) *openapi3.Schema {
	t.Helper()
	item := doc.Paths.Find(path)
	if item == nil {
		t.Fatalf("spec has no path %s", path)
	}
	op := item.GetOperation(method)
	if op == nil || op.Responses == nil {
		t.Fatalf("spec has no %s %s", method, path)
	}
	resp := op.Responses.Value(status)
	if resp == nil || resp.Value == nil {
		t.Fatalf("spec has no %s answer for %s %s", status, method, path)
	}
	mt := resp.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		t.Fatalf("spec has no %s schema for %s %s %s", contentType, status, method, path)
	}
	return mt.Schema.Value
}

// Strict closes every object schema that lists its properties, so a
// recorded body with a misspelt or invented field fails validation instead
// of slipping through the specs' open objects. extra names properties the
// real service sends although its document does not list them (KvK's
// "_links"); they are allowed anywhere, with any value.
func Strict(s *openapi3.Schema, extra ...string) {
	strict(s, extra, map[*openapi3.Schema]bool{})
}

func strict(s *openapi3.Schema, extra []string, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		closed := false
		s.AdditionalProperties.Has = &closed
		for _, name := range extra {
			if _, ok := s.Properties[name]; !ok {
				s.Properties[name] = openapi3.NewSchemaRef("", &openapi3.Schema{})
			}
		}
	}
	for _, p := range s.Properties {
		strict(p.Value, extra, seen)
	}
	if s.Items != nil {
		strict(s.Items.Value, extra, seen)
	}
	if s.AdditionalProperties.Schema != nil {
		strict(s.AdditionalProperties.Schema.Value, extra, seen)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range group {
			strict(r.Value, extra, seen)
		}
	}
}

// Validate checks a JSON body against schema.
func Validate(t testing.TB, schema *openapi3.Schema, body []byte) error {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse())
}
