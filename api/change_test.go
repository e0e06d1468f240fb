package api_test

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"verrijk/api"
	"verrijk/store"
)

// TestChangeAndAuditCommitTogether breaks audit appends in the database
// itself (a trigger that aborts every insert) and shows that each change
// the API logs is then refused whole: 500, and nothing of it is stored.
func TestChangeAndAuditCommitTogether(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("bestaand")
	f.addSubject(sig, "kvk", "68750110")
	db, err := sql.Open("sqlite", filepath.Join(f.dir, store.SQLiteFile)+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit_entries
		BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`); err != nil {
		t.Fatal(err)
	}
	before, _, err := f.store.ListSignals(t.Context(), store.SignalFilter{AnyTeam: true})
	if err != nil {
		t.Fatal(err)
	}

	changes := []struct {
		role, method, path string
		body               any
	}{
		{api.RoleAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "nieuw"}},
		{api.RoleAnalyst, "POST", "/api/v1/signals/" + sig + "/subjects", map[string]string{"type": "kvk", "value": "69599084"}},
		{api.RoleAnalyst, "PATCH", "/api/v1/signals/" + sig, map[string]string{"title": "gewijzigd"}},
		{api.RoleAnalyst, "POST", "/api/v1/signals/" + sig + "/enrichments", map[string]any{"purpose_id": onderzoek, "justification": "controle exploitatievergunning"}},
		{api.RoleAdmin, "POST", "/api/v1/tokens", map[string]string{"user": "bea", "role": "analyst"}},
		{api.RoleAdmin, "POST", "/api/v1/purposes", map[string]any{"id": "nieuw-doel", "name": "n", "legal_basis": "lb", "retention": "P1D", "allowed_sources": []string{"kvk"}}},
	}
	for _, c := range changes {
		r := f.do(c.role, c.method, c.path, c.body)
		if r.status != http.StatusInternalServerError {
			t.Errorf("%s %s with the audit log down = %d %s, want 500", c.method, c.path, r.status, r.body)
		}
	}

	after, _, _ := f.store.ListSignals(t.Context(), store.SignalFilter{AnyTeam: true})
	got, _ := f.store.GetSignal(t.Context(), sig)
	if len(after) != len(before) || got.Title != "bestaand" || len(got.Subjects) != 1 || len(got.Jobs) != 0 {
		t.Errorf("a change without its audit entry was stored: %d signals (was %d), %+v", len(after), len(before), got)
	}
	if _, err := f.store.GetPurpose(t.Context(), "nieuw-doel"); err == nil {
		t.Error("purpose stored without its audit entry")
	}
	tokens, _ := f.store.ListTokens(t.Context())
	for _, tok := range tokens {
		if tok.User == "bea" {
			t.Error("token stored without its audit entry")
		}
	}
	if calls := f.enqueueCalls(); len(calls) != 0 {
		t.Errorf("a job was queued although its request could not be logged: %d calls", len(calls))
	}
}
