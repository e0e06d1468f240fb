package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenTime is the fixed fetch time of every golden evidence.
var goldenTime = time.Date(2024, 11, 26, 10, 19, 43, 0, time.UTC)

// goldenEvidence builds the evidence for testdata/<source>/<kind>-<case>.json.
func goldenEvidence(t *testing.T, path string) sources.Evidence {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	source := filepath.Base(filepath.Dir(path))
	name := filepath.Base(path)
	kind, _, _ := strings.Cut(strings.TrimSuffix(name, ".json"), "-")
	sum := sha256.Sum256(body)
	return sources.Evidence{
		Source: source, Kind: source + "." + kind, Status: 200,
		URL:       "https://evidence.invalid/" + source + "/" + name,
		FetchedAt: goldenTime, SHA256: hex.EncodeToString(sum[:]), Body: body,
	}
}

type golden struct {
	Entities []entity.Entity `json:"entities,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// TestGolden runs every testdata/<source>/*.json through Normalize and
// compares with its .golden.json; -update rewrites them.
func TestGolden(t *testing.T) {
	var inputs []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") && !strings.HasSuffix(path, ".golden.json") {
			inputs = append(inputs, path)
		}
		return nil
	})
	if err != nil || len(inputs) < 20 {
		t.Fatalf("walking testdata: %d inputs, %v", len(inputs), err)
	}
	for _, in := range inputs {
		t.Run(strings.TrimPrefix(in, "testdata"+string(filepath.Separator)), func(t *testing.T) {
			checkGolden(t, goldenEvidence(t, in), strings.TrimSuffix(in, ".json")+".golden.json")
		})
	}
}

// checkGolden normalises ev and compares the result with the golden file
// want; with -update it rewrites want instead.
func checkGolden(t *testing.T, ev sources.Evidence, want string) {
	t.Helper()
	var g golden
	ents, err := Normalize(ev)
	if err != nil {
		g.Error = err.Error()
	}
	g.Entities = ents
	got, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(want, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	exp, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, exp) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", want, got)
	}
}
