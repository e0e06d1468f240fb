package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/pipeline/entity"
)

type namesakes struct {
	signal, zuidSignal string
	jan, janToo        entity.Entity // same name, team-noord
	janZuid            entity.Entity // same name, only team-zuid
	piet               entity.Entity // another name
	company            entity.Entity
}

func seedNamesakes(f *fixture) namesakes {
	n := namesakes{signal: f.signalAs(api.RoleAnalyst, "personen"), zuidSignal: f.signalAs(zuidAnalyst, "zuid")}
	home := f.storeEntity(fixtureEntity(entity.SchemaAddress, "home", "Dorpsstraat 1, 1234AB Dorp",
		map[string][]string{"full": {"Dorpsstraat 1, 1234AB Dorp"}}), onderzoek, n.signal)
	n.jan = f.storeEntity(fixtureEntity(entity.SchemaPerson, "jan1", "Jan de Vries", map[string][]string{
		"name": {"Jan de Vries"}, "birthDate": {"1970-03-01"}, "addressEntity": {home.ID}}), onderzoek, n.signal)
	n.janToo = f.storeEntity(fixtureEntity(entity.SchemaPerson, "jan2", "de Vries, Jan", map[string][]string{
		"name": {"de Vries, Jan"}, "birthDate": {"1985-11-20"}, "address": {"Kerkstraat 2, Stad"}}), onderzoek, n.signal)
	n.janZuid = f.storeEntity(fixtureEntity(entity.SchemaPerson, "jan3", "J. de Vries", map[string][]string{
		"name": {"Jan de Vries"}, "birthDate": {"1999-09-09"}}), onderzoek, n.zuidSignal)
	n.piet = f.storeEntity(fixtureEntity(entity.SchemaPerson, "piet", "Piet Jansen", map[string][]string{"name": {"Piet Jansen"}}),
		onderzoek, n.signal)
	n.company = f.storeEntity(fixtureEntity(entity.SchemaCompany, "c", "De Vries BV", map[string][]string{"name": {"Jan de Vries"}}),
		onderzoek, n.signal)
	return n
}

func TestPersonCandidates(t *testing.T) {
	f := newFixture(t)
	n := seedNamesakes(f)
	path := "/api/v1/entities/" + n.jan.ID + "/candidates?purpose_id=" + onderzoek

	out := f.call(api.RoleAnalyst, "GET", path, nil, http.StatusOK)
	items := list(t, out, "candidates")
	if len(items) != 1 {
		t.Fatalf("candidates = %v, want only the namesake of the team", items)
	}
	c := items[0].(map[string]any)
	if c["entity"].(map[string]any)["id"] != n.janToo.ID || c["decision"] != nil {
		t.Errorf("candidate = %v", c)
	}
	ev := c["evidence"].(map[string]any)
	if !slices.Equal(stringList(ev["birth_dates"]), []string{"1985-11-20"}) || !slices.Equal(stringList(ev["addresses"]), []string{"Kerkstraat 2, Stad"}) ||
		!slices.Equal(stringList(ev["sources"]), []string{"test"}) {
		t.Errorf("candidate evidence = %v", ev)
	}
	own := out["evidence"].(map[string]any)
	if !slices.Equal(stringList(own["addresses"]), []string{"Dorpsstraat 1, 1234AB Dorp"}) || !slices.Equal(stringList(own["birth_dates"]), []string{"1970-03-01"}) {
		t.Errorf("the person's own evidence = %v", own)
	}
	others := list(t, out, "other_teams")
	if len(others) != 1 || others[0].(map[string]any)["team"] != zuidTeam || others[0].(map[string]any)["count"] != 1.0 {
		t.Errorf("other_teams = %v, want one namesake of team-zuid, counted", others)
	}
	r := f.do(api.RoleAnalyst, "GET", path, nil)
	if bytes.Contains(r.body, []byte(n.janZuid.ID)) || bytes.Contains(r.body, []byte("1999-09-09")) {
		t.Errorf("the other team's namesake leaks: %s", r.body)
	}
	if e := f.lastAudit("entity.read"); e.ObjectID != n.jan.ID || !strings.Contains(e.Detail, n.janToo.ID) {
		t.Errorf("audit entry = %+v", e)
	}

	// Refusals.
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.company.ID+"/candidates?purpose_id="+onderzoek, nil), 400, "bad_request", "Person")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.jan.ID+"/candidates?purpose_id="+alleenKvK, nil), 404, "not_found")
	wantError(t, f.do(zuidAnalyst, "GET", path, nil), 403, "forbidden")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.jan.ID+"/candidates", nil), 422, "purpose_required")
	wantError(t, f.do("admin", "GET", path, nil), 403, "forbidden")
}

func stringList(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestPersonDecisions(t *testing.T) {
	f := newFixture(t)
	n := seedNamesakes(f)
	base := "/api/v1/entities/" + n.jan.ID + "/candidates"
	q := "?purpose_id=" + onderzoek
	decide := func(token, other, decision, reason string) response {
		return f.do(token, "POST", base+q, map[string]string{"other_id": other, "decision": decision, "reason": reason})
	}

	// Bad requests are refused before anything is looked at.
	wantError(t, decide(api.RoleAnalyst, n.janToo.ID, "maybe", "x"), 400, "bad_request", "decision")
	wantError(t, decide(api.RoleAnalyst, n.janToo.ID, "same", " "), 400, "bad_request", "reason")
	wantError(t, decide(api.RoleAnalyst, n.jan.ID, "same", "x"), 400, "bad_request", "other_id")
	wantError(t, f.do(api.RoleAnalyst, "POST", base+q, `{"other_id":"x","decision":"same","reason":"r","extra":1}`), 400, "bad_request")
	wantError(t, f.do(api.RoleAnalyst, "POST", base, map[string]string{"other_id": n.janToo.ID, "decision": "same", "reason": "r"}), 422, "purpose_required")
	// Not a namesake, another team's person, a company.
	wantError(t, decide(api.RoleAnalyst, n.piet.ID, "same", "zelfde adres"), 422, "not_a_candidate")
	wantError(t, decide(api.RoleAnalyst, n.janZuid.ID, "same", "zelfde adres"), 403, "forbidden")
	wantError(t, decide(api.RoleAnalyst, n.company.ID, "same", "zelfde adres"), 400, "bad_request", "Person")
	if len(f.auditEntries("entity.match_decided")) != 0 {
		t.Fatal("a refused decision was logged as made")
	}

	// "same": one profile in GET /entities/{id}, both ways; the stored
	// entities stay apart.
	r := decide(api.RoleCoordinator, n.janToo.ID, "same", "zelfde BSN in het dossier")
	if r.status != http.StatusCreated {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	if e := f.lastAudit("entity.match_decided"); e.ActorUser != coordinatorUser || e.ObjectID != n.jan.ID ||
		!strings.Contains(e.Detail, "same "+n.janToo.ID) || e.PurposeID != onderzoek {
		t.Errorf("decision audited as %+v", e)
	}
	got := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.jan.ID+q, nil, http.StatusOK)
	if !slices.Equal(stringList(got["same_as"]), []string{n.janToo.ID}) {
		t.Errorf("same_as = %v", got["same_as"])
	}
	props := got["properties"].(map[string]any)
	if !slices.Equal(sorted(stringList(props["birthDate"])...), []string{"1970-03-01", "1985-11-20"}) || len(list(t, got, "provenance")) != 2 {
		t.Errorf("merged profile = %v", got)
	}
	if e := f.lastAudit("entity.read"); !strings.Contains(e.Detail, n.janToo.ID) {
		t.Errorf("merged read audited as %+v", e)
	}
	other := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.janToo.ID+q, nil, http.StatusOK)
	if !slices.Equal(stringList(other["same_as"]), []string{n.jan.ID}) || other["id"] != n.janToo.ID {
		t.Errorf("the other person's view = %v", other)
	}
	stored, err := f.store.GetEntity(t.Context(), n.jan.ID)
	if err != nil || len(stored.Properties["birthDate"]) != 1 {
		t.Errorf("the stored person was changed: %v, %v", stored.Properties, err)
	}
	// The other team sees none of it: its namesake is not merged with ours.
	zuid := f.call(zuidAnalyst, "GET", "/api/v1/entities/"+n.janZuid.ID+q, nil, http.StatusOK)
	if zuid["same_as"] != nil {
		t.Errorf("zuid's person has same_as %v", zuid["same_as"])
	}
	cands := f.call(api.RoleAnalyst, "GET", base+q, nil, http.StatusOK)
	if d := list(t, cands, "candidates")[0].(map[string]any)["decision"].(map[string]any); d["decision"] != "same" ||
		d["decided_by"] != coordinatorUser || d["other_id"] != n.janToo.ID {
		t.Errorf("candidate decision = %v", d)
	}

	// Reversal: audited, the profiles are apart again, a second one is 404.
	rev := f.call(api.RoleAnalyst, "DELETE", base+"/"+n.janToo.ID+q, nil, http.StatusOK)
	if rev["decision"] != "same" || rev["reason"] != "zelfde BSN in het dossier" {
		t.Errorf("reversal answer = %v", rev)
	}
	if e := f.lastAudit("entity.match_reversed"); e.ActorUser != analystUser || !strings.Contains(e.Detail, n.janToo.ID) {
		t.Errorf("reversal audited as %+v", e)
	}
	if got := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.jan.ID+q, nil, http.StatusOK); got["same_as"] != nil {
		t.Errorf("same_as after reversal = %v", got["same_as"])
	}
	wantError(t, f.do(api.RoleAnalyst, "DELETE", base+"/"+n.janToo.ID+q, nil), 404, "not_found")
	if n := len(f.auditEntries("entity.match_reversed")); n != 1 {
		t.Errorf("%d reversals logged, want 1", n)
	}
	wantError(t, f.do(zuidAnalyst, "DELETE", "/api/v1/entities/"+n.janZuid.ID+"/candidates/"+n.jan.ID+q, nil), 403, "forbidden")

	// "different" is recorded and shown, and merges nothing.
	if r := decide(api.RoleAnalyst, n.janToo.ID, "different", "andere geboortedatum"); r.status != http.StatusCreated {
		t.Fatalf("different: %d %s", r.status, r.body)
	}
	if got := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.jan.ID+q, nil, http.StatusOK); got["same_as"] != nil {
		t.Errorf("a 'different' decision merged: %v", got["same_as"])
	}
}

// TestSearchShowsSameAs: a search hit of a person confirmed to be the same
// as others lists those the caller may see; another team finding one of
// them learns nothing of the rest.
func TestSearchShowsSameAs(t *testing.T) {
	f := newFixture(t)
	n := seedNamesakes(f)
	q := "?purpose_id=" + onderzoek
	if r := f.do(api.RoleAnalyst, "POST", "/api/v1/entities/"+n.jan.ID+"/candidates"+q,
		map[string]string{"other_id": n.janToo.ID, "decision": "same", "reason": "zelfde BSN in het dossier"}); r.status != http.StatusCreated {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	// Team zuid comes across janToo as well, not jan.
	if err := f.store.Link(t.Context(), entity.Link{SignalID: n.zuidSignal, EntityID: n.janToo.ID, PurposeID: onderzoek,
		JobID: "job-zuid", ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{n.jan.ID, n.janToo.ID, n.janZuid.ID, n.company.ID} {
		e, err := f.store.GetEntity(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.index.Upsert(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	sameAs := func(token string) map[string][]string {
		t.Helper()
		out := map[string][]string{}
		for _, raw := range list(t, f.call(token, "GET", "/api/v1/search"+q+"&q=vries", nil, http.StatusOK), "hits") {
			h := raw.(map[string]any)
			out[h["id"].(string)] = nil
			if v, ok := h["same_as"]; ok {
				out[h["id"].(string)] = stringList(v)
			}
		}
		return out
	}
	noord := sameAs(api.RoleAnalyst)
	if !slices.Equal(noord[n.jan.ID], []string{n.janToo.ID}) || !slices.Equal(noord[n.janToo.ID], []string{n.jan.ID}) ||
		noord[n.company.ID] != nil || len(noord) != 3 {
		t.Errorf("team noord's hits and same_as: %v", noord)
	}
	zuid := sameAs(zuidAnalyst)
	if _, found := zuid[n.janToo.ID]; !found || zuid[n.janToo.ID] != nil || zuid[n.janZuid.ID] != nil || len(zuid) != 2 {
		t.Errorf("team zuid's hits and same_as: %v, want janToo and janZuid without same_as", zuid)
	}
	if r := f.do(zuidAnalyst, "GET", "/api/v1/search"+q+"&q=vries", nil); bytes.Contains(r.body, []byte(n.jan.ID)) {
		t.Errorf("team zuid's search names team noord's person: %s", r.body)
	}
}
