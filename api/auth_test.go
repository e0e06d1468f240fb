package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/store"
)

func TestAuthenticationFailures(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, header, wantMsg string
	}{
		{"no header", "", "missing bearer token"},
		{"basic scheme", "Basic YWRtaW46YWRtaW4=", "missing bearer token"},
		{"bearer without token", "Bearer ", "missing bearer token"},
		{"bearer with blanks", "Bearer    ", "missing bearer token"},
		{"token without scheme", f.tokens[api.RoleAnalyst], "missing bearer token"},
		{"unknown token", "Bearer vrk_doesnotexist", "unknown or revoked token"},
		{"token with a byte changed", "Bearer " + f.tokens[api.RoleAnalyst] + "x", "unknown or revoked token"},
		{"the stored hash as token", "Bearer " + api.HashToken(f.tokens[api.RoleAnalyst]), "unknown or revoked token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/purposes", nil)
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			r := f.send(req)
			wantError(t, r, http.StatusUnauthorized, "unauthorized", c.wantMsg)
			if wa := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", wa)
			}
		})
	}
}

// The auth scheme is case-insensitive (RFC 9110, section 11.1), and a
// client may put more than one space after it.
func TestBearerSchemeSpelling(t *testing.T) {
	f := newFixture(t)
	for _, scheme := range []string{"Bearer ", "bearer ", "BEARER ", "Bearer   "} {
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/purposes", nil)
		req.Header.Set("Authorization", scheme+f.tokens[api.RoleAnalyst])
		if r := f.send(req); r.status != http.StatusOK {
			t.Errorf("Authorization %q…: status %d, want 200; body %s", scheme, r.status, r.body)
		}
	}
}

// TestRoleMatrix sends every route as every role: a role outside the route's
// list gets 403 forbidden, audited as access.denied; a role inside it gets
// past authorisation (the answer may still be 4xx for the made-up ids and
// bodies). Admins manage purposes and sources but read no signals or
// enriched data (least privilege).
func TestRoleMatrix(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("rollen")
	analysts := []string{api.RoleAnalyst, api.RoleCoordinator}
	everyone := []string{api.RoleAnalyst, api.RoleCoordinator, api.RoleAdmin, api.RoleAuditor}
	admin := []string{api.RoleAdmin}
	auditor := []string{api.RoleAuditor}
	purpose := map[string]any{"id": "rollen-test", "name": "n", "legal_basis": "lb", "retention": "P1D", "allowed_sources": []string{"kvk"}}
	routes := []struct {
		method, path string
		body         any
		allowed      []string
	}{
		{"POST", "/api/v1/signals", map[string]string{"title": "t"}, analysts},
		{"GET", "/api/v1/signals/" + sig, nil, analysts},
		{"GET", "/api/v1/signals", nil, analysts},
		{"PATCH", "/api/v1/signals/" + sig, map[string]string{"title": "t2"}, analysts},
		{"PUT", "/api/v1/signals/" + sig + "/assignee", map[string]string{"user": ""}, []string{api.RoleCoordinator}},
		{"GET", "/api/v1/tokens", nil, admin},
		{"POST", "/api/v1/tokens", map[string]string{"user": "u", "role": "analyst"}, admin},
		{"DELETE", "/api/v1/tokens/nope", nil, admin},
		{"POST", "/api/v1/signals/" + sig + "/subjects", map[string]string{"type": "kvk", "value": "68750110"}, analysts},
		{"POST", "/api/v1/signals/" + sig + "/enrichments", map[string]any{}, analysts},
		{"GET", "/api/v1/signals/" + sig + "/entities?purpose_id=" + onderzoek, nil, analysts},
		{"GET", "/api/v1/jobs/nope", nil, analysts},
		{"GET", "/api/v1/jobs/nope/events", nil, analysts},
		{"GET", "/api/v1/entities/nope?purpose_id=" + onderzoek, nil, analysts},
		{"GET", "/api/v1/search?q=x&purpose_id=" + onderzoek, nil, analysts},
		{"GET", "/api/v1/purposes", nil, everyone},
		{"GET", "/api/v1/purposes/" + onderzoek, nil, everyone},
		{"POST", "/api/v1/purposes", purpose, admin},
		{"PUT", "/api/v1/purposes/" + alleenKvK, map[string]any{"name": "n", "legal_basis": "lb", "retention": "P1D", "allowed_sources": []string{"kvk"}}, admin},
		{"GET", "/api/v1/audit", nil, auditor},
		{"GET", "/api/v1/audit/verify", nil, auditor},
		{"GET", "/api/v1/subjects/report?subject=kvk:68750110", nil, auditor},
		{"POST", "/api/v1/subjects/erasure", map[string]string{"subject": "kvk:11111111", "reason": "r"}, auditor},
		{"GET", "/api/v1/retention", nil, auditor},
		{"GET", "/api/v1/sources", nil, admin},
		{"PUT", "/api/v1/sources/kvk", map[string]any{"enabled": true}, admin},
	}
	for _, rt := range routes {
		for _, role := range append(slices.Clone(api.Roles), "guest") {
			t.Run(fmt.Sprintf("%s %s as %s", rt.method, rt.path, role), func(t *testing.T) {
				r := f.do(role, rt.method, rt.path, rt.body)
				if !slices.Contains(rt.allowed, role) {
					wantError(t, r, http.StatusForbidden, "forbidden", role)
					e := f.lastAudit("access.denied")
					path, _, _ := strings.Cut(rt.path, "?")
					if e.ActorRole != role || e.Result != "denied" || e.ObjectType != "route" ||
						e.ObjectID != rt.method+" "+path {
						t.Errorf("denial audited as %+v", e)
					}
					return
				}
				if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
					t.Fatalf("role %s refused: %d %s", role, r.status, r.body)
				}
			})
		}
	}
}

// TestTokensStoredByHash proves the raw token is nowhere in the database:
// every column of every table is searched for it, and, so that the search
// itself is known to work, for the hash that must be there.
func TestTokensStoredByHash(t *testing.T) {
	f := newFixture(t)
	raw := f.tokens[api.RoleAnalyst]
	f.call(api.RoleAnalyst, "GET", "/api/v1/purposes", nil, http.StatusOK)

	tok, err := f.store.TokenByHash(context.Background(), api.HashToken(raw))
	if err != nil || tok.User != analystUser || tok.Team != analystTeam {
		t.Fatalf("TokenByHash = %+v, %v", tok, err)
	}
	if !strings.HasPrefix(raw, "vrk_") || len(raw) < 40 {
		t.Errorf("token %q: want vrk_ and 32 random bytes", raw)
	}
	if a, b, _ := api.NewToken(); a == raw || b == api.HashToken(raw) {
		t.Error("NewToken repeats itself")
	}

	db, err := sql.Open("sqlite", filepath.Join(f.dir, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := columnValues(db, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var sawHash bool
	for _, table := range tables {
		values, err := columnValues(db, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("reading %s: %v", table, err)
		}
		for _, v := range values {
			if strings.Contains(v, raw) || strings.Contains(v, strings.TrimPrefix(raw, "vrk_")) {
				t.Errorf("table %s holds the raw token", table)
			}
			sawHash = sawHash || strings.Contains(v, api.HashToken(raw))
		}
	}
	if !sawHash {
		t.Error("the token's hash was not found in any table; the scan does not work")
	}
}

// columnValues runs q and returns every column of every row as text.
func columnValues(db *sql.DB, q string) ([]string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprint(v))
		}
	}
	return out, rows.Err()
}

func TestUnknownAPIRoute(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ role, method, path string }{
		{"", "GET", "/api/v1/nope"},
		{api.RoleAnalyst, "GET", "/api/v1/nope"},
		{api.RoleAnalyst, "GET", "/api/v2/signals"},
		{api.RoleAnalyst, "POST", "/api/v1/signals/x/y/z"},
		{api.RoleAnalyst, "GET", "/api/"},
	} {
		r := f.do(c.role, c.method, c.path, nil)
		wantError(t, r, http.StatusNotFound, "not_found", c.path)
	}
}

// TestBodyProblems sends broken bodies to a route that takes JSON; each is
// a 400 whose message names what is wrong, and nothing is stored.
func TestBodyProblems(t *testing.T) {
	f := newFixture(t)
	huge := `{"title":"` + strings.Repeat("a", 1<<20+10) + `"}`
	cases := []struct{ name, body, fragment string }{
		{"empty body", "", "empty"},
		{"not JSON", "title=x", "invalid JSON"},
		{"truncated", `{"title":"x"`, "invalid JSON"},
		{"unknown field", `{"title":"x","owner":"y"}`, `"owner"`},
		{"wrong type", `{"title":42}`, "title"},
		{"array", `[{"title":"x"}]`, "array"},
		{"trailing object", `{"title":"x"}{"title":"y"}`, "trailing data"},
		{"trailing garbage", `{"title":"x"} garbage`, "trailing data"},
		{"oversized", huge, "exceeds 1048576 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.do(api.RoleAnalyst, "POST", "/api/v1/signals", c.body)
			wantError(t, r, http.StatusBadRequest, "bad_request", c.fragment)
		})
	}
	if n := len(f.auditEntries("signal.created")); n != 0 {
		t.Errorf("%d signals created from broken bodies", n)
	}
	// Trailing white space is not trailing data.
	f.call(api.RoleAnalyst, "POST", "/api/v1/signals", "{\"title\":\"x\"}\n \n", http.StatusCreated)
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t)
	if out := f.call("", "GET", "/healthz", nil, http.StatusOK); out["status"] != "ok" {
		t.Errorf("healthz = %v", out)
	}
	if out := f.call("", "GET", "/readyz", nil, http.StatusOK); out["status"] != "ready" {
		t.Errorf("readyz = %v", out)
	}
	down := newFixture(t, notReady)
	wantError(t, down.do("", "GET", "/readyz", nil), http.StatusServiceUnavailable, "not_ready", "index: closed")
	// Liveness does not depend on readiness.
	down.call("", "GET", "/healthz", nil, http.StatusOK)
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	}
	for _, c := range []struct{ role, method, path string }{
		{"", "GET", "/healthz"},
		{"", "GET", "/readyz"},
		{"", "GET", "/api/v1/purposes"},            // 401
		{api.RoleAuditor, "GET", "/api/v1/search"}, // 403
		{api.RoleAnalyst, "GET", "/api/v1/purposes"},
		{api.RoleAnalyst, "GET", "/api/v1/nope"},
		{"", "GET", "/"}, // no web UI in this fixture
	} {
		r := f.do(c.role, c.method, c.path, nil)
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s %s (%d): %s = %q, want %q", c.method, c.path, r.status, k, got, v)
			}
		}
	}
}

// TestTokenUseLogged: a token's use is logged once per origin and hour, a
// bad token once per origin and minute, never with the token itself.
func TestTokenUseLogged(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.call(api.RoleAnalyst, "GET", "/api/v1/purposes", nil, http.StatusOK)
	}
	used := f.auditEntries(audit.ActionTokenUsed)
	n := 0
	for _, e := range used {
		if e.ActorUser == analystUser {
			n++
			if e.ObjectID != analystUser || !strings.HasPrefix(e.Detail, "id=") || e.Origin == "" {
				t.Errorf("token use logged as %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("analyst's token use logged %d times in three calls, want once", n)
	}
	bad := "vrk_" + strings.Repeat("x", 43)
	for range 3 {
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/purposes", nil)
		req.Header.Set("Authorization", "Bearer "+bad)
		if r := f.send(req); r.status != http.StatusUnauthorized {
			t.Fatalf("bad token: %d", r.status)
		}
	}
	failed := f.auditEntries(audit.ActionAuthFailed)
	if len(failed) != 1 || failed[0].Result != audit.ResultDenied || failed[0].ObjectID != "GET /api/v1/purposes" {
		t.Fatalf("failed logins logged as %+v, want one denied entry", failed)
	}
	for _, e := range append(used, failed...) {
		if strings.Contains(e.Detail+e.ObjectID+e.Justification, "vrk_") {
			t.Errorf("a token in the log: %+v", e)
		}
	}
}
