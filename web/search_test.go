package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

// TestSearchShowsAllOfTheTeam: without typing anything the analyst can list
// everything the team's signals hold, newest first, with the facets to
// narrow it down; the filters keep that listing.
func TestSearchShowsAllOfTheTeam(t *testing.T) {
	f := newFixture(t)
	seen := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	company := func(id, name string, lastSeen time.Time) entity.Entity {
		e := entity.Entity{ID: entity.MakeID(entity.SchemaCompany, "test", id), Schema: entity.SchemaCompany, Caption: name,
			FirstSeen: lastSeen, LastSeen: lastSeen}
		e.Add("name", name)
		e.Provenance = []entity.Provenance{{Source: "kvk", URL: "https://kvk.invalid/" + id, FetchedAt: lastSeen, Properties: []string{"name"}}}
		return e
	}
	f.seedSignal(t, "Drie bedrijven", []entity.Entity{
		company("oud", "Oude Handel BV", seen),
		company("nieuw", "Nieuwe Handel BV", seen.AddDate(0, 2, 0)),
		company("midden", "Midden Handel BV", seen.AddDate(0, 1, 0)),
	})
	b := f.browser(t)
	b.login("analyst")
	b.choosePurpose(purposeOnderzoek)

	start := b.get("/zoeken")
	mustContain(t, "empty search page", start.body, `data-testid="alles-tonen"`, `href="/zoeken?alles=1&amp;sortering=date"`)
	all := b.get("/zoeken?alles=1&sortering=date")
	if all.status != http.StatusOK {
		t.Fatalf("listing everything = %d", all.status)
	}
	mustContain(t, "everything", all.body, "3 treffers", `name="alles" value="1"`, "Soort")
	newest, middle, oldest := strings.Index(all.body, "Nieuwe Handel"), strings.Index(all.body, "Midden Handel"), strings.Index(all.body, "Oude Handel")
	if newest < 0 || !(newest < middle && middle < oldest) {
		t.Errorf("not newest first: positions %d %d %d", newest, middle, oldest)
	}
	if strings.Contains(all.body, `data-testid="alles-tonen"`) {
		t.Error("the listing offers itself again")
	}
	// A date filter narrows the listing.
	mustContain(t, "everything seen from mid-April", b.get("/zoeken?alles=1&van=2025-04-15").body, "1 treffer", "Nieuwe Handel")
}
