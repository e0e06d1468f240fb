package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"verrijk/api"
	"verrijk/audit"
)

func TestListSignalsIsTeamBound(t *testing.T) {
	f := newFixture(t)
	mine := []string{f.createSignal("een"), f.createSignal("twee")}
	f.call(zuidAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "zuid"}, http.StatusCreated)

	out := f.call(api.RoleAnalyst, "GET", "/api/v1/signals", nil, http.StatusOK)
	if out["total"] != float64(2) {
		t.Fatalf("total = %v, want 2 (team-noord only)", out["total"])
	}
	var got []string
	for _, raw := range list(t, out, "signals") {
		got = append(got, raw.(map[string]any)["id"].(string))
	}
	if len(got) != 2 || got[0] != mine[1] || got[1] != mine[0] {
		t.Errorf("signals = %v, want newest first %v", got, []string{mine[1], mine[0]})
	}
	first := out["signals"].([]any)[0].(map[string]any)
	if first["status"] != "open" || first["team"] != analystTeam || first["updated_at"] == nil {
		t.Errorf("listed signal = %v", first)
	}
	zuid := f.call(zuidAnalyst, "GET", "/api/v1/signals", nil, http.StatusOK)
	if zuid["total"] != float64(1) {
		t.Errorf("team-zuid sees %v signals, want 1", zuid["total"])
	}
	for q, msg := range map[string]string{"?status=weg": "status", "?page=0": "page", "?page=x": "page"} {
		wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals"+q, nil), http.StatusBadRequest, "bad_request", msg)
	}
}

func TestUpdateSignal(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("oud")
	out := f.call(api.RoleAnalyst, "PATCH", "/api/v1/signals/"+sig,
		map[string]string{"title": "  nieuw  ", "status": "closed"}, http.StatusOK)
	if out["title"] != "nieuw" || out["status"] != "closed" || out["closed_at"] == nil {
		t.Errorf("PATCH = %v", out)
	}
	e := f.lastAudit(audit.ActionSignalChanged)
	if e.ObjectID != sig || e.Detail != "title,status=closed" || e.ActorUser != analystUser {
		t.Errorf("audited as %+v", e)
	}
	closed := f.call(api.RoleAnalyst, "GET", "/api/v1/signals?status=closed", nil, http.StatusOK)
	if got := ids(t, closed, "signals"); len(got) != 1 || got[0] != sig {
		t.Errorf("closed signals = %v", got)
	}
	for msg, body := range map[string]any{
		"title is required": map[string]string{"title": " "},
		"status must be":    map[string]string{"status": "gesloten"},
		"nothing to change": map[string]string{},
	} {
		before := len(f.auditEntries(audit.ActionSignalChanged))
		wantError(t, f.do(api.RoleAnalyst, "PATCH", "/api/v1/signals/"+sig, body), http.StatusBadRequest, "bad_request", msg)
		if len(f.auditEntries(audit.ActionSignalChanged)) != before {
			t.Errorf("%s: a refused edit was audited as a change", msg)
		}
	}
	// Another team's signal: 403, audited, unchanged.
	wantError(t, f.do(zuidAnalyst, "PATCH", "/api/v1/signals/"+sig, map[string]string{"title": "gekaapt"}),
		http.StatusForbidden, "forbidden", "other team")
	if got, _ := f.store.GetSignal(t.Context(), sig); got.Title != "nieuw" {
		t.Errorf("title after refused edit = %q", got.Title)
	}
}

func TestAssignSignal(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("toewijzen")
	out := f.call(api.RoleCoordinator, "PUT", "/api/v1/signals/"+sig+"/assignee", map[string]string{"user": analystUser}, http.StatusOK)
	if out["assignee"] != analystUser {
		t.Errorf("assignee = %v", out["assignee"])
	}
	if e := f.lastAudit(audit.ActionSignalAssigned); e.ObjectID != sig || e.Detail != "assignee="+analystUser {
		t.Errorf("audited as %+v", e)
	}
	mine := f.call(api.RoleAnalyst, "GET", "/api/v1/signals?assignee=me", nil, http.StatusOK)
	if got := ids(t, mine, "signals"); len(got) != 1 || got[0] != sig {
		t.Errorf("assignee=me = %v", got)
	}
	// Only a member of the team with a live token can be assigned.
	for _, user := range []string{zuidUser, "onbekend", auditorUser} {
		r := f.do(api.RoleCoordinator, "PUT", "/api/v1/signals/"+sig+"/assignee", map[string]string{"user": user})
		wantError(t, r, http.StatusBadRequest, "bad_request", user, "not an analyst or coordinator")
	}
	f.call(api.RoleCoordinator, "PUT", "/api/v1/signals/"+sig+"/assignee", map[string]string{"user": ""}, http.StatusOK)
	if got, _ := f.store.GetSignal(t.Context(), sig); got.Assignee != "" {
		t.Errorf("unassigned signal has assignee %q", got.Assignee)
	}
}

func TestTokenAdmin(t *testing.T) {
	f := newFixture(t)
	out := f.call(api.RoleAdmin, "POST", "/api/v1/tokens",
		map[string]string{"user": "bea", "role": "analyst", "team": analystTeam}, http.StatusCreated)
	secret, _ := out["token"].(string)
	id, _ := out["id"].(string)
	if secret == "" || len(id) != 12 {
		t.Fatalf("POST /tokens = %v", out)
	}
	if e := f.lastAudit(audit.ActionTokenCreated); e.ObjectID != "bea" || e.Detail != fmt.Sprintf("id=%s role=analyst team=%s", id, analystTeam) {
		t.Errorf("token.created audited as %+v", e)
	}
	// The new token works, and the list shows it without its secret.
	f.tokens["bea"] = secret
	f.call("bea", "GET", "/api/v1/signals", nil, http.StatusOK)
	list := f.call(api.RoleAdmin, "GET", "/api/v1/tokens", nil, http.StatusOK)
	found := false
	for _, v := range list["tokens"].([]any) {
		tok := v.(map[string]any)
		if tok["id"] == id {
			found = tok["user"] == "bea" && tok["token"] == nil && tok["hash"] == nil
		}
	}
	if !found {
		t.Errorf("token %s not listed properly: %v", id, list)
	}
	for msg, body := range map[string]any{
		"user is required": map[string]string{"role": "analyst"},
		`role "root"`:      map[string]string{"user": "x", "role": "root"},
		"expires_at":       map[string]string{"user": "x", "role": "analyst", "expires_at": "2001-01-01T00:00:00Z"},
	} {
		wantError(t, f.do(api.RoleAdmin, "POST", "/api/v1/tokens", body), http.StatusBadRequest, "bad_request", msg)
	}
	r := f.do(api.RoleAdmin, "DELETE", "/api/v1/tokens/"+id, nil)
	if r.status != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s", r.status, r.body)
	}
	if e := f.lastAudit(audit.ActionTokenRevoked); e.ObjectID != "bea" {
		t.Errorf("token.revoked audited as %+v", e)
	}
	wantError(t, f.do("bea", "GET", "/api/v1/signals", nil), http.StatusUnauthorized, "unauthorized", "revoked")
	wantError(t, f.do(api.RoleAdmin, "DELETE", "/api/v1/tokens/000000000000", nil), http.StatusNotFound, "not_found", "000000000000")
	if _, err := f.store.TokenByHash(t.Context(), api.HashToken(secret)); err == nil {
		t.Error("revoked token still valid in the store")
	}
}
