package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	esindex "verrijk/index/elasticsearch"
	"verrijk/index/elasticsearch/esfake"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// reindexFixture is a store with two linked entities and one the index
// still holds but the store no longer does.
type reindexFixture struct {
	config  string
	purpose string
}

func newReindexFixture(t *testing.T, indexYAML string) reindexFixture {
	t.Helper()
	dir := t.TempDir()
	path := writeConfig(t, fmt.Sprintf("data_dir: %s\n%s", dir, indexYAML))
	g := &globals{configPath: path, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	cfg, err := g.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := openMigratedStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CreatePurpose(ctx, store.Purpose{ID: "herbouw-test", Name: "Herbouw", LegalBasis: "test", Retention: "P1Y", AllowedSources: []string{"kvk"}})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := st.CreateSignal(ctx, store.Signal{Title: "Herbouw", Team: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Herbouw Handel Een", "Herbouw Handel Twee"} {
		e := entity.Entity{ID: entity.MakeID(entity.SchemaCompany, "name", name), Schema: entity.SchemaCompany, Caption: name,
			Properties: map[string][]string{"name": {name}},
			Provenance: []entity.Provenance{{Source: "kvk", URL: "https://example.test", FetchedAt: time.Now(), SHA256: strings.Repeat("0", 64)}}}
		if _, err := st.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := st.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: e.ID, PurposeID: p.ID, JobID: "j", ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	return reindexFixture{config: path, purpose: p.ID}
}

// stale is an entity the store does not have: a rebuild drops it.
func stale(purposeID string) entity.Entity {
	return entity.Entity{ID: "company-stale", Schema: entity.SchemaCompany, Caption: "Herbouw Verouderd",
		Properties: map[string][]string{"name": {"Herbouw Verouderd"}},
		Signals:    []entity.Link{{SignalID: "s", PurposeID: purposeID, ExpiresAt: time.Now().AddDate(1, 0, 0)}}}
}

func runInProcess(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return stdout.String(), err
}

func reindexedCaptions(t *testing.T, ix index.Index, purposeID string) []string {
	t.Helper()
	res, err := ix.Search(t.Context(), index.Query{Text: "herbouw", PurposeID: purposeID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Caption)
	}
	return out
}

func TestReindexBleve(t *testing.T) {
	f := newReindexFixture(t, "")
	g := &globals{configPath: f.config}
	cfg, _ := g.loadConfig()
	ixPath := filepath.Join(cfg.DataDir, "index.bleve")
	ix, err := bleveindex.Open(ixPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(t.Context(), stale(f.purpose)); err != nil {
		t.Fatal(err)
	}
	ix.Close() // reindex of an index in use is refused: see index/bleve

	out, err := runInProcess(t, "reindex", "--config", f.config, "--json")
	if err != nil {
		t.Fatalf("reindex: %v", err)
	}
	var res reindexResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Backend != "bleve" || res.Entities != 2 || res.Target != ixPath ||
		res.Keyed != 2 {
		t.Fatalf("reindex printed %q (%v)", out, err)
	}
	ix, err = bleveindex.Open(ixPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := reindexedCaptions(t, ix, f.purpose); len(got) != 2 || strings.Contains(strings.Join(got, ","), "Verouderd") {
		t.Errorf("after reindex: %v, want the two stored entities", got)
	}
}

func TestReindexElasticsearch(t *testing.T) {
	srv := esfake.New(t)
	f := newReindexFixture(t, "index:\n  backend: elasticsearch\n  elasticsearch:\n    addresses: ["+srv.URL+"]\n    index_prefix: herbouw\n")
	ix, err := esindex.Open(t.Context(), esindex.Config{Addresses: []string{srv.URL}, IndexPrefix: "herbouw"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Upsert(t.Context(), stale(f.purpose)); err != nil {
		t.Fatal(err)
	}
	before := srv.Indices()
	time.Sleep(1100 * time.Millisecond) // index names have a one-second resolution
	out, err := runInProcess(t, "reindex", "--config", f.config)
	if err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if !strings.Contains(out, "reindexed 2 entities into herbouw-entities-v") || !strings.Contains(out, "alias moved from "+before[0]) {
		t.Errorf("reindex printed %q", out)
	}
	after := srv.Indices()
	if len(after) != 1 || after[0] == before[0] {
		t.Errorf("indices %v after reindex, were %v", after, before)
	}
	if got := reindexedCaptions(t, ix, f.purpose); len(got) != 2 || strings.Contains(strings.Join(got, ","), "Verouderd") {
		t.Errorf("after reindex: %v, want the two stored entities", got)
	}
}

// TestStartRebuildsAStaleBleveIndex: an embedded index built by an older
// verrijk (here: one without a mapping version, holding an entity the store
// no longer has) is rebuilt from the store when the runtime starts, instead
// of refusing to start.
func TestStartRebuildsAStaleBleveIndex(t *testing.T) {
	f := newReindexFixture(t, "")
	g := &globals{configPath: f.config, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	cfg, err := g.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	old, err := bleve.New(filepath.Join(cfg.DataDir, "index.bleve"), bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Index("company-stale", map[string]any{"caption": "Herbouw Verouderd"}); err != nil {
		t.Fatal(err)
	}
	old.Close()

	var logs bytes.Buffer
	rt, err := openRuntime(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), true)
	if err != nil {
		t.Fatalf("start with an older index: %v", err)
	}
	defer rt.Close()
	if got := reindexedCaptions(t, rt.index, f.purpose); len(got) != 2 || strings.Contains(strings.Join(got, ","), "Verouderd") {
		t.Errorf("after the start: %v, want the two stored entities", got)
	}
	if !strings.Contains(logs.String(), "older verrijk") || !strings.Contains(logs.String(), "entities=2") {
		t.Errorf("the rebuild is not logged: %s", logs.String())
	}
}
