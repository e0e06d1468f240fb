package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSubjectReportAndErasure: the privacy officer produces everything held
// on a KvK number (JSON and a printable page), then erases it; search no
// longer finds it and the audit chain still verifies.
func TestSubjectReportAndErasure(t *testing.T) {
	d := newDeployment(t, "", 0)
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	auditor := d.token("fg", "auditor")
	env := []string{"VERRIJK_TOKEN=" + auditor}

	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Inzageverzoek"}, &sig)
	if out, errOut, code := run(t, []string{"VERRIJK_TOKEN=" + analyst.token}, "enrich", "--server", d.base,
		"--signal", sig.ID, "--purpose", purposeID, "--justification", "Signaal RIEC-2026-003: eigenaar vaststellen",
		"kvk:68750110", "--wait"); code != 0 {
		t.Fatalf("verrijk enrich: exit %d\n%s%s", code, out, errOut)
	}
	if searchTotal(analyst, "68750110") == 0 {
		t.Fatal("search finds nothing before the erasure")
	}

	out, errOut, code := run(t, env, "subject", "report", "kvk:6875 0110", "--server", d.base)
	if code != 0 {
		t.Fatalf("verrijk subject report: exit %d\n%s%s", code, out, errOut)
	}
	var rep struct {
		Identifier string
		Entities   []entityJSON
		Subjects   []struct {
			SignalID string `json:"signal_id"`
		}
		Purposes []struct {
			LegalBasis string `json:"legal_basis"`
		}
		Evidence []struct{ Stored bool }
		Log      []struct{ Action string } `json:"processing_log"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if rep.Identifier != "kvk:68750110" || len(rep.Entities) == 0 || len(rep.Subjects) != 1 || len(rep.Purposes) != 1 ||
		len(rep.Evidence) == 0 || len(rep.Log) == 0 {
		t.Errorf("report = %+v", rep)
	}
	page := filepath.Join(t.TempDir(), "inzage.html")
	if out, errOut, code := run(t, env, "subject", "report", "kvk:68750110", "--html", "--output", page, "--server", d.base); code != 0 {
		t.Fatalf("verrijk subject report --html: exit %d\n%s%s", code, out, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "Inzageverslag") || !strings.Contains(string(html), "Test BV Donald") {
		t.Errorf("html report: %v\n%.300s", err, html)
	}

	if _, _, code := run(t, env, "subject", "erase", "kvk:68750110", "--server", d.base); code == 0 {
		t.Error("erase without --reason succeeded")
	}
	out, errOut, code = run(t, env, "subject", "erase", "kvk:68750110", "--reason", "AVG-verzoek 2026-031", "--server", d.base)
	if code != 0 || !strings.Contains(out, "erased kvk:68750110") || strings.Contains(out, ": 0 entities") {
		t.Fatalf("verrijk subject erase: exit %d\n%s%s", code, out, errOut)
	}
	if n := searchTotal(analyst, "68750110"); n != 0 {
		t.Errorf("search after the erasure: %d hits", n)
	}
	if out, errOut, code := run(t, nil, "audit", "verify", "--config", d.config); code != 0 {
		t.Errorf("verrijk audit verify: exit %d\n%s%s", code, out, errOut)
	}
}
