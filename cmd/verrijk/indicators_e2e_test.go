package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type indicatorsJSON struct {
	Notice       string `json:"notice"`
	RulesVersion string `json:"rules_version"`
	Indicators   []struct {
		RuleID      string `json:"rule_id"`
		RuleVersion string `json:"rule_version"`
		EntityID    string `json:"entity_id"`
		Evidence    []struct {
			SHA256 string `json:"sha256"`
		} `json:"evidence"`
	} `json:"indicators"`
}

// TestIndicatorsEndToEnd: a finished enrichment is evaluated by the rules
// (sanctions hit, 13b closure at the address), the analyst reads the
// indicators with their evidence and the AVG art. 22 notice, and a new
// rules version is applied to stored signals at the next start.
func TestIndicatorsEndToEnd(t *testing.T) {
	shipped, err := os.ReadFile("../../configs/indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(t.TempDir(), "indicators.yaml")
	if err := os.WriteFile(rules, shipped, 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDeployment(t, "indicators: {rules_file: "+rules+"}\n", 0)
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Horecazaak met sluitingsbesluit"}, &sig)
	env := []string{"VERRIJK_TOKEN=" + analyst.token}
	out, errOut, code := run(t, env, "enrich", "--server", d.base, "--signal", sig.ID, "--purpose", purposeID,
		"--justification", "Signaal RIEC-2026-003: bekende waarschuwingssignalen nagaan",
		"address:8823SJ 3A", "name:Fictief Logistiek B.V.", "--wait")
	if code != 0 {
		t.Fatalf("verrijk enrich: exit %d\n%s%s", code, out, errOut)
	}
	path := "/api/v1/signals/" + sig.ID + "/indicators?purpose_id=" + purposeID
	// The job's status is final before its last task's hook has stored
	// the hits, so the answer is awaited.
	got := awaitIndicators(t, analyst, path, func(a indicatorsJSON) bool {
		return hasRule(a, "sanctielijst-treffer") && hasRule(a, "publicatie-13b-sluiting")
	})
	if !strings.Contains(got.Notice, "AVG art. 22") || got.RulesVersion != "2026.1" {
		t.Errorf("notice %q, version %q", got.Notice, got.RulesVersion)
	}
	for _, h := range got.Indicators {
		if len(h.Evidence) == 0 || len(h.Evidence[0].SHA256) != 64 || h.RuleVersion != "2026.1" {
			t.Errorf("indicator %+v lacks evidence or version", h)
		}
	}

	// An admin edits the rules; the next start evaluates every signal again.
	edited := strings.Replace(string(shipped), `version: "2026.1"`, `version: "2026.1-e2e"`, 1)
	if err := os.WriteFile(rules, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	d.serve.kill()
	d.serve = start(t, nil, "serve", "--config", d.config)
	waitReady(t, d.base, d.serve)
	awaitIndicators(t, analyst, path, func(a indicatorsJSON) bool {
		return a.RulesVersion == "2026.1-e2e" && hasRule(a, "sanctielijst-treffer") &&
			a.Indicators[0].RuleVersion == "2026.1-e2e"
	})

	// A rules file with a forbidden rule stops start-up, naming the rule.
	bad := edited + `
  - id: verboden-regel
    title: Verboden
    explanation: Leest nationaliteit.
    schema: Person
    weight: 1
    reads: [nationality]
    when: {property: nationality, exists: true}
`
	if err := os.WriteFile(rules, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = run(t, nil, "sources", "--config", d.config)
	if code == 0 || !strings.Contains(errOut, "indicators.rules_file") || !strings.Contains(errOut, `rule "verboden-regel"`) {
		t.Errorf("start-up with a forbidden rule: exit %d, %s", code, errOut)
	}
}

func hasRule(a indicatorsJSON, id string) bool {
	for _, h := range a.Indicators {
		if h.RuleID == id {
			return true
		}
	}
	return false
}

func awaitIndicators(t *testing.T, c caller, path string, ok func(indicatorsJSON) bool) indicatorsJSON {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var a indicatorsJSON
		c.must(200, "GET", path, nil, &a)
		if ok(a) {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators never became as expected; last answer %+v", a)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
