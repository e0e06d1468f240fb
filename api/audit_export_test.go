package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/audit"
)

// exportLog fetches the export as the auditor and parses each line.
func exportLog(t *testing.T, f *fixture, query url.Values) []audit.LogboekRecord {
	t.Helper()
	r := f.do(api.RoleAuditor, "GET", "/api/v1/audit/export?"+query.Encode(), nil)
	if r.status != http.StatusOK {
		t.Fatalf("export: status %d; body %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type %q, want application/x-ndjson", ct)
	}
	var out []audit.LogboekRecord
	for i, line := range bytes.Split(bytes.TrimSuffix(r.body, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec audit.LogboekRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, line)
		}
		if rec.Name != audit.ActionTokenUsed { // see TestTokenUseLogged
			out = append(out, rec)
		}
	}
	return out
}

func names(recs []audit.LogboekRecord) string {
	var n []string
	for _, r := range recs {
		n = append(n, r.Name)
	}
	return strings.Join(n, ",")
}

func TestAuditExport(t *testing.T) {
	f := newFixture(t)
	sig := f.createSignal("export")
	f.addSubject(sig, "kvk", "68750110")
	f.call(api.RoleAnalyst, "GET", "/api/v1/search?q=zonnebloem&purpose_id="+alleenKvK, nil, http.StatusOK)

	recs := exportLog(t, f, nil)
	// The export is logged before it streams, so it is in its own output.
	if got := names(recs); got != "signal.created,subject.added,search,audit.exported" {
		t.Fatalf("exported %s", got)
	}
	e := f.lastAudit(audit.ActionAuditExported)
	if e.ActorUser != auditorUser || e.ActorRole != api.RoleAuditor || e.ObjectType != "audit" || e.Origin == "" {
		t.Errorf("audit.exported entry = %+v", e)
	}
	search := recs[2]
	if search.StatusCode != "OK" || search.Attributes["dpl.core.purpose_id"] != alleenKvK ||
		search.Attributes["dpl.core.processing_activity_id"] != "bibob-toets" || search.Attributes["verrijk.actor"] != analystUser {
		t.Errorf("search record = %+v", search)
	}
	if recs[0].Attributes["dpl.core.data_subject_id"] == "" ||
		recs[0].Attributes["dpl.core.data_subject_id"] != recs[1].Attributes["dpl.core.data_subject_id"] {
		t.Errorf("signal pseudonyms: %q and %q", recs[0].Attributes["dpl.core.data_subject_id"], recs[1].Attributes["dpl.core.data_subject_id"])
	}
	// Within one process the key is the same, so pseudonyms repeat.
	if again := exportLog(t, f, nil); again[0].Attributes["dpl.core.data_subject_id"] != recs[0].Attributes["dpl.core.data_subject_id"] {
		t.Errorf("pseudonym changed between two exports")
	}
	raw := f.do(api.RoleAuditor, "GET", "/api/v1/audit/export", nil).body
	for _, leak := range []string{sig, "zonnebloem", "68750110"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("export contains %q", leak)
		}
	}

	cases := []struct {
		name  string
		query url.Values
		want  string
	}{
		{"action", url.Values{"action": {"subject.added"}}, "subject.added"},
		{"purpose", url.Values{"purpose_id": {alleenKvK}}, "search"},
		{"since later", url.Values{"since": {time.Now().Add(time.Hour).Format(time.RFC3339)}}, ""},
		{"until earlier", url.Values{"until": {time.Now().Add(-time.Hour).Format(time.RFC3339)}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := names(exportLog(t, f, c.query)); got != c.want {
				t.Errorf("exported %q, want %q", got, c.want)
			}
		})
	}
}

func TestAuditExportRefusals(t *testing.T) {
	f := newFixture(t)
	for _, role := range []string{api.RoleAnalyst, api.RoleCoordinator, api.RoleAdmin} {
		if r := f.do(role, "GET", "/api/v1/audit/export", nil); r.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", role, r.status)
		}
	}
	if r := f.do("", "GET", "/api/v1/audit/export", nil); r.status != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", r.status)
	}
	cases := []struct{ query, fragment string }{
		{"since=yesterday", "since"},
		{"until=2024-05-01", "until"},
		{"since=2024-05-02T00:00:00Z&until=2024-05-01T00:00:00Z", "until"},
		{"action=" + strings.Repeat("x", 201), "action"},
		{"purpose_id=%ff", "purpose_id"},
	}
	for _, c := range cases {
		wantError(t, f.do(api.RoleAuditor, "GET", "/api/v1/audit/export?"+c.query, nil), http.StatusBadRequest, "bad_request", c.fragment)
	}
	if n := len(f.auditEntries(audit.ActionAuditExported)); n != 0 {
		t.Errorf("%d refused exports logged as exports", n)
	}
}
