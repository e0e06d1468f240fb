package resolve

import (
	"context"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// Backfiller is the store's part Backfill needs (store.Store has it).
type Backfiller interface {
	index.ChangeFeed
	KeyWriter
}

// Backfill remembers the lookup keys of every stored entity, for a store
// that holds entities from before resolution kept keys: until then, a
// later arrival without a strong identifier cannot find them. It is safe
// to run again (keys are added once) and returns how many entities it read.
func Backfill(ctx context.Context, s Backfiller) (int, error) {
	return index.ReadFeed(ctx, s, time.Time{}, func(page []entity.Entity) error {
		return Remember(ctx, s, page...)
	})
}
