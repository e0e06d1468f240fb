package api_test

import (
	"net/http"
	"strings"
	"testing"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/index"
)

func TestSubjectReport(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon+"?purpose_id="+onderzoek, nil, http.StatusOK)

	rep := f.call(api.RoleAuditor, "GET", "/api/v1/subjects/report?subject=kvk:68750110", nil, http.StatusOK)
	if rep["identifier"] != "kvk:68750110" || rep["generated_by"] != auditorUser {
		t.Errorf("report header = %v / %v", rep["identifier"], rep["generated_by"])
	}
	if got := ids(t, rep, "entities"); len(got) != 1 || got[0] != s.zon {
		t.Errorf("entities = %v, want Café De Zon", got)
	}
	if got := list(t, rep, "purposes"); len(got) != 2 {
		t.Errorf("purposes = %v, want onderzoek and alleen-kvk", got)
	}
	read := false
	for _, raw := range list(t, rep, "processing_log") {
		e := raw.(map[string]any)
		read = read || (e["action"] == "entity.read" && e["object_id"] == s.zon)
	}
	if !read {
		t.Error("the processing log lacks the analyst's read of the entity")
	}
	// Same identifier as type and value; then as a readable page.
	f.call(api.RoleAuditor, "GET", "/api/v1/subjects/report?type=kvk&value=6875%200110", nil, http.StatusOK)
	r := f.do(api.RoleAuditor, "GET", "/api/v1/subjects/report?subject=kvk:68750110&format=html", nil)
	page := string(r.body)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, "Inzageverslag") || !strings.Contains(page, "Café De Zon") {
		t.Fatalf("html report = %d %s", r.status, r.header.Get("Content-Type"))
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script") {
		t.Errorf("report CSP = %q", csp)
	}
	// Logged with a pseudonym, not the identifier.
	e := f.lastAudit(audit.ActionSubjectReported)
	if e.ActorUser != auditorUser || e.ObjectID == "" || strings.Contains(e.ObjectID+e.Detail, "68750110") ||
		!strings.Contains(e.Detail, s.zon) {
		t.Errorf("report audited as %+v", e)
	}
	for q, want := range map[string][2]string{
		"":                                 {"invalid_subject", "subject=type:value"},
		"?subject=kvk:123":                 {"invalid_subject", "8 digits"},
		"?subject=kvk:68750110&format=pdf": {"bad_request", "format"},
	} {
		wantError(t, f.do(api.RoleAuditor, "GET", "/api/v1/subjects/report"+q, nil), http.StatusBadRequest, want[0], want[1])
	}
}

func TestSubjectErasure(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	for _, body := range []map[string]string{
		{"subject": "kvk:68750110"},
		{"subject": "kvk:1", "reason": "verzoek"},
	} {
		r := f.do(api.RoleAuditor, "POST", "/api/v1/subjects/erasure", body)
		if r.status != http.StatusBadRequest {
			t.Errorf("erasure %v = %d %s, want 400", body, r.status, r.body)
		}
	}
	if _, err := f.store.GetEntity(t.Context(), s.zon); err != nil {
		t.Fatalf("a refused erasure erased: %v", err)
	}
	out := f.call(api.RoleAuditor, "POST", "/api/v1/subjects/erasure",
		map[string]string{"subject": "kvk:68750110", "reason": "AVG-verzoek 2026-031"}, http.StatusOK)
	if got, _ := out["entities"].([]any); len(got) != 1 || got[0] != s.zon {
		t.Errorf("erasure = %v", out)
	}
	if _, err := f.store.GetEntity(t.Context(), s.zon); err == nil {
		t.Error("entity still stored after erasure")
	}
	hits, err := f.index.Search(t.Context(), index.Query{Text: "Zon", PurposeID: onderzoek})
	if err != nil || hits.Total != 0 {
		t.Errorf("index after erasure: %+v, %v", hits, err)
	}
	f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon+"?purpose_id="+onderzoek, nil, http.StatusNotFound)
	e := f.lastAudit(audit.ActionSubjectErased)
	if e.ObjectType != "subject" || e.Justification != "AVG-verzoek 2026-031" || strings.Contains(e.ObjectID+e.Detail, "68750110") {
		t.Errorf("erasure audited as %+v", e)
	}
}

func TestRetentionOverview(t *testing.T) {
	f := newFixture(t)
	seed(f)
	out := f.call(api.RoleAuditor, "GET", "/api/v1/retention", nil, http.StatusOK)
	purposes := list(t, out, "purposes")
	if len(purposes) != 2 {
		t.Fatalf("purposes = %v, want onderzoek and alleen-kvk", purposes)
	}
	first := purposes[0].(map[string]any)
	if first["purpose_id"] != alleenKvK || first["links"] != float64(2) || first["next_expiry"] == nil || first["name"] == "" {
		t.Errorf("overview of %s = %v", alleenKvK, first)
	}
	signals := out["signals"].(map[string]any)
	if signals["signal_period"] != "P2Y" || signals["signals"] != float64(1) || signals["next_purge_at"] == nil {
		t.Errorf("signals = %v", signals)
	}
}
