package indextest

import (
	"testing"

	"verrijk/index"
)

// testSignalSetFilter: SignalIDs keeps entities linked, under the searched
// purpose, to any of the listed signals; a link to one of them under
// another purpose does not count, and an empty list does not restrict.
func testSignalSetFilter(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("t1", "November Handel", link(purposeA, signal1)),
		company("t2", "Oscar Handel", link(purposeA, signal2)),
		company("t3", "Papa Handel", link(purposeA, signal3)),
		company("t13", "Quebec Handel", link(purposeA, signal1), link(purposeA, signal3)),
		// Linked to signal1 only under B: under A it belongs to signal3.
		company("t3B1", "Romeo Handel", link(purposeA, signal3), link(purposeB, signal1)),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalIDs: []string{signal1}}, "t1", "t13")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA, SignalIDs: []string{signal1, signal2}},
		"t1", "t2", "t13")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalIDs: []string{signal3}}, "t3", "t13", "t3B1")
	expectIDs(t, idx, index.Query{PurposeID: purposeB, SignalIDs: []string{signal1}}, "t3B1")
	expectIDs(t, idx, index.Query{PurposeID: purposeB, SignalIDs: []string{signal2, signal3}})
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalIDs: []string{"signal-unknown"}})
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA}, "t1", "t2", "t3", "t13", "t3B1")
	// With SignalID as well, both must hold.
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalID: signal3, SignalIDs: []string{signal1}}, "t13")
}
