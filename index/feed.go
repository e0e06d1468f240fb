package index

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"verrijk/pipeline/entity"
)

// ChangeFeed is the part of the store a rebuild reads (store.Store has it):
// entities, with their links, whose record or links changed at or after
// since, oldest change first, at most limit, and the change time of the
// last one.
type ChangeFeed interface {
	ChangedEntities(ctx context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error)
}

// FeedPage is how many entities one read of the change feed asks for.
const FeedPage = 500

// ReadFeed calls fn with every entity the feed has changed at or after
// since, a page at a time, each entity once, and returns how many it
// passed on. The feed is paged by change time, and a page starts at the
// last time of the one before, so entities sharing that time come twice;
// ReadFeed passes them on once unless they changed in between.
func ReadFeed(ctx context.Context, feed ChangeFeed, since time.Time, fn func([]entity.Entity) error) (int, error) {
	total := 0
	var before map[string]entity.Entity // the page before, by id
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		page, last, err := feed.ChangedEntities(ctx, since, FeedPage)
		if err != nil {
			return total, fmt.Errorf("reading the store's entities: %w", err)
		}
		fresh := make([]entity.Entity, 0, len(page))
		for _, e := range page {
			if prev, ok := before[e.ID]; !ok || !reflect.DeepEqual(prev, e) {
				fresh = append(fresh, e)
			}
		}
		if len(fresh) > 0 {
			if err := fn(fresh); err != nil {
				return total, err
			}
			total += len(fresh)
		}
		if len(page) < FeedPage {
			return total, nil
		}
		if !last.After(since) {
			// A whole page changed at one instant: paging by time cannot get
			// past it, and stopping here would silently leave entities out.
			return total, fmt.Errorf("reading the store's entities: more than %d changed at %s; the change feed cannot page past them",
				FeedPage, last.Format(time.RFC3339Nano))
		}
		// The next page starts at this page's last change time, so of this
		// page the entities changed at that time come back; remembering the
		// whole page is a superset of those, and stays one page big. One
		// that changed again since it was read comes back changed, and is
		// passed on again.
		since = last
		before = make(map[string]entity.Entity, len(page))
		for _, e := range page {
			before[e.ID] = e
		}
	}
}
