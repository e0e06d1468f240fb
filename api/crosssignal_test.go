package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"verrijk/api"
	"verrijk/pipeline/entity"
)

type crossNote struct {
	AlsoIn     []string `json:"also_in"`
	OtherTeams []struct {
		Team  string `json:"team"`
		Count int    `json:"count"`
	} `json:"other_teams"`
}

func crossOf(t *testing.T, raw any) crossNote {
	t.Helper()
	b, _ := json.Marshal(raw.(map[string]any)["cross_signals"])
	var c crossNote
	if err := json.Unmarshal(b, &c); err != nil || c.AlsoIn == nil || c.OtherTeams == nil {
		t.Fatalf("cross_signals = %s (%v); want also_in and other_teams lists", b, err)
	}
	return c
}

// TestCrossSignals: an address linked to signals of two teams and one
// without a team shows, to each team, its own other signals by id and the
// rest as a count per team; links under another purpose are not counted.
func TestCrossSignals(t *testing.T) {
	f := newFixture(t)
	noord1, noord2 := f.signalAs(api.RoleAnalyst, "noord 1"), f.signalAs(api.RoleAnalyst, "noord 2")
	zuid1, zuid2 := f.signalAs(zuidAnalyst, "zuid 1"), f.signalAs(zuidAnalyst, "zuid 2")
	zuid3 := f.signalAs(zuidAnalyst, "zuid 3")
	none := f.signalAs(noTeamAnalyst, "zonder team")
	addr := f.storeEntity(fixtureEntity(entity.SchemaAddress, "a", "Hizzaarderlaan 3A, 8823SJ Lollum",
		map[string][]string{"full": {"Hizzaarderlaan 3A, 8823SJ Lollum"}}), onderzoek, noord1, noord2, zuid1, zuid2, none)
	f.storeEntity(addr, alleenKvK, zuid3) // another purpose: not counted
	alone := f.storeEntity(fixtureEntity(entity.SchemaCompany, "c", "Alleen Noord BV", map[string][]string{"name": {"Alleen Noord BV"}}),
		onderzoek, noord1)

	out := f.call(api.RoleAnalyst, "GET", "/api/v1/signals/"+noord1+"/entities?purpose_id="+onderzoek, nil, http.StatusOK)
	byID := map[string]any{}
	for _, raw := range list(t, out, "entities") {
		byID[raw.(map[string]any)["id"].(string)] = raw
	}
	c := crossOf(t, byID[addr.ID])
	if !slices.Equal(c.AlsoIn, []string{noord2}) {
		t.Errorf("also_in in the list of %s = %v, want the team's other signal %s", noord1, c.AlsoIn, noord2)
	}
	if len(c.OtherTeams) != 2 || c.OtherTeams[0].Team != zuidTeam || c.OtherTeams[0].Count != 2 ||
		c.OtherTeams[1].Team != "" || c.OtherTeams[1].Count != 1 {
		t.Errorf("other_teams = %+v, want team-zuid 2 then no team 1", c.OtherTeams)
	}
	if c := crossOf(t, byID[alone.ID]); len(c.AlsoIn) != 0 || len(c.OtherTeams) != 0 {
		t.Errorf("an entity of one signal has cross signals %+v", c)
	}

	// The entity itself: all of the team's signals by id.
	got := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+addr.ID+"?purpose_id="+onderzoek, nil, http.StatusOK)
	if c := crossOf(t, got); !slices.Equal(sorted(c.AlsoIn...), sorted(noord1, noord2)) || len(c.OtherTeams) != 2 {
		t.Errorf("GET entity cross_signals = %+v", c)
	}
	// The other team sees the mirror image, and never noord's signal ids.
	r := f.do(zuidAnalyst, "GET", "/api/v1/entities/"+addr.ID+"?purpose_id="+onderzoek, nil)
	if r.status != http.StatusOK {
		t.Fatalf("zuid reads the address: %d %s", r.status, r.body)
	}
	var zuid map[string]any
	_ = json.Unmarshal(r.body, &zuid)
	c = crossOf(t, zuid)
	if !slices.Equal(sorted(c.AlsoIn...), sorted(zuid1, zuid2)) || c.OtherTeams[0].Team != analystTeam || c.OtherTeams[0].Count != 2 {
		t.Errorf("zuid's cross_signals = %+v", c)
	}
	for _, id := range []string{noord1, noord2, none} {
		if bytes.Contains(r.body, []byte(id)) {
			t.Errorf("zuid's answer names signal %s of another team", id)
		}
	}
}
