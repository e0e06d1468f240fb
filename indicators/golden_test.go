package indicators

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

// expectedSignal is a golden signal's expected.json, written by hand.
type expectedSignal struct {
	Now        time.Time `json:"now"`
	Indicators []struct {
		Rule            string              `json:"rule"`
		Entity          string              `json:"entity"`
		Weight          int                 `json:"weight"`
		Values          map[string][]string `json:"values"`
		EvidenceSources []string            `json:"evidence_sources"`
	} `json:"indicators"`
}

// TestGoldenSignals evaluates the shipped rules over each signal under
// testdata/golden and compares the hits, in order, with the hand-made list.
func TestGoldenSignals(t *testing.T) {
	rs := shippedRules(t)
	dirs, err := os.ReadDir("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		dir := filepath.Join("testdata/golden", d.Name())
		t.Run(d.Name(), func(t *testing.T) {
			ents := loadSignal(t, dir)
			var want expectedSignal
			readJSON(t, filepath.Join(dir, "expected.json"), &want)
			hits := rs.Evaluate(ents, want.Now)
			byID := map[string]entity.Entity{}
			for _, e := range ents {
				byID[e.ID] = e
			}
			for i := range max(len(hits), len(want.Indicators)) {
				if i >= len(hits) {
					t.Errorf("missing indicator %d: %s on %s", i, want.Indicators[i].Rule, want.Indicators[i].Entity)
					continue
				}
				h := hits[i]
				if i >= len(want.Indicators) {
					t.Errorf("unexpected indicator %d: %s on %s, values %v", i, h.RuleID, h.EntityID, h.Values)
					continue
				}
				w := want.Indicators[i]
				if h.RuleID != w.Rule || h.EntityID != w.Entity || h.Weight != w.Weight {
					t.Errorf("indicator %d = %s on %s (weight %d), want %s on %s (weight %d)",
						i, h.RuleID, h.EntityID, h.Weight, w.Rule, w.Entity, w.Weight)
					continue
				}
				if !reflect.DeepEqual(h.Values, w.Values) {
					t.Errorf("%s on %s: values\n got  %v\n want %v", h.RuleID, h.EntityID, h.Values, w.Values)
				}
				checkEvidence(t, h, w.EvidenceSources, byID)
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden signals")
	}
}

// checkEvidence: the hit names exactly the expected sources, and every
// answer it names is one the entity really was read from.
func checkEvidence(t *testing.T, h Hit, wantSources []string, byID map[string]entity.Entity) {
	t.Helper()
	var sources []string
	for _, ev := range h.Evidence {
		if !slices.Contains(sources, ev.Source) {
			sources = append(sources, ev.Source)
		}
		e, ok := byID[ev.EntityID]
		if !ok || !slices.ContainsFunc(e.Provenance, func(p entity.Provenance) bool {
			return p.SHA256 == ev.SHA256 && p.URL == ev.URL && p.Source == ev.Source
		}) {
			t.Errorf("%s on %s: evidence %+v is not an answer entity %s was read from", h.RuleID, h.EntityID, ev, ev.EntityID)
		}
	}
	if !reflect.DeepEqual(sources, wantSources) {
		t.Errorf("%s on %s: evidence sources %v, want %v", h.RuleID, h.EntityID, sources, wantSources)
	}
}

// loadSignal reads a golden signal: entities.json, or the normaliser
// outputs sources.txt names, merged by id as the store merges them.
func loadSignal(t *testing.T, dir string) []entity.Entity {
	t.Helper()
	var files []string
	if f, err := os.Open(filepath.Join(dir, "sources.txt")); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
				files = append(files, filepath.Join("..", "pipeline", "testdata", line))
			}
		}
	} else {
		files = []string{filepath.Join(dir, "entities.json")}
	}
	var order []string
	merged := map[string]*entity.Entity{}
	for _, file := range files {
		var doc struct {
			Entities []entity.Entity `json:"entities"`
		}
		readJSON(t, file, &doc)
		for _, e := range doc.Entities {
			if cur, ok := merged[e.ID]; ok {
				cur.Merge(e)
				continue
			}
			e := e
			merged[e.ID] = &e
			order = append(order, e.ID)
		}
	}
	out := make([]entity.Entity, 0, len(order))
	for _, id := range order {
		out = append(out, *merged[id])
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
