package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"verrijk/api"
)

func validPurpose() map[string]any {
	return map[string]any{"id": "bibob-2024", "name": "Bibob-onderzoek", "legal_basis": "Wet Bibob art. 7",
		"processing_activity": "bibob-toets", "retention": "P2Y", "allowed_sources": []string{"kvk", "bag"}}
}

func TestListAndGetPurposes(t *testing.T) {
	f := newFixture(t)
	for _, role := range api.Roles {
		out := f.call(role, "GET", "/api/v1/purposes", nil, http.StatusOK)
		var got []string
		for _, raw := range list(t, out, "purposes") {
			got = append(got, raw.(map[string]any)["id"].(string))
		}
		slices.Sort(got)
		if want := sorted(onderzoek, alleenKvK, alleenRDW); !slices.Equal(got, want) {
			t.Errorf("purposes as %s = %v, want %v", role, got, want)
		}
	}
	out := f.call(api.RoleAuditor, "GET", "/api/v1/purposes/"+onderzoek, nil, http.StatusOK)
	if out["legal_basis"] != "Gemeentewet art. 125" || out["retention"] != "P1Y" || len(list(t, out, "allowed_sources")) != 3 {
		t.Errorf("purpose = %v", out)
	}
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/purposes/geen-doel", nil), http.StatusNotFound, "not_found", "purpose")
}

func TestCreatePurpose(t *testing.T) {
	f := newFixture(t)
	out := f.call(api.RoleAdmin, "POST", "/api/v1/purposes", validPurpose(), http.StatusCreated)
	for k, v := range validPurpose() {
		if k == "allowed_sources" {
			continue
		}
		if out[k] != v {
			t.Errorf("%s = %v, want %v", k, out[k], v)
		}
	}
	if got := list(t, out, "allowed_sources"); len(got) != 2 {
		t.Errorf("allowed_sources = %v", got)
	}
	f.call(api.RoleAnalyst, "GET", "/api/v1/purposes/bibob-2024", nil, http.StatusOK)
	e := f.lastAudit("purpose.created")
	if e.ObjectID != "bibob-2024" || e.ActorUser != adminUser || e.ActorRole != api.RoleAdmin ||
		!strings.Contains(e.Detail, "P2Y") || !strings.Contains(e.Detail, "Wet Bibob") {
		t.Errorf("audit entry = %+v", e)
	}

	// The purpose can be used at once.
	sig := f.createSignal("nieuw doel")
	f.addSubject(sig, "kvk", "68750110")
	f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": "bibob-2024", "justification": justification}, http.StatusAccepted)

	dup := validPurpose()
	dup["name"] = "Iets anders"
	wantError(t, f.do(api.RoleAdmin, "POST", "/api/v1/purposes", dup), http.StatusConflict, "conflict", "bibob-2024")
	if n := len(f.auditEntries("purpose.created")); n != 1 {
		t.Errorf("%d purpose.created entries, want 1", n)
	}
	got := f.call(api.RoleAdmin, "GET", "/api/v1/purposes/bibob-2024", nil, http.StatusOK)
	if got["name"] != "Bibob-onderzoek" {
		t.Errorf("duplicate overwrote the purpose: %v", got)
	}
}

func TestInvalidPurpose(t *testing.T) {
	f := newFixture(t)
	with := func(key string, value any) map[string]any {
		p := validPurpose()
		if value == nil {
			delete(p, key)
		} else {
			p[key] = value
		}
		return p
	}
	cases := []struct {
		name      string
		body      map[string]any
		fragments []string
	}{
		{"upper-case id", with("id", "Bibob"), []string{"id must be"}},
		{"id with space", with("id", "bibob 2024"), []string{"id must be"}},
		{"one-letter id", with("id", "b"), []string{"id must be"}},
		{"id starting with -", with("id", "-bibob"), []string{"id must be"}},
		{"no id", with("id", nil), []string{"id must be"}},
		{"no name", with("name", nil), []string{"name is required"}},
		{"blank name", with("name", "   "), []string{"name is required"}},
		{"no legal basis", with("legal_basis", nil), []string{"legal_basis is required"}},
		{"retention in words", with("retention", "1 year"), []string{"retention", "ISO 8601"}},
		{"no retention", with("retention", nil), []string{"retention"}},
		{"negative retention", with("retention", "-P1Y"), []string{"retention"}},
		{"unknown source", with("allowed_sources", []string{"kvk", "nope"}), []string{"unknown source nope", "bag, kvk, rdw"}},
		{"no sources", with("allowed_sources", []string{}), []string{"allowed_sources must name"}},
		{"everything wrong", map[string]any{"id": "X", "retention": "1 year", "allowed_sources": []string{"nope"}},
			[]string{"id must be", "name is required", "legal_basis is required", "retention", "unknown source nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, f.do(api.RoleAdmin, "POST", "/api/v1/purposes", c.body), http.StatusBadRequest, "invalid_purpose", c.fragments...)
		})
	}
	wantError(t, f.do(api.RoleAdmin, "POST", "/api/v1/purposes", with("owner", "x")), http.StatusBadRequest, "bad_request", `"owner"`)
	out := f.call(api.RoleAdmin, "GET", "/api/v1/purposes", nil, http.StatusOK)
	if n := len(list(t, out, "purposes")); n != 3 {
		t.Errorf("%d purposes after invalid requests, want the 3 seeded", n)
	}
	if n := len(f.auditEntries("purpose.created")); n != 0 {
		t.Errorf("%d purpose.created entries for invalid purposes", n)
	}
}

func TestUpdatePurpose(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"name": "Alleen KvK, langer", "legal_basis": "Wet Bibob art. 9",
		"processing_activity": "bibob-toets", "retention": "P90D", "allowed_sources": []string{"kvk", "bag"}}
	out := f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/"+alleenKvK, body, http.StatusOK)
	if out["id"] != alleenKvK || out["retention"] != "P90D" || out["name"] != "Alleen KvK, langer" || len(list(t, out, "allowed_sources")) != 2 {
		t.Errorf("updated purpose = %v", out)
	}
	got := f.call(api.RoleAnalyst, "GET", "/api/v1/purposes/"+alleenKvK, nil, http.StatusOK)
	if got["legal_basis"] != "Wet Bibob art. 9" || got["retention"] != "P90D" {
		t.Errorf("stored purpose = %v", got)
	}
	e := f.lastAudit("purpose.changed")
	if e.ObjectID != alleenKvK || e.ActorUser != adminUser || !strings.Contains(e.Detail, "P90D") || !strings.Contains(e.Detail, "kvk,bag") {
		t.Errorf("audit entry = %+v", e)
	}

	// The body may repeat the path's id, but not name another.
	body["id"] = alleenKvK
	f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/"+alleenKvK, body, http.StatusOK)
	body["id"] = onderzoek
	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/"+alleenKvK, body), http.StatusBadRequest, "bad_request", "differs")
	delete(body, "id")

	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/geen-doel", body), http.StatusNotFound, "not_found", "geen-doel")
	bad := map[string]any{"name": "x", "legal_basis": "y", "retention": "1 year", "allowed_sources": []string{"kvk"}}
	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/"+alleenKvK, bad), http.StatusBadRequest, "invalid_purpose", "retention")
	if n := len(f.auditEntries("purpose.changed")); n != 2 {
		t.Errorf("%d purpose.changed entries, want 2", n)
	}
	got = f.call(api.RoleAnalyst, "GET", "/api/v1/purposes/"+alleenKvK, nil, http.StatusOK)
	if got["retention"] != "P90D" {
		t.Errorf("refused update changed the purpose: %v", got)
	}
}
