package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/audit"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/store"
)

// TestPersonCandidatesAreDecidedByTheAnalyst: two people named Jan de Vries
// stay two; the person page shows the other as a candidate with the
// evidence, and the analyst's decision (with a reason) is recorded,
// audited and can be taken back.
func TestPersonCandidatesAreDecidedByTheAnalyst(t *testing.T) {
	f := newFixture(t)
	a, b := f.seedNamesakes(t)
	br := f.browser(t)
	br.login("analyst")
	br.choosePurpose(purposeOnderzoek)

	page := br.get("/entiteiten/" + a.ID)
	if page.status != http.StatusOK {
		t.Fatalf("person page = %d", page.status)
	}
	mustContain(t, "person page", page.body, `data-testid="kandidaten"`, "Mogelijk dezelfde persoon",
		"/entiteiten/"+b.ID, "1988-03-04", "Dezelfde persoon", "Andere persoon", `name="reason"`)

	// A decision needs a reason.
	p := br.post("/entiteiten/"+a.ID+"/kandidaten", url.Values{"other_id": {b.ID}, "decision": {"same"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("decision without reason = %d", p.status)
	}
	mustContain(t, "page after a decision without reason", br.get("/entiteiten/"+a.ID).body, "Geef een reden op")
	if ds, _ := f.store.MatchDecisions(context.Background(), a.ID); len(ds) != 0 {
		t.Fatalf("a decision without reason was stored: %+v", ds)
	}

	p = br.post("/entiteiten/"+a.ID+"/kandidaten", url.Values{"other_id": {b.ID}, "decision": {"different"},
		"reason": {"andere geboortedatum"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("decision = %d %s", p.status, p.body)
	}
	page = br.get("/entiteiten/" + a.ID)
	mustContain(t, "page after the decision", page.body, "verschillende personen", "Andere persoon — andere geboortedatum",
		"Beslissing intrekken")
	if len(f.auditOf(t, audit.ActionMatchDecided)) != 1 {
		t.Error("the decision was not audited")
	}

	p = br.post("/entiteiten/"+a.ID+"/kandidaten/"+b.ID+"/intrekken", url.Values{})
	if p.status != http.StatusSeeOther {
		t.Fatalf("reverse = %d %s", p.status, p.body)
	}
	mustContain(t, "page after taking it back", br.get("/entiteiten/"+a.ID).body, "Beslissing ingetrokken", "Dezelfde persoon")
	if ds, _ := f.store.MatchDecisions(context.Background(), a.ID); len(ds) != 0 {
		t.Errorf("decision still stored after reversal: %+v", ds)
	}
	if len(f.auditOf(t, audit.ActionMatchReversed)) != 1 {
		t.Error("the reversal was not audited")
	}
}

// seedNamesakes stores two people named Jan de Vries, born apart, in one
// signal, and remembers them for resolution.
func (f *fixture) seedNamesakes(t *testing.T) (a, b entity.Entity) {
	t.Helper()
	person := func(born string) entity.Entity {
		e := entity.Entity{ID: entity.MakeID("Person", "test", "jan-"+born), Schema: "Person", Caption: "Jan de Vries"}
		e.Add("name", "Jan de Vries")
		e.Add("birthDate", born)
		e.Provenance = []entity.Provenance{{Source: "kvk", URL: "https://kvk.invalid/" + born, Properties: []string{"name"}}}
		return e
	}
	a, b = person("1970-01-02"), person("1988-03-04")
	f.seedSignal(t, "Twee naamgenoten", []entity.Entity{a, b})
	for _, e := range []entity.Entity{a, b} {
		stored, err := f.store.GetEntity(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := resolve.Remember(context.Background(), f.store, stored); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

// TestSearchShowsConfirmedSamePerson: once an analyst confirms two
// namesakes are one person, a search lists each with a link to the other;
// taken back, the note goes.
func TestSearchShowsConfirmedSamePerson(t *testing.T) {
	f := newFixture(t)
	a, b := f.seedNamesakes(t)
	br := f.browser(t)
	br.login("analyst")
	br.choosePurpose(purposeOnderzoek)
	if page := br.get("/zoeken?q=vries").body; strings.Contains(page, "zelfde-persoon") {
		t.Errorf("search shows a same-person note before any decision")
	}
	p := br.post("/entiteiten/"+a.ID+"/kandidaten", url.Values{"other_id": {b.ID}, "decision": {"same"},
		"reason": {"zelfde BSN in het dossier"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("decision = %d %s", p.status, p.body)
	}
	mustContain(t, "search after 'same'", br.get("/zoeken?q=vries").body, `data-testid="zelfde-persoon"`,
		"bevestigd als dezelfde persoon", `href="/entiteiten/`+b.ID+`">vermelding 1`, `href="/entiteiten/`+a.ID+`">vermelding 1`)
	if p = br.post("/entiteiten/"+a.ID+"/kandidaten/"+b.ID+"/intrekken", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("reverse = %d %s", p.status, p.body)
	}
	if page := br.get("/zoeken?q=vries").body; strings.Contains(page, "zelfde-persoon") {
		t.Errorf("search still shows the reversed decision")
	}
}

func (f *fixture) auditOf(t *testing.T, action string) []store.AuditEntry {
	t.Helper()
	entries, err := f.store.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
