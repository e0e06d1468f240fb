package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// memFeed is a change feed over a fixed list, in the store's order.
type memFeed []entity.Entity

func (f memFeed) ChangedEntities(_ context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error) {
	var out []entity.Entity
	var last time.Time
	for _, e := range f {
		if !e.LastSeen.Before(since) && len(out) < limit {
			out = append(out, e)
			last = e.LastSeen
		}
	}
	return out, last, nil
}

func feedOf(n int) memFeed {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var f memFeed
	for i := range n {
		e := testEntity(fmt.Sprintf("r%04d", i), "Herbouw Handel")
		e.LastSeen = base.Add(time.Duration(i) * time.Second)
		f = append(f, e)
	}
	return f
}

func searchTotal(t *testing.T, ix *Index, text string) int {
	t.Helper()
	res, err := ix.Search(t.Context(), index.Query{Text: text, PurposeID: "p1"})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	return res.Total
}

func TestRebuildReplacesTheIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// Gone from the store, still in the index: a rebuild drops it.
	if err := ix.Upsert(t.Context(), testEntity("stale", "Verouderd Record")); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	n, err := Rebuild(t.Context(), path, feedOf(3))
	if err != nil || n != 3 {
		t.Fatalf("Rebuild = %d, %v; want 3", n, err)
	}
	ix, err = Open(path)
	if err != nil {
		t.Fatalf("opening the rebuilt index: %v", err)
	}
	defer ix.Close()
	if got := searchTotal(t, ix, "herbouw"); got != 3 {
		t.Errorf("herbouw: %d hits, want 3", got)
	}
	if got := searchTotal(t, ix, "verouderd"); got != 0 {
		t.Errorf("the stale entity survived the rebuild")
	}
	leftovers, _ := filepath.Glob(path + ".*")
	if len(leftovers) != 0 {
		t.Errorf("left behind: %v", leftovers)
	}
}

func TestRebuildCreatesAMissingIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	if n, err := Rebuild(t.Context(), path, feedOf(index.FeedPage+7)); err != nil || n != index.FeedPage+7 {
		t.Fatalf("Rebuild = %d, %v", n, err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := searchTotal(t, ix, "herbouw"); got != index.FeedPage+7 {
		t.Errorf("%d entities indexed, want %d", got, index.FeedPage+7)
	}
}

func TestRebuildRefusesAnIndexInUse(t *testing.T) {
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 50 * time.Millisecond
	path := filepath.Join(t.TempDir(), "index.bleve")
	held, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := held.Upsert(t.Context(), testEntity("kept", "Bewaard Record")); err != nil {
		t.Fatal(err)
	}
	_, err = Rebuild(t.Context(), path, feedOf(2))
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("Rebuild while held: %v, want ErrInUse", err)
	}
	if got := searchTotal(t, held, "bewaard"); got != 1 {
		t.Errorf("the held index changed: %d hits", got)
	}
	held.Close()
	if _, err := os.Stat(path + ".rebuild"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused rebuild left %s.rebuild", path)
	}
}

func TestRebuildRefusesSomethingElse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Rebuild(t.Context(), path, feedOf(1)); err == nil {
		t.Fatal("Rebuild over a directory that is no index: err = nil")
	}
	if _, err := os.Stat(filepath.Join(path, "notes.txt")); err != nil {
		t.Errorf("the directory was touched: %v", err)
	}
}

// TestStaleMappingIsRefusedAndRebuilt: an index from before mapping
// versions (no version key, no last_seen field) cannot serve date filters,
// so Open refuses it and Rebuild replaces it.
func TestStaleMappingIsRefusedAndRebuilt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	old, err := bleve.New(path, m) // as version 1 created it: no version key
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if ix, err := Open(path); !errors.Is(err, ErrStaleMapping) {
		if ix != nil {
			ix.Close()
		}
		t.Fatalf("Open of a version 1 index: %v, want ErrStaleMapping", err)
	}
	if _, err := Rebuild(t.Context(), path, feedOf(2)); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatalf("Open after rebuild: %v", err)
	}
	ix.Close()
}
