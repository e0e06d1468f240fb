package bleveindex

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/index/indextest"
	"verrijk/pipeline/entity"
)

func openTemp(t *testing.T) index.Index {
	idx, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return idx
}

func TestConformance(t *testing.T) {
	indextest.Run(t, openTemp)
}

func TestConformanceMem(t *testing.T) {
	indextest.Run(t, func(t *testing.T) index.Index {
		idx, err := OpenMem()
		if err != nil {
			t.Fatalf("OpenMem: %v", err)
		}
		return idx
	})
}

func testEntity(id, caption string) entity.Entity {
	return entity.Entity{
		ID: id, Schema: entity.SchemaCompany, Caption: caption,
		Properties: map[string][]string{"name": {caption}, "kvkNumber": {"68750110"}},
		Signals:    []entity.Link{{SignalID: "s1", PurposeID: "p1", ExpiresAt: time.Now().AddDate(1, 0, 0)}},
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	idx, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := idx.Upsert(t.Context(), testEntity("c1", "Bakkerij Ünal")); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if err := idx.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	idx, err = Open(path)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer idx.Close()
	// The custom analyzer must come back with the index, or folding breaks.
	for _, text := range []string{"unal", "68750110"} {
		res, err := idx.Search(t.Context(), index.Query{Text: text, PurposeID: "p1"})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != "c1" {
			t.Errorf("%q after reopen: total %d, hits %+v; want c1", text, res.Total, res.Hits)
		}
	}
}

func TestOpenEmptyDirAndGarbage(t *testing.T) {
	dir := t.TempDir() // exists and is empty, as a prepared data dir would be
	idx, err := Open(dir)
	if err != nil {
		t.Fatalf("Open on empty dir: %v", err)
	}
	idx.Close()

	junk := t.TempDir()
	if err := os.WriteFile(filepath.Join(junk, "notes.txt"), []byte("not an index"), 0o600); err != nil {
		t.Fatal(err)
	}
	if idx, err := Open(junk); err == nil {
		idx.Close()
		t.Errorf("Open on a non-empty non-index dir: err = nil, want an error")
	}
}

func TestUpsertRejectsEmptyID(t *testing.T) {
	idx, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Upsert(t.Context(), testEntity("", "Naamloos")); err == nil {
		t.Error("Upsert of entity without id: err = nil")
	}
}

func TestNormalizeIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"8823 sj":                        "8823SJ",
		"8823-SJ":                        "8823SJ",
		"NL.IMBAG.PAND.0363100012345678": "NLIMBAGPAND0363100012345678",
		"nl91 abna 0417 1643 00":         "NL91ABNA0417164300",
		" 68750110\t":                    "68750110",
		"+31 (0)20-123":                  "+31(0)20123",
		". - ":                           "",
	} {
		if got := NormalizeIdentifier(in); got != want {
			t.Errorf("NormalizeIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOversizedValuesAreCapped(t *testing.T) {
	idx, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	e := testEntity("big", "Grote Waarde")
	big := make([]byte, 0, 3*maxValueBytes)
	for len(big) < 3*maxValueBytes-10 {
		big = append(big, "é vulling "...)
	}
	e.Properties["description"] = []string{string(big) + " staartwoord"}
	if err := idx.Upsert(t.Context(), e); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	res, err := idx.Search(t.Context(), index.Query{Text: "vulling", PurposeID: "p1"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search in capped value: total %d, err %v", res.Total, err)
	}
	// The stored entity is whole even though its searchable text is not.
	if got := res.Hits[0].First("description"); len(got) != len(big)+len(" staartwoord") {
		t.Errorf("stored description has %d bytes, want %d", len(got), len(big)+len(" staartwoord"))
	}
	res, _ = idx.Search(t.Context(), index.Query{Text: "staartwoord", PurposeID: "p1"})
	if res.Total != 0 {
		t.Errorf("word past the cap found: total %d", res.Total)
	}
}

// BenchmarkUpsertSearch measures the pipeline's pattern: one entity written,
// then a search, against an index of a thousand entities.
func BenchmarkUpsertSearch(b *testing.B) {
	idx, err := Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	ctx := b.Context()
	seed := make([]entity.Entity, 0, 1000)
	for i := range cap(seed) {
		seed = append(seed, testEntity(fmt.Sprintf("seed%d", i), fmt.Sprintf("Voorraad Handel %d", i)))
	}
	if err := idx.Upsert(ctx, seed...); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if err := idx.Upsert(ctx, testEntity(fmt.Sprintf("e%d", i), fmt.Sprintf("Benchmark Handel %d", i))); err != nil {
			b.Fatal(err)
		}
		if _, err := idx.Search(ctx, index.Query{Text: "handel", PurposeID: "p1"}); err != nil {
			b.Fatal(err)
		}
	}
}
