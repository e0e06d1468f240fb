package index

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

// changeRow is one entity with its change time, as the store keeps it.
type changeRow struct {
	e       entity.Entity
	changed time.Time
}

// tableFeed pages like the store: changed >= since, ordered by change time
// then id; onRead runs after each read, to change the table meanwhile.
type tableFeed struct {
	rows   []changeRow
	reads  int
	onRead func(f *tableFeed)
}

func (f *tableFeed) ChangedEntities(_ context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error) {
	f.reads++
	var out []entity.Entity
	var last time.Time
	for _, r := range f.rows { // rows are kept in order
		if !r.changed.Before(since) && len(out) < limit {
			out = append(out, r.e)
			last = r.changed
		}
	}
	if f.onRead != nil {
		f.onRead(f)
	}
	return out, last, nil
}

var t0 = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)

func rows(n int, at func(i int) time.Time) []changeRow {
	out := make([]changeRow, n)
	for i := range out {
		out[i] = changeRow{entity.Entity{ID: fmt.Sprintf("e%05d", i), Caption: "v1"}, at(i)}
	}
	return out
}

func collect(t *testing.T, f ChangeFeed) (map[string]int, int, error) {
	t.Helper()
	seen := map[string]int{}
	n, err := ReadFeed(t.Context(), f, time.Time{}, func(es []entity.Entity) error {
		for _, e := range es {
			seen[e.ID]++
		}
		return nil
	})
	return seen, n, err
}

func TestReadFeedPassesEachEntityOnce(t *testing.T) {
	// Pairs share a change time, so page boundaries fall inside a pair.
	f := &tableFeed{rows: rows(2*FeedPage+3, func(i int) time.Time { return t0.Add(time.Duration(i/2) * time.Second) })}
	seen, n, err := collect(t, f)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(f.rows) || len(seen) != len(f.rows) {
		t.Errorf("passed on %d, %d distinct; want %d", n, len(seen), len(f.rows))
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s passed on %d times", id, c)
		}
	}
}

func TestReadFeedPassesAChangedEntityAgain(t *testing.T) {
	f := &tableFeed{rows: rows(FeedPage+1, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) })}
	// After the first read the last entity of the first page changes, at the
	// same instant as the page's last (another writer's clock).
	f.onRead = func(f *tableFeed) {
		if f.reads == 1 {
			f.rows[FeedPage-1].e.Caption = "v2"
		}
	}
	var captions []string
	_, err := ReadFeed(t.Context(), f, time.Time{}, func(es []entity.Entity) error {
		for _, e := range es {
			if e.ID == f.rows[FeedPage-1].e.ID {
				captions = append(captions, e.Caption)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(captions, ",") != "v1,v2" {
		t.Errorf("the changed entity came as %v, want v1 then v2", captions)
	}
}

func TestReadFeedStopsWhereItCannotPage(t *testing.T) {
	f := &tableFeed{rows: rows(FeedPage+1, func(int) time.Time { return t0 })}
	if _, _, err := collect(t, f); err == nil || !strings.Contains(err.Error(), "cannot page") {
		t.Errorf("a full page at one instant: err = %v", err)
	}
}

func TestReadFeedStopsOnError(t *testing.T) {
	f := &tableFeed{rows: rows(3, func(i int) time.Time { return t0.Add(time.Duration(i)) })}
	boom := fmt.Errorf("index full")
	if _, err := ReadFeed(t.Context(), f, time.Time{}, func([]entity.Entity) error { return boom }); err != boom {
		t.Errorf("err = %v, want the callback's", err)
	}
}
