package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/audit"
)

// auditLog returns the entries the auditor gets for the query.
func auditLog(t *testing.T, f *fixture, query url.Values) []map[string]any {
	t.Helper()
	out := f.call(api.RoleAuditor, "GET", "/api/v1/audit?"+query.Encode(), nil, http.StatusOK)
	var entries []map[string]any
	for _, raw := range list(t, out, "entries") {
		e := raw.(map[string]any)
		// Token use has its own test (TestTokenUseLogged).
		if e["action"] != audit.ActionTokenUsed || strings.HasPrefix(query.Get("action"), "auth.") {
			entries = append(entries, e)
		}
	}
	return entries
}

func TestAuditFilters(t *testing.T) {
	f := newFixture(t)
	start := time.Now().UTC().Add(-time.Second)
	sig := f.createSignal("audit")
	f.addSubject(sig, "kvk", "68750110")
	f.call(api.RoleAdmin, "POST", "/api/v1/purposes", validPurpose(), http.StatusCreated)
	f.call(api.RoleAnalyst, "GET", "/api/v1/search?q=zon&purpose_id="+alleenKvK, nil, http.StatusOK)
	all := auditLog(t, f, nil)
	if len(all) != 4 {
		t.Fatalf("%d entries, want 4: %v", len(all), all)
	}

	cases := []struct {
		name  string
		query url.Values
		want  []string // actions, in order
	}{
		{"action", url.Values{"action": {"subject.added"}}, []string{"subject.added"}},
		{"actor", url.Values{"actor": {adminUser}}, []string{"purpose.created"}},
		{"object", url.Values{"object_id": {sig}}, []string{"signal.created", "subject.added"}},
		{"purpose", url.Values{"purpose_id": {alleenKvK}}, []string{"search"}},
		{"action and actor", url.Values{"action": {"signal.created"}, "actor": {adminUser}}, nil},
		{"since", url.Values{"since": {start.Format(time.RFC3339)}, "actor": {analystUser}}, []string{"signal.created", "subject.added", "search"}},
		{"since later", url.Values{"since": {time.Now().Add(time.Hour).Format(time.RFC3339)}}, nil},
		{"until earlier", url.Values{"until": {start.Format(time.RFC3339)}}, nil},
		{"after_seq", url.Values{"after_seq": {strconv.Itoa(int(all[1]["seq"].(float64)))}, "action": {"purpose.created"}}, []string{"purpose.created"}},
		{"after the last", url.Values{"after_seq": {strconv.Itoa(int(all[3]["seq"].(float64)))}, "actor": {analystUser}}, nil},
		// The first entry is the analyst's token use (not shown by auditLog).
		{"limit", url.Values{"limit": {"3"}}, []string{"signal.created", "subject.added"}},
		{"limit 1000", url.Values{"limit": {"1000"}, "actor": {analystUser}}, []string{"signal.created", "subject.added", "search"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range auditLog(t, f, c.query) {
				got = append(got, e["action"].(string))
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("actions = %v, want %v", got, c.want)
			}
		})
	}

	e := all[0]
	for _, k := range []string{"seq", "id", "time", "actor_user", "actor_role", "action", "object_type", "object_id",
		"purpose_id", "processing_activity", "justification", "origin", "result", "detail", "prev_hash", "hash"} {
		if _, ok := e[k]; !ok {
			t.Errorf("entry has no %q: %v", k, e)
		}
	}
}

func TestAuditBadFilters(t *testing.T) {
	f := newFixture(t)
	cases := []struct{ query, fragment string }{
		{"since=yesterday", "since"},
		{"since=2024-05-01", "since"},
		{"until=2024-05-01T12:00:00", "until"},
		{"after_seq=x", "after_seq"},
		{"after_seq=-1", "after_seq"},
		{"limit=abc", "limit"},
		{"limit=-1", "limit"},
		{"limit=1001", "limit"},
		{"limit=1.5", "limit"},
	}
	for _, c := range cases {
		wantError(t, f.do(api.RoleAuditor, "GET", "/api/v1/audit?"+c.query, nil), http.StatusBadRequest, "bad_request", c.fragment)
	}
	// Every bad parameter is named at once.
	wantError(t, f.do(api.RoleAuditor, "GET", "/api/v1/audit?since=x&until=y&limit=z", nil), http.StatusBadRequest,
		"bad_request", "since", "until", "limit")
	if n := len(f.auditEntries("audit.read")); n != 0 {
		t.Errorf("%d refused reads logged as reads", n)
	}
}

func TestAuditReadIsAudited(t *testing.T) {
	f := newFixture(t)
	auditLog(t, f, url.Values{"action": {"signal.created"}, "limit": {"5"}})
	e := f.lastAudit("audit.read")
	if e.ActorUser != auditorUser || e.ActorRole != api.RoleAuditor || e.ObjectType != "audit" ||
		!strings.Contains(e.Detail, "action=signal.created") || e.Origin == "" {
		t.Errorf("audit.read entry = %+v", e)
	}
	// The auditor sees the earlier read in the next one.
	entries := auditLog(t, f, url.Values{"action": {"audit.read"}})
	if len(entries) != 1 || entries[0]["actor_user"] != auditorUser {
		t.Errorf("audit.read entries = %v", entries)
	}
}
