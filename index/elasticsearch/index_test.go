package esindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/index/elasticsearch/esfake"
	"verrijk/pipeline/entity"
)

func company(id, caption string) entity.Entity {
	e := bakery()
	e.ID, e.Caption = id, caption
	e.Properties = map[string][]string{"name": {caption}}
	return e
}

func find(t *testing.T, ix *Index, text string) []string {
	t.Helper()
	res, err := ix.Search(t.Context(), index.Query{Text: text, PurposeID: purpose, PageSize: 100})
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// testRebuild rebuilds from a store of a full page and more while, as
// other processes would, a worker upserts and the retention sweep deletes;
// the new index must end up with the store's state. srv, when not nil, is
// the fake behind ix.
func testRebuild(t *testing.T, ix *Index, srv *esfake.Server) {
	ctx := t.Context()
	if err := ix.Upsert(ctx, company("c-stale", "Verdwenen Handel")); err != nil {
		t.Fatal(err)
	}
	before, err := ix.aliasTarget(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	feed := &hookFeed{}
	for i := range index.FeedPage - 1 {
		feed.rows = append(feed.rows, feedRow{company(fmt.Sprintf("c-fill-%03d", i), "Vulling"), start.Add(-time.Hour + time.Duration(i)*time.Millisecond)})
	}
	feed.rows = append(feed.rows, feedRow{company("c-expired", "Verlopen Handel"), start.Add(-time.Minute * 30)})
	// After the first page is written to the new index and before the
	// alias moves: a worker stores and indexes an entity, and the sweep
	// deletes one (store first, then the index, as they do).
	feed.hooks = map[int]func(){2: func() {
		late := company("c-late", "Late Handel")
		feed.rows = append(feed.rows, feedRow{late, time.Now()})
		if err := ix.Upsert(ctx, late); err != nil {
			t.Errorf("upsert during rebuild: %v", err)
		}
		feed.rows = slices.DeleteFunc(feed.rows, func(r feedRow) bool { return r.e.ID == "c-expired" })
		if err := ix.Delete(ctx, "c-expired"); err != nil {
			t.Errorf("delete during rebuild: %v", err)
		}
	}}
	// Index names have a one-second resolution.
	ix.cfg.Now = func() time.Time { return time.Now().Add(2 * time.Second) }
	res, err := ix.Rebuild(ctx, feed)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	after, _ := ix.aliasTarget(ctx)
	if after == before || after != res.Index || res.Previous != before || res.Loaded != index.FeedPage+1 || res.CaughtUp != 1 {
		t.Errorf("alias moved from %s to %s; result %+v", before, after, res)
	}
	if got := find(t, ix, "handel"); !slices.Equal(got, []string{"c-late"}) {
		t.Errorf("after rebuild: %v, want only c-late", got)
	}
	if res, err := ix.Search(ctx, index.Query{Text: "vulling", PurposeID: purpose}); err != nil || res.Total != index.FeedPage-1 {
		t.Errorf("after rebuild: %d fillers (%v), want %d", res.Total, err, index.FeedPage-1)
	}
	if names, _ := ix.versionedIndices(ctx); !slices.Equal(names, []string{res.Index}) {
		t.Errorf("indices left: %v, want only %s", names, res.Index)
	}
	if srv != nil && srv.Setting(res.Index, "refresh_interval") != nil {
		t.Errorf("refresh_interval left at %v", srv.Setting(res.Index, "refresh_interval"))
	}
}

type feedRow = struct {
	e       entity.Entity
	changed time.Time
}

// hookFeed is a change feed, in change order, that runs hooks between
// reads: moments in which a rebuild is loading.
type hookFeed struct {
	rows  changeFeed
	reads int
	hooks map[int]func() // by read number, run before that read
}

func (f *hookFeed) ChangedEntities(ctx context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error) {
	f.reads++
	if h := f.hooks[f.reads]; h != nil {
		h()
	}
	sort.SliceStable(f.rows, func(i, j int) bool { return f.rows[i].changed.Before(f.rows[j].changed) })
	return f.rows.ChangedEntities(ctx, since, limit)
}

func TestRebuildFake(t *testing.T) {
	ix, srv := openFake(t)
	testRebuild(t, ix, srv)
	// The load went in without refreshes, the catch-up too; one refresh
	// of the new index and one through the alias made them visible.
	var bulkRefresh []string
	for _, r := range srv.Requests() {
		if r.Path == "/_bulk" {
			bulkRefresh = append(bulkRefresh, r.Query.Get("refresh"))
		}
	}
	// Upsert before; load page 1; upsert during; delete during, from the
	// index being built (no refresh: it has none) and from the live one;
	// load page 2; catch-up.
	if want := []string{"wait_for", "", "wait_for", "", "wait_for", "", ""}; !slices.Equal(bulkRefresh, want) {
		t.Errorf("bulk refresh parameters %q, want %q", bulkRefresh, want)
	}
}

func TestRebuildFailureLeavesTheLiveIndex(t *testing.T) {
	ix, srv := openFake(t)
	if err := ix.Upsert(t.Context(), company("c1", "Oude Handel")); err != nil {
		t.Fatal(err)
	}
	live, _ := ix.aliasTarget(t.Context())
	ix.cfg.Now = func() time.Time { return time.Now().Add(2 * time.Second) }
	_, err := ix.Rebuild(t.Context(), failingFeed{})
	if err == nil {
		t.Fatal("Rebuild with a failing store: err = nil")
	}
	if got, _ := ix.aliasTarget(t.Context()); got != live {
		t.Errorf("alias moved to %s", got)
	}
	if idx := srv.Indices(); !slices.Equal(idx, []string{live}) {
		t.Errorf("indices %v, want the unfinished one deleted", idx)
	}
	if got := find(t, ix, "handel"); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("search after a failed rebuild: %v", got)
	}
}

type failingFeed struct{}

func (failingFeed) ChangedEntities(context.Context, time.Time, int) ([]entity.Entity, time.Time, error) {
	return nil, time.Time{}, errors.New("database is locked")
}

func TestUpsertRetriesRejectedItemsFake(t *testing.T) {
	ix, srv := openFake(t)
	srv.RejectBulkItems(2) // the first attempt, and the first retry of the same item
	if err := ix.Upsert(t.Context(), company("c1", "Eerste Handel"), company("c2", "Tweede Handel")); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if got := find(t, ix, "handel"); !slices.Equal(got, []string{"c1", "c2"}) {
		t.Errorf("found %v", got)
	}
	srv.RejectBulkItems(100)
	ix.cfg.MaxRetries = 2
	err := ix.Upsert(t.Context(), company("c3", "Derde Handel"))
	var be *BulkError
	if !errors.As(err, &be) || len(be.Items) != 1 || be.Items[0].ID != "c3" || be.Items[0].Status != 429 {
		t.Errorf("lasting rejection: %v", err)
	}
}

func TestUpsertIsVisibleAtOnce(t *testing.T) {
	ix, _ := openFake(t)
	if err := ix.Upsert(t.Context(), company("c1", "Directe Handel")); err != nil {
		t.Fatal(err)
	}
	if got := find(t, ix, "directe"); len(got) != 1 {
		t.Errorf("search right after Upsert found %v", got)
	}
	// With refresh "false" the fake, which never refreshes on its own,
	// shows that nothing else made the document visible.
	cfg := ix.cfg
	cfg.Refresh = "false"
	lazy, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	if err := lazy.Upsert(t.Context(), company("c2", "Trage Handel")); err != nil {
		t.Fatal(err)
	}
	if got := find(t, lazy, "trage"); len(got) != 0 {
		t.Errorf("refresh=false: found %v before a refresh", got)
	}
}

func TestBulkBatches(t *testing.T) {
	ix, srv := openFake(t)
	es := make([]entity.Entity, 0, maxBulkOps+20)
	for i := range cap(es) {
		es = append(es, company(fmt.Sprintf("c%04d", i), "Partij Handel"))
	}
	if err := ix.Upsert(t.Context(), es...); err != nil {
		t.Fatal(err)
	}
	var refresh []string
	for _, r := range srv.Requests() {
		if r.Path == "/_bulk" {
			refresh = append(refresh, r.Query.Get("refresh"))
		}
	}
	// Two batches, and only the last waits for the refresh.
	if !slices.Equal(refresh, []string{"", "wait_for"}) {
		t.Errorf("bulk requests with refresh %q", refresh)
	}
	res, err := ix.Search(t.Context(), index.Query{Text: "partij", PurposeID: purpose})
	if err != nil || res.Total != len(es) {
		t.Errorf("total %d, %v; want %d", res.Total, err, len(es))
	}
}

func TestWholeRequestRetried(t *testing.T) {
	ix, srv := openFake(t)
	srv.FailRequests("POST", "/_bulk", 429, 2)
	srv.FailRequests("POST", "/_search", 503, 1)
	if err := ix.Upsert(t.Context(), company("c1", "Geduldige Handel")); err != nil {
		t.Fatalf("Upsert after two 429s: %v", err)
	}
	if got := find(t, ix, "geduldige"); len(got) != 1 {
		t.Errorf("search after a 503: %v", got)
	}
}

func TestOpenWarnsAboutAnOlderIndex(t *testing.T) {
	srv := esfake.New(t)
	var log strings.Builder
	// An index from a (pretend) older mapping version behind the alias.
	send(t, srv, recRequest{Method: "PUT", Path: "/verrijk-entities-v0-20240101t000000", Body: []byte(`{"aliases":{"verrijk-entities":{"is_write_index":true}}}`)})
	ix, err := Open(t.Context(), Config{Addresses: []string{srv.URL}, Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !strings.Contains(log.String(), "verrijk reindex") {
		t.Errorf("no warning to reindex: %q", log.String())
	}
}

// TestOpenAddsNewFieldsToAnOlderIndex: behind the alias is an index of
// mapping version 1, strict and without the teams field. Open maps the
// current fields on it, so entities written after an upgrade are indexed
// and found by team before anyone has run a reindex.
func TestOpenAddsNewFieldsToAnOlderIndex(t *testing.T) {
	srv := esfake.New(t)
	older := templateProperties()
	delete(older, fieldTeams)
	settings := indexTemplate("verrijk-entities-v*")["template"].(obj)["settings"]
	body, err := json.Marshal(obj{
		"aliases":  obj{"verrijk-entities": obj{"is_write_index": true}},
		"settings": settings,
		"mappings": obj{"dynamic": "strict", "properties": older},
	})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, answer := send(t, srv, recRequest{Method: "PUT", Path: "/verrijk-entities-v1-20250101t000000", Body: body}); status != 200 {
		t.Fatalf("creating the older index: %d %s", status, answer)
	}
	ix, err := Open(t.Context(), Config{Addresses: []string{srv.URL}, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Upsert(t.Context(), bakery()); err != nil {
		t.Fatalf("Upsert into the older index: %v", err)
	}
	res, err := ix.Search(t.Context(), index.Query{PurposeID: purpose, Teams: []string{team}})
	if err != nil || res.Total != 1 {
		t.Errorf("search by team in the older index: %+v, %v", res, err)
	}
}

func TestConfigChecks(t *testing.T) {
	for name, c := range map[string]Config{
		"no address":   {},
		"bad address":  {Addresses: []string{"es:9200"}},
		"bad prefix":   {Addresses: []string{"http://es:9200"}, IndexPrefix: "Verrijk"},
		"bad refresh":  {Addresses: []string{"http://es:9200"}, Refresh: "sometimes"},
		"missing CA":   {Addresses: []string{"https://es:9200"}, CAFile: filepath.Join(t.TempDir(), "none.pem")},
		"CA is no PEM": {Addresses: []string{"https://es:9200"}, CAFile: writeFile(t, "junk.pem", "not a certificate")},
	} {
		if ix, err := Open(t.Context(), c); err == nil {
			ix.Close()
			t.Errorf("%s: Open succeeded", name)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDocumentFields(t *testing.T) {
	car := entity.Entity{ID: "vehicle-1", Schema: entity.SchemaVehicle, Caption: "6-TJR-64",
		Properties: map[string][]string{"registrationNumber": {"6-TJR-64"}, "latitude": {"NaN"}, "longitude": {"5"}}}
	raw, err := toDocument(car)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, want := range []string{`"plate":["6TJR64"]`, `"text":["6-TJR-64",`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %s: %s", want, doc)
		}
	}
	if strings.Contains(doc, `"location"`) || strings.Contains(doc, `"last_seen"`) {
		t.Errorf("document has a NaN location or a zero date: %s", doc)
	}
}
