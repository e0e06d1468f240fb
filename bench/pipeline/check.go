package main

import (
	"context"
	"fmt"

	"verrijk/index"
	"verrijk/store"
)

// indexCheck compares, per job's signal, the entities the store links to
// it with what the index finds under that signal. Workers index each task's
// entities from a store read, so two tasks touching the same entity at once
// may leave the index with the older copy; this counts such losses.
type indexCheck struct {
	signals, short int // signals checked, and those the index under-reports
	missing        int // linked entities the index does not find
}

func checkIndex(ctx context.Context, st store.Store, ix index.Index, jobs []store.Job) (indexCheck, error) {
	var c indexCheck
	for _, j := range jobs {
		want, err := st.SignalEntities(ctx, j.SignalID, j.PurposeID)
		if err != nil {
			return c, fmt.Errorf("reading signal entities: %w", err)
		}
		got, err := ix.Search(ctx, index.Query{PurposeID: j.PurposeID, SignalID: j.SignalID, PageSize: 100})
		if err != nil {
			return c, fmt.Errorf("searching index: %w", err)
		}
		c.signals++
		if got.Total < len(want) {
			c.short++
			c.missing += len(want) - got.Total
		}
	}
	return c, nil
}
