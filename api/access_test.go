package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// wantDenied checks that the newest access.denied entry names the object
// and the caller, and that n denials were logged since before.
func wantDenied(t *testing.T, f *fixture, before, n int, user, objectType, objectID string) {
	t.Helper()
	entries := f.auditEntries("access.denied")
	if got := len(entries) - before; got != n {
		t.Fatalf("%d access.denied entries written, want %d", got, n)
	}
	e := entries[len(entries)-1]
	if e.ActorUser != user || e.Result != "denied" || e.ObjectType != objectType || e.ObjectID != objectID {
		t.Errorf("denial audited as %+v, want %s on %s %s", e, user, objectType, objectID)
	}
}

// TestOtherTeamSignalForbidden sends every signal-scoped route, for a
// signal of team-noord, as an analyst of another team and as one without
// a team: each is 403 and audited, nothing changes. Colleagues of the team
// (the coordinator) get through.
func TestOtherTeamSignalForbidden(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("noord")
	f.addSubject(sig, "kvk", "68750110")
	job := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": justification}, http.StatusAccepted)["job_id"].(string)

	routes := []struct {
		method, path string
		body         any
		objectType   string
		objectID     string
	}{
		{"GET", "/api/v1/signals/" + sig, nil, "signal", sig},
		{"POST", "/api/v1/signals/" + sig + "/subjects", map[string]string{"type": "kvk", "value": "69599068"}, "signal", sig},
		{"POST", "/api/v1/signals/" + sig + "/enrichments", map[string]any{"purpose_id": onderzoek, "justification": justification}, "signal", sig},
		{"GET", "/api/v1/signals/" + sig + "/entities?purpose_id=" + onderzoek, nil, "signal", sig},
		{"GET", "/api/v1/jobs/" + job, nil, "job", job},
		{"GET", "/api/v1/jobs/" + job + "/events", nil, "job", job},
		{"GET", "/api/v1/search?purpose_id=" + onderzoek + "&signal_id=" + sig, nil, "signal", sig},
	}
	for _, caller := range []struct{ token, user string }{{zuidAnalyst, zuidUser}, {noTeamAnalyst, noTeamUser}} {
		for _, rt := range routes {
			before := len(f.auditEntries("access.denied"))
			r := f.do(caller.token, rt.method, rt.path, rt.body)
			wantError(t, r, http.StatusForbidden, "forbidden", "another team")
			wantDenied(t, f, before, 1, caller.user, rt.objectType, rt.objectID)
		}
	}
	got := f.call(api.RoleCoordinator, "GET", "/api/v1/signals/"+sig, nil, http.StatusOK)
	if n := len(list(t, got, "subjects")); n != 1 {
		t.Errorf("signal has %d subjects after refused additions, want 1", n)
	}
	if n := len(list(t, got, "jobs")); n != 1 {
		t.Errorf("signal has %d jobs after refused enrichments, want 1", n)
	}
	f.call(api.RoleCoordinator, "GET", "/api/v1/jobs/"+job, nil, http.StatusOK)
	if n := len(f.enqueueCalls()); n != 1 {
		t.Errorf("%d enqueue calls, want only the team's own", n)
	}
	// An unknown signal stays a 404, not a denial.
	wantError(t, f.do(zuidAnalyst, "GET", "/api/v1/signals/geen-signaal", nil), http.StatusNotFound, "not_found")
}

// A token without a team works only on signals without a team (the
// embedded single-user setup), and a team member does not see those.
func TestNoTeamSignals(t *testing.T) {
	f := newFixture(t)
	out := f.call(noTeamAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "zonder team"}, http.StatusCreated)
	sig := out["id"].(string)
	if out["team"] != "" {
		t.Errorf("team = %v, want none", out["team"])
	}
	f.call(noTeamAnalyst, "GET", "/api/v1/signals/"+sig, nil, http.StatusOK)
	f.call(noTeamAnalyst, "POST", "/api/v1/signals/"+sig+"/subjects", map[string]string{"type": "kvk", "value": "68750110"}, http.StatusCreated)
	before := len(f.auditEntries("access.denied"))
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/"+sig, nil), http.StatusForbidden, "forbidden", "another team")
	wantDenied(t, f, before, 1, analystUser, "signal", sig)
}

// TestAdminReadsNoData: an admin manages purposes and sources but gets 403
// on every route that reads or creates signals or enriched data, each
// refusal audited.
func TestAdminReadsNoData(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	f.addSubject(s.signal, "kvk", "68750110")
	job := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+s.signal+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": justification}, http.StatusAccepted)["job_id"].(string)
	for _, rt := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/signals", map[string]string{"title": "beheer"}},
		{"GET", "/api/v1/signals/" + s.signal, nil},
		{"POST", "/api/v1/signals/" + s.signal + "/subjects", map[string]string{"type": "kvk", "value": "69599068"}},
		{"POST", "/api/v1/signals/" + s.signal + "/enrichments", map[string]any{"purpose_id": onderzoek, "justification": justification}},
		{"GET", "/api/v1/signals/" + s.signal + "/entities?purpose_id=" + onderzoek, nil},
		{"GET", "/api/v1/jobs/" + job, nil},
		{"GET", "/api/v1/jobs/" + job + "/events", nil},
		{"GET", "/api/v1/entities/" + s.zon + "?purpose_id=" + onderzoek, nil},
		{"GET", "/api/v1/search?q=zon&purpose_id=" + onderzoek, nil},
	} {
		before := len(f.auditEntries("access.denied"))
		wantError(t, f.do(api.RoleAdmin, rt.method, rt.path, rt.body), http.StatusForbidden, "forbidden", "admin")
		wantDenied(t, f, before, 1, adminUser, "route", rt.method+" "+rt.path[:len(rt.path)-len(queryOf(rt.path))])
	}
	if n := len(f.auditEntries("entity.read")) + len(f.auditEntries("search")); n != 0 {
		t.Errorf("%d reads or searches logged for refused requests", n)
	}
	f.call(api.RoleAdmin, "GET", "/api/v1/purposes", nil, http.StatusOK)
	f.call(api.RoleAdmin, "GET", "/api/v1/sources", nil, http.StatusOK)
}

// queryOf returns the "?…" part of a path, "" if none.
func queryOf(path string) string {
	for i, c := range path {
		if c == '?' {
			return path[i:]
		}
	}
	return ""
}

// crossSignals links the seed's entities to signals of other teams: zon
// under onderzoek to a team-zuid signal and a signal without a team, and
// under alleen-kvk to a team-west signal (another purpose: never counted
// under onderzoek). The index is brought up to date.
func crossSignals(f *fixture, s seeded) (zuidSig, noTeamSig string) {
	f.t.Helper()
	ctx := context.Background()
	zuidSig = f.call(zuidAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "zuid"}, http.StatusCreated)["id"].(string)
	noTeamSig = f.call(noTeamAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "geen team"}, http.StatusCreated)["id"].(string)
	west, err := f.store.CreateSignal(ctx, store.Signal{Title: "west", Team: "team-west", CreatedBy: "wim"})
	if err != nil {
		f.t.Fatal(err)
	}
	expires := time.Now().AddDate(1, 0, 0)
	for _, l := range []entity.Link{
		{SignalID: zuidSig, EntityID: s.zon, PurposeID: onderzoek, JobID: "job-zuid", ExpiresAt: expires},
		{SignalID: noTeamSig, EntityID: s.zon, PurposeID: onderzoek, JobID: "job-geen", ExpiresAt: expires},
		{SignalID: west.ID, EntityID: s.zon, PurposeID: alleenKvK, JobID: "job-west", ExpiresAt: expires},
	} {
		if err := f.store.Link(ctx, l); err != nil {
			f.t.Fatal(err)
		}
	}
	stored, err := f.store.GetEntity(ctx, s.zon)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.index.Upsert(ctx, stored); err != nil {
		f.t.Fatal(err)
	}
	return zuidSig, noTeamSig
}

// linkSignals returns the signal ids of an entity's (or hit's) links.
func linkSignals(t *testing.T, e map[string]any) []string {
	t.Helper()
	var ids []string
	for _, raw := range list(t, e, "signals") {
		ids = append(ids, raw.(map[string]any)["signal_id"].(string))
	}
	return ids
}

func wantOthers(t *testing.T, e map[string]any, count int, teams ...string) {
	t.Helper()
	o, ok := e["other_signals"].(map[string]any)
	if !ok {
		t.Fatalf("no other_signals in %v", e)
	}
	got := []string{}
	for _, team := range list(t, o, "teams") {
		got = append(got, team.(string))
	}
	if o["count"] != float64(count) || !slices.Equal(got, teams) || len(o) != 2 {
		t.Errorf("other_signals = %v, want count %d teams %v", o, count, teams)
	}
}

// TestEntityTeamView: an entity shows only the links to the caller's
// team's signals; links under the purpose to other teams' signals are
// counted with their teams, never named; an entity linked only to other
// teams' signals is refused and the refusal audited.
func TestEntityTeamView(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	zuidSig, noTeamSig := crossSignals(f, s)
	path := "/api/v1/entities/" + s.zon + "?purpose_id=" + onderzoek

	noord := f.call(api.RoleAnalyst, "GET", path, nil, http.StatusOK)
	if got := linkSignals(t, noord); !slices.Equal(got, []string{s.signal}) {
		t.Errorf("team-noord sees links to %v, want only %s", got, s.signal)
	}
	wantOthers(t, noord, 2, zuidTeam)
	zuid := f.call(zuidAnalyst, "GET", path, nil, http.StatusOK)
	if got := linkSignals(t, zuid); !slices.Equal(got, []string{zuidSig}) {
		t.Errorf("team-zuid sees links to %v, want only %s", got, zuidSig)
	}
	wantOthers(t, zuid, 2, analystTeam)
	none := f.call(noTeamAnalyst, "GET", path, nil, http.StatusOK)
	if got := linkSignals(t, none); !slices.Equal(got, []string{noTeamSig}) {
		t.Errorf("no team sees links to %v, want only %s", got, noTeamSig)
	}
	wantOthers(t, none, 2, analystTeam, zuidTeam)
	// Under alleen-kvk zon is linked to team-noord and team-west.
	wantOthers(t, f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon+"?purpose_id="+alleenKvK, nil, http.StatusOK),
		1, "team-west")
	// An entity without links to others says so.
	wantOthers(t, f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.evil+"?purpose_id="+onderzoek, nil, http.StatusOK), 0)

	before := len(f.auditEntries("access.denied"))
	reads := len(f.auditEntries("entity.read"))
	wantError(t, f.do(zuidAnalyst, "GET", "/api/v1/entities/"+s.evil+"?purpose_id="+onderzoek, nil),
		http.StatusForbidden, "forbidden", "other teams")
	wantDenied(t, f, before, 1, zuidUser, "entity", s.evil)
	if n := len(f.auditEntries("entity.read")) - reads; n != 0 {
		t.Errorf("refused read logged as %d entity reads", n)
	}
	// A team without any signal sees nothing.
	wantError(t, f.do(leegAnalyst, "GET", path, nil), http.StatusForbidden, "forbidden")

	// The signal's entity list shows the same view.
	list := f.call(zuidAnalyst, "GET", "/api/v1/signals/"+zuidSig+"/entities?purpose_id="+onderzoek, nil, http.StatusOK)
	ents := list["entities"].([]any)
	if len(ents) != 1 {
		t.Fatalf("zuid signal lists %d entities, want zon only", len(ents))
	}
	e := ents[0].(map[string]any)
	if got := linkSignals(t, e); e["id"] != s.zon || !slices.Equal(got, []string{zuidSig}) {
		t.Errorf("zuid signal entity %v links %v", e["id"], got)
	}
	wantOthers(t, e, 2, analystTeam)
}

// TestSearchTeamFilter: search finds only entities linked under the
// purpose to the caller's team's signals, and hits show only those links.
func TestSearchTeamFilter(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	zuidSig, noTeamSig := crossSignals(f, s)
	search := func(token, query string) map[string]any {
		t.Helper()
		return f.call(token, "GET", "/api/v1/search?purpose_id="+onderzoek+query, nil, http.StatusOK)
	}
	cases := []struct {
		token   string
		want    []string
		signals []string
	}{
		{api.RoleAnalyst, sorted(s.zon, s.evil), []string{s.signal}},
		{api.RoleCoordinator, sorted(s.zon, s.evil), []string{s.signal}},
		{zuidAnalyst, []string{s.zon}, []string{zuidSig}},
		{noTeamAnalyst, []string{s.zon}, []string{noTeamSig}},
		{leegAnalyst, nil, nil},
	}
	for _, c := range cases {
		out := search(c.token, "")
		if got := ids(t, out, "hits"); !slices.Equal(got, c.want) {
			t.Errorf("%s finds %v, want %v", c.token, got, c.want)
		}
		if out["total"] != float64(len(c.want)) {
			t.Errorf("%s: total %v, want %d", c.token, out["total"], len(c.want))
		}
		for _, raw := range list(t, out, "hits") {
			if got := linkSignals(t, raw.(map[string]any)); !slices.Equal(got, c.signals) {
				t.Errorf("%s: hit %v shows links to %v, want %v", c.token, raw.(map[string]any)["id"], got, c.signals)
			}
		}
	}
	if got := ids(t, search(zuidAnalyst, "&q=holding"), "hits"); len(got) != 0 {
		t.Errorf("team-zuid finds team-noord's entity: %v", got)
	}
	if got := ids(t, search(zuidAnalyst, "&signal_id="+zuidSig), "hits"); !slices.Equal(got, []string{s.zon}) {
		t.Errorf("team-zuid by its signal finds %v", got)
	}
}

// TestSearchDropsHitsOfPurgedSignals: between a signal's purge and the
// index catching up, the index still finds its entities by the team; the
// answer leaves out what is no longer linked to any of the team's signals.
func TestSearchDropsHitsOfPurgedSignals(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	zuidSig, _ := crossSignals(f, s)
	path := "/api/v1/search?purpose_id=" + onderzoek
	if got := ids(t, f.call(zuidAnalyst, "GET", path, nil, http.StatusOK), "hits"); !slices.Equal(got, []string{s.zon}) {
		t.Fatalf("before the purge team-zuid finds %v", got)
	}
	if _, err := f.store.PurgeSignal(t.Context(), zuidSig); err != nil {
		t.Fatal(err)
	}
	out := f.call(zuidAnalyst, "GET", path, nil, http.StatusOK)
	if got := ids(t, out, "hits"); len(got) != 0 || out["total"] != 0.0 {
		t.Errorf("after the purge team-zuid finds %v (total %v), want nothing", got, out["total"])
	}
	// Team noord's view is untouched.
	if got := ids(t, f.call(api.RoleAnalyst, "GET", path, nil, http.StatusOK), "hits"); !slices.Equal(got, sorted(s.zon, s.evil)) {
		t.Errorf("team-noord finds %v", got)
	}
}
