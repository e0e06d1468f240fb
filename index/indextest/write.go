package indextest

import (
	"fmt"
	"sync"
	"testing"

	"verrijk/index"
)

func testUpsertReplaces(t *testing.T, idx index.Index) {
	upsert(t, idx, company("c1", "Zwaluw Logistiek", link(purposeA, signal1)))
	expectIDs(t, idx, index.Query{Text: "zwaluw", PurposeID: purposeA}, "c1")

	upsert(t, idx, company("c1", "Merel Logistiek", link(purposeA, signal1)))
	expectIDs(t, idx, index.Query{Text: "zwaluw", PurposeID: purposeA})
	expectIDs(t, idx, index.Query{Text: "merel", PurposeID: purposeA}, "c1")
	expectIDs(t, idx, index.Query{PurposeID: purposeA}, "c1") // replaced, not duplicated

	// Replacing the links moves the entity between purposes.
	upsert(t, idx, company("c1", "Merel Logistiek", link(purposeB, signal2)))
	expectIDs(t, idx, index.Query{Text: "merel", PurposeID: purposeA})
	expectIDs(t, idx, index.Query{Text: "merel", PurposeID: purposeB}, "c1")

	// One call may carry many entities, including one id twice: the last wins.
	upsert(t, idx,
		company("c2", "Specht Transport", link(purposeA, signal1)),
		company("c3", "Reiger Transport", link(purposeA, signal1)),
		company("c3", "Kievit Transport", link(purposeA, signal1)),
	)
	expectIDs(t, idx, index.Query{Text: "transport", PurposeID: purposeA}, "c2", "c3")
	expectIDs(t, idx, index.Query{Text: "kievit", PurposeID: purposeA}, "c3")
}

func testDelete(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("keep", "Uil Bouw", link(purposeA, signal1)),
		company("gone", "Valk Bouw", link(purposeA, signal1)),
		company("gone2", "Havik Bouw", link(purposeA, signal1)),
	)
	if err := idx.Delete(t.Context(), "gone", "gone2", "never-indexed"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	expectIDs(t, idx, index.Query{Text: "bouw", PurposeID: purposeA}, "keep")
	expectIDs(t, idx, index.Query{Text: "valk", PurposeID: purposeA})
	if err := idx.Delete(t.Context()); err != nil {
		t.Errorf("Delete of nothing: %v", err)
	}
	if err := idx.Delete(t.Context(), "gone"); err != nil {
		t.Errorf("Delete twice: %v", err)
	}
}

// testConcurrentUpserts writes and searches from many goroutines at once;
// run under -race it also proves the implementation needs no outside lock.
func testConcurrentUpserts(t *testing.T, idx index.Index) {
	const writers, perWriter = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter*2)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				e := company(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("Gelijktijdig %d %d", w, i), link(purposeA, signal1))
				if err := idx.Upsert(t.Context(), e); err != nil {
					errs <- fmt.Errorf("upsert %s: %w", e.ID, err)
				}
				if _, err := idx.Search(t.Context(), index.Query{Text: "gelijktijdig", PurposeID: purposeA}); err != nil {
					errs <- fmt.Errorf("search: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	res := search(t, idx, index.Query{Text: "gelijktijdig", PurposeID: purposeA, PageSize: 100})
	if res.Total != writers*perWriter {
		t.Errorf("total after concurrent upserts = %d, want %d", res.Total, writers*perWriter)
	}
}
