package storetest

import (
	"fmt"
	"maps"
	"testing"

	"verrijk/store"
)

// testSignalTeams covers the two reads behind need-to-know access: the
// owning team of given signals, and the signal ids of one team.
func testSignalTeams(t *testing.T, s store.Store) {
	ctx := t.Context()
	create := func(title, team string) string {
		t.Helper()
		sig, err := s.CreateSignal(ctx, store.Signal{Title: title, Team: team, CreatedBy: "ana"})
		if err != nil {
			t.Fatalf("CreateSignal: %v", err)
		}
		return sig.ID
	}
	a1 := create("a1", "team-a")
	b1 := create("b1", "team-b")
	none := create("zonder team", "")
	a2 := create("a2", "team-a")

	got, err := s.SignalTeams(ctx, []string{a1, b1, none, a2, "no-such-signal"})
	if err != nil {
		t.Fatalf("SignalTeams: %v", err)
	}
	want := map[string]string{a1: "team-a", b1: "team-b", none: "", a2: "team-a"}
	if !maps.Equal(got, want) {
		t.Errorf("SignalTeams = %v, want %v", got, want)
	}
	if got, err := s.SignalTeams(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("SignalTeams(nil) = %v, %v; want empty", got, err)
	}

	// More ids than one IN list holds: every chunk is read.
	many := []string{b1}
	for i := range 1200 {
		many = append(many, fmt.Sprintf("missing-%d", i))
	}
	many = append(many, a2)
	if got, err := s.SignalTeams(ctx, many); err != nil || len(got) != 2 || got[a2] != "team-a" || got[b1] != "team-b" {
		t.Errorf("SignalTeams(1202 ids) = %v, %v; want %s and %s", got, err, a1, b1)
	}
}
