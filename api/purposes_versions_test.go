package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/store"
)

func TestPurposeVersionsAndRetirement(t *testing.T) {
	f := newFixture(t)
	body := validPurpose()
	body["description"] = "Toets bij vergunningaanvragen"
	body["criminal_offence_data"] = true
	out := f.call(api.RoleAdmin, "POST", "/api/v1/purposes", body, http.StatusCreated)
	if out["version"] != 1.0 || out["active"] != true || out["criminal_offence_data"] != true ||
		out["description"] != "Toets bij vergunningaanvragen" {
		t.Fatalf("created purpose = %v, want version 1, active, criminal data, description", out)
	}

	// Every PUT adds a version; leaving criminal_offence_data out turns it off.
	body = validPurpose()
	body["name"] = "Bibob herzien"
	out = f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", body, http.StatusOK)
	if out["version"] != 2.0 || out["active"] != true || out["criminal_offence_data"] != false || out["description"] != "" {
		t.Errorf("updated purpose = %v, want version 2, active, no criminal data", out)
	}

	body["active"] = false
	out = f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", body, http.StatusOK)
	if out["version"] != 3.0 || out["active"] != false {
		t.Errorf("retired purpose = %v, want version 3, inactive", out)
	}
	if e := f.lastAudit("purpose.changed"); !strings.Contains(e.Detail, "version=3") || !strings.Contains(e.Detail, "active=false") {
		t.Errorf("audit detail of the retirement = %q", e.Detail)
	}

	// A PUT without active keeps it retired: an edit revives nothing.
	delete(body, "active")
	out = f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", body, http.StatusOK)
	if out["version"] != 4.0 || out["active"] != false {
		t.Errorf("edited retired purpose = %v, want version 4, still inactive", out)
	}
	got := f.call(api.RoleAnalyst, "GET", "/api/v1/purposes/bibob-2024", nil, http.StatusOK)
	if got["version"] != 4.0 || got["active"] != false {
		t.Errorf("GET after retirement = %v", got)
	}
	body["active"] = true
	if out = f.call(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", body, http.StatusOK); out["active"] != true || out["version"] != 5.0 {
		t.Errorf("reactivated purpose = %v, want version 5, active", out)
	}

	// A purpose is born active; the version is the store's to count.
	born := validPurpose()
	born["id"], born["active"] = "geboren-gepensioneerd", false
	wantError(t, f.do(api.RoleAdmin, "POST", "/api/v1/purposes", born), http.StatusBadRequest, "invalid_purpose", "PUT")
	withVersion := validPurpose()
	withVersion["version"] = 9
	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", withVersion), http.StatusBadRequest, "bad_request", "version")
	long := validPurpose()
	long["description"] = strings.Repeat("x", 4001)
	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/bibob-2024", long), http.StatusBadRequest, "invalid_purpose", "description")
	missing := validPurpose()
	delete(missing, "id")
	wantError(t, f.do(api.RoleAdmin, "PUT", "/api/v1/purposes/geen-doel", missing), http.StatusNotFound, "not_found")
}

// A retired purpose accepts no new work: enrichment, search and entity
// reads under it are refused with 422 purpose_retired.
func TestRetiredPurposeRefusesWork(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("met gepensioneerd doel")
	f.addSubject(sig, "kvk", "68750110")
	p, err := f.store.GetPurpose(context.Background(), onderzoek)
	if err != nil {
		t.Fatal(err)
	}
	p.Active = false
	if _, err := f.store.UpdatePurpose(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	q := "purpose_id=" + url.QueryEscape(onderzoek)
	wantError(t, f.do(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": justification}), http.StatusUnprocessableEntity, "purpose_retired", onderzoek)
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/search?q=bv&"+q, nil), http.StatusUnprocessableEntity, "purpose_retired")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/"+sig+"/entities?"+q, nil), http.StatusUnprocessableEntity, "purpose_retired")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/company-x?"+q, nil), http.StatusUnprocessableEntity, "purpose_retired")
	if n := len(f.enqueueCalls()); n != 0 {
		t.Errorf("%d enqueue calls under a retired purpose, want 0", n)
	}
	// Another purpose still works.
	f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": alleenKvK, "justification": justification}, http.StatusAccepted)
}

// An expired or revoked token is refused like an unknown one.
func TestExpiredAndRevokedTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.tokens["expired"] = f.newToken(store.Token{User: "oud", Role: api.RoleAdmin, ExpiresAt: time.Now().Add(-time.Minute)})
	f.tokens["valid"] = f.newToken(store.Token{User: "nieuw", Role: api.RoleAdmin, ExpiresAt: time.Now().Add(time.Hour)})
	f.tokens["revoked"] = f.newToken(store.Token{User: "weg", Role: api.RoleAdmin})
	f.call("valid", "GET", "/api/v1/purposes", nil, http.StatusOK)
	f.call("revoked", "GET", "/api/v1/purposes", nil, http.StatusOK)
	if err := f.store.RevokeToken(ctx, api.HashToken(f.tokens["revoked"])[:12]); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"expired", "revoked"} {
		if r := f.do(who, "GET", "/api/v1/purposes", nil); r.status != http.StatusUnauthorized {
			t.Errorf("%s token: status %d, want 401; body %s", who, r.status, r.body)
		}
	}
	f.call("valid", "GET", "/api/v1/purposes", nil, http.StatusOK)
}
