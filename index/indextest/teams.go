package indextest

import (
	"testing"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// teamLink is link with the team owning the signal.
func teamLink(purposeID, signalID, team string) entity.Link {
	l := link(purposeID, signalID)
	l.Team = team
	return l
}

// testTeamFilter: Teams keeps entities linked, under the searched purpose,
// to a signal of one of the listed teams; a link of that team under
// another purpose does not count, "" is the team of signals without one,
// and an empty list does not restrict.
func testTeamFilter(t *testing.T, idx index.Index) {
	upsert(t, idx,
		company("t1", "November Handel", teamLink(purposeA, signal1, "team-1")),
		company("t2", "Oscar Handel", teamLink(purposeA, signal2, "team-2")),
		company("t0", "Papa Handel", teamLink(purposeA, signal3, "")),
		company("t12", "Quebec Handel", teamLink(purposeA, signal1, "team-1"), teamLink(purposeA, signal2, "team-2")),
		// team-1's link is under B only: under A it belongs to team-2.
		company("t2B1", "Romeo Handel", teamLink(purposeA, signal2, "team-2"), teamLink(purposeB, signal1, "team-1")),
	)
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Teams: []string{"team-1"}}, "t1", "t12")
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA, Teams: []string{"team-2"}}, "t2", "t12", "t2B1")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Teams: []string{""}}, "t0")
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Teams: []string{"team-1", ""}}, "t1", "t12", "t0")
	expectIDs(t, idx, index.Query{PurposeID: purposeB, Teams: []string{"team-1"}}, "t2B1")
	expectIDs(t, idx, index.Query{PurposeID: purposeB, Teams: []string{"team-2"}})
	expectIDs(t, idx, index.Query{PurposeID: purposeA, Teams: []string{"team-unknown"}})
	expectIDs(t, idx, index.Query{Text: "handel", PurposeID: purposeA}, "t1", "t2", "t0", "t12", "t2B1")
	// With SignalID as well, both must hold.
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalID: signal3, Teams: []string{"team-1"}})
	expectIDs(t, idx, index.Query{PurposeID: purposeA, SignalID: signal1, Teams: []string{"team-1"}}, "t1", "t12")
	// Facets count the team's matches only.
	res := search(t, idx, index.Query{PurposeID: purposeA, Teams: []string{"team-1"}})
	if got := res.Facets[index.FacetSchema]; len(got) != 1 || got[0] != (index.FacetCount{Value: entity.SchemaCompany, Count: 2}) {
		t.Errorf("schema facet for team-1 = %v, want Company 2", got)
	}
}
