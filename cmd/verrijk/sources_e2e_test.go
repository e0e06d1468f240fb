package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"verrijk/sources/replays"
)

// graph indexes a signal's entities for the checks below.
type graph struct {
	all      []entityJSON
	bySchema map[string][]entityJSON
	byID     map[string]entityJSON
}

func newGraph(ents []entityJSON) graph {
	g := graph{all: ents, bySchema: map[string][]entityJSON{}, byID: map[string]entityJSON{}}
	for _, e := range ents {
		g.bySchema[e.Schema] = append(g.bySchema[e.Schema], e)
		g.byID[e.ID] = e
	}
	return g
}

func (g graph) summary() string {
	var lines []string
	for _, e := range g.all {
		var props []string
		for k, v := range e.Properties {
			props = append(props, fmt.Sprintf("%s=%v", k, v))
		}
		sort.Strings(props)
		lines = append(lines, fmt.Sprintf("%s %s %q %s", e.Schema, e.ID, e.Caption, strings.Join(props, " ")))
	}
	return strings.Join(lines, "\n")
}

// TestAllSourcesEndToEnd enriches one signal with a name, a plate, a domain,
// a name on a sanctions list and a social profile, against the replay
// servers of all sources, and checks the resulting entity graph.
func TestAllSourcesEndToEnd(t *testing.T) {
	d := newDeployment(t, "log: {level: debug, format: json}\n", 0)
	allowEverySource(t, d)
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Transportbedrijf met wisselende eigenaren"}, &sig)

	env := []string{"VERRIJK_TOKEN=" + analyst.token}
	out, errOut, code := run(t, env, "enrich", "--server", d.base, "--signal", sig.ID, "--purpose", purposeID,
		"--justification", "Signaal RIEC-2026-002: herkomst bedrijf, voertuig en website vaststellen",
		"name:Test BV Donald", "plate:6-tjr-64", "domain:voorbeeldbedrijf.nl", "name:Fictief Logistiek B.V.",
		"social:instagram/testbvdonald", "--wait")
	if code != 0 {
		t.Fatalf("verrijk enrich: exit %d\n%s%s", code, out, errOut)
	}
	var res struct{ Entities []entityJSON }
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID+"/entities?purpose_id="+purposeID, nil, &res)
	g := newGraph(res.Entities)
	for r, h := range d.replay {
		if h.Requests() == 0 {
			t.Errorf("source %s was never asked", r)
		}
	}
	checkGraph(t, g)
	if t.Failed() {
		t.Logf("entities:\n%s", g.summary())
	}
	checkSourcesOverview(t, d)
	checkCache(t, d, analyst)
	checkNoSecretsOrScrapedContent(t, d, analyst.token)
}

// checkNoSecretsOrScrapedContent scans every audit entry and every log line
// of the run for tokens, API keys and text that only a source's answer
// contains: none may be there (BIO 12.4.1: logs must not weaken security,
// and raw answers are evidence, kept apart and deleted with their entity).
func checkNoSecretsOrScrapedContent(t *testing.T, d *deployment, analystToken string) {
	t.Helper()
	fg := d.token("fg2", "auditor")
	var res struct {
		Entries []map[string]any
	}
	caller{t, d.base, fg}.must(200, "GET", "/api/v1/audit?limit=1000", nil, &res)
	auditText, _ := json.Marshal(res.Entries)
	logText := d.serve.out.String()
	if !strings.Contains(logText, `"trace_id"`) || !strings.Contains(logText, `"task"`) {
		t.Errorf("lookup log lines lack trace and task ids:\n%.2000s", logText)
	}
	forbidden := map[string]string{
		"the analyst's token":          analystToken,
		"the auditor's token":          fg,
		"the KvK api key":              "l7xx1f2691f2520d487b902f4e0b57a0b197",
		"the OpenSanctions api key":    replays.OpenSanctionsAPIKey,
		"a KvK answer's SBI text":      "Teelt van appels en peren",
		"an RDW answer's colour":       "GRIJS",
		"a publication's summary text": "voor de duur van drie maanden",
		"an RDAP registrar":            "Voorbeeld Registrar",
		"a web page's text":            "Gieser Wildeman",
	}
	for what, value := range forbidden {
		if strings.Contains(string(auditText), value) {
			t.Errorf("the audit log contains %s", what)
		}
		if strings.Contains(logText, value) {
			t.Errorf("the log contains %s", what)
		}
	}
}

// checkSourcesOverview reads the sources' record over the API and the CLI.
func checkSourcesOverview(t *testing.T, d *deployment) {
	t.Helper()
	admin := caller{t, d.base, d.token("beheer", "admin")}
	var res struct {
		Sources []struct {
			Name, Health, Rate string
			Enabled            bool
			Done               int
			Accepts            []string
			LastSuccess        string `json:"last_success"`
		}
	}
	admin.must(200, "GET", "/api/v1/sources", nil, &res)
	if len(res.Sources) != len(replays.All) {
		t.Fatalf("GET /sources listed %d sources, want %d", len(res.Sources), len(replays.All))
	}
	for _, s := range res.Sources {
		if !s.Enabled || s.Health != "ok" || s.Done == 0 || s.LastSuccess == "" || len(s.Accepts) == 0 {
			t.Errorf("source %+v: want enabled, ok, with successes and accepted subject types", s)
		}
	}
	caller{t, d.base, d.token("anna2", "analyst")}.must(403, "GET", "/api/v1/sources", nil, nil)
	out, errOut, code := run(t, nil, "sources", "--config", d.config)
	if code != 0 || !strings.Contains(out, "opensanctions") || !strings.Contains(out, "HEALTH") {
		t.Errorf("verrijk sources: exit %d\n%s%s", code, out, errOut)
	}
}

// checkCache enriches the same plate for a second signal: the answer comes
// from the cache, so RDW is not asked again, and the use is still audited.
func checkCache(t *testing.T, d *deployment, analyst caller) {
	t.Helper()
	before := d.replay["rdw"].Requests()
	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Zelfde auto, ander signaal"}, &sig)
	analyst.must(201, "POST", "/api/v1/signals/"+sig.ID+"/subjects", map[string]string{"type": "plate", "value": "6TJR64"}, nil)
	var accepted struct {
		JobID string `json:"job_id"`
	}
	analyst.must(202, "POST", "/api/v1/signals/"+sig.ID+"/enrichments", map[string]any{"purpose_id": purposeID,
		"justification": "Tweede signaal met hetzelfde kenteken"}, &accepted)
	if job := waitJob(t, analyst, accepted.JobID); job.Status != "done" {
		t.Fatalf("second plate job: %s %+v", job.Status, job.Tasks)
	}
	if after := d.replay["rdw"].Requests(); after != before {
		t.Errorf("RDW asked %d more times for a cached plate", after-before)
	}
	var res struct{ Entities []entityJSON }
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID+"/entities?purpose_id="+purposeID, nil, &res)
	if len(res.Entities) != 1 || res.Entities[0].Schema != "Vehicle" {
		t.Errorf("second signal's entities = %+v, want the vehicle", res.Entities)
	}
	fg := caller{t, d.base, d.token("fg", "auditor")}
	var audit struct {
		Entries []struct {
			TraceID string `json:"trace_id"`
			Result  string `json:"result"`
		}
	}
	fg.must(200, "GET", "/api/v1/audit?action=source.queried&limit=1000", nil, &audit)
	found := false
	for _, e := range audit.Entries {
		found = found || e.TraceID == accepted.JobID && e.Result == "ok"
	}
	if !found {
		t.Errorf("the cached lookup was not audited under its own job")
	}
}

// checkGraph follows the edges an analyst follows: company → branches →
// addresses (with BAG ids) → publications; website → domain → archive
// history; names → screening; plate → vehicle.
func checkGraph(t *testing.T, g graph) {
	t.Helper()
	var company entityJSON
	for _, c := range g.bySchema["Company"] {
		if contains(c.Properties["kvkNumber"], "68750110") {
			company = c
		}
	}
	if company.ID == "" || company.Caption != "Test BV Donald" || len(company.Properties["legalForm"]) == 0 {
		t.Fatalf("no legal entity for KvK 68750110 with its legal form")
	}
	branches := 0
	for _, c := range g.bySchema["Company"] {
		if contains(c.Properties["parent"], company.ID) && len(c.Properties["vestigingsnummer"]) > 0 {
			branches++
			for _, a := range c.Properties["addressEntity"] {
				if _, ok := g.byID[a]; !ok {
					t.Errorf("branch %s points at missing address %s", c.ID, a)
				}
			}
		}
	}
	if branches < 2 {
		t.Errorf("company has %d branches, want its main branch and nevenvestiging", branches)
	}
	main := g.byID[company.Properties["addressEntity"][0]]
	if main.Schema != "Address" || len(main.Properties["bagId"]) == 0 || len(main.Properties["latitude"]) == 0 {
		t.Errorf("company address %s lacks BAG id or coordinates", main.ID)
	}
	mentionsCompany, mentionsAddress := false, false
	for _, p := range g.bySchema["Publication"] {
		mentionsCompany = mentionsCompany || contains(p.Properties["mentions"], company.ID)
		mentionsAddress = mentionsAddress || contains(p.Properties["mentions"], main.ID)
		if len(p.Properties["sourceUrl"]) == 0 || len(p.Properties["publishedAt"]) == 0 {
			t.Errorf("publication %s lacks its URL or date", p.ID)
		}
	}
	if !mentionsCompany || !mentionsAddress {
		t.Errorf("publications mention company %v, address %v; want both", mentionsCompany, mentionsAddress)
	}
	var site, registered bool
	for _, dom := range g.bySchema["Domain"] {
		if contains(dom.Properties["owner"], company.ID) && len(dom.Properties["archiveFirstCapture"]) > 0 &&
			len(dom.Properties["archiveVersions"]) > 0 {
			site = true // the company's website, followed to its archive history
		}
		if contains(dom.Properties["name"], "voorbeeldbedrijf.nl") && len(dom.Properties["registrar"]) > 0 &&
			len(dom.Properties["registrationDate"]) > 0 {
			registered = true
		}
	}
	if !site || !registered {
		t.Errorf("domains: company website with archive history %v, registration of voorbeeldbedrijf.nl %v", site, registered)
	}
	screened := false
	for _, s := range g.bySchema["Sanction"] {
		screened = screened || contains(s.Properties["entityName"], "Fictief Logistiek B.V.") && len(s.Properties["score"]) > 0
	}
	if !screened {
		t.Errorf("no screening hit for Fictief Logistiek B.V.")
	}
	vehicles := g.bySchema["Vehicle"]
	if len(vehicles) != 1 || !contains(vehicles[0].Properties["registrationNumber"], "6TJR64") || len(vehicles[0].Properties["make"]) == 0 {
		t.Errorf("vehicles = %+v, want 6TJR64 with its make", vehicles)
	}
	for _, e := range g.all {
		for _, prop := range []string{"owner", "holder", "phone", "email"} {
			if e.Schema == "Vehicle" && len(e.Properties[prop]) > 0 {
				t.Errorf("vehicle has %s: RDW publishes no owner data", prop)
			}
		}
	}
}
