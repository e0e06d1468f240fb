package main

import (
	"database/sql"
	"path/filepath"

	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"verrijk/sources/replays"
)

const purposeID = "ondermijning-signaal"

// deployment is one running verrijk (serve plus, in production mode,
// separate workers) against local replay servers of every source.
type deployment struct {
	t       *testing.T
	base    string
	config  string
	dataDir string
	serve   *proc
	replay  map[string]replays.Handler
}

// newDeployment writes a config for the replay servers plus extra YAML
// (queue/store settings) and starts `verrijk serve` and workers.
func newDeployment(t *testing.T, extraYAML string, workers int) *deployment {
	return startDeployment(t, deployOptions{extraYAML: extraYAML, workers: workers})
}

// deployOptions vary a test deployment.
type deployOptions struct {
	extraYAML string // appended to the config
	workers   int    // separate `verrijk worker` processes
	maxDepth  int    // enrichment.max_depth; 0: 2
	// settings replace a source's replay settings (e.g. a hostile stand-in).
	settings map[string]string
	// addressedYAML is config that needs the server's base URL (the OIDC
	// redirect), appended too.
	addressedYAML func(base string) string
}

func startDeployment(t *testing.T, o deployOptions) *deployment {
	d := &deployment{t: t, replay: map[string]replays.Handler{}}
	var srcYAML strings.Builder
	for _, r := range replays.All {
		h := r.New()
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		d.replay[r.Source] = h
		settings, ok := o.settings[r.Source]
		if !ok {
			settings = r.Settings(srv.URL)
		}
		fmt.Fprintf(&srcYAML, "  %s: {%s, rate: 100/s", r.Source, settings)
		switch r.Source {
		case "rdap":
			fmt.Fprintf(&srcYAML, ", bootstrap_url: %q", srv.URL+replays.RDAPBootstrapPath)
		case "opensanctions":
			fmt.Fprintf(&srcYAML, ", enabled: true, api_key: %q", replays.OpenSanctionsAPIKey)
		}
		srcYAML.WriteString("}\n")
	}
	addr := freeAddr(t)
	d.base = "http://" + addr
	d.dataDir = t.TempDir()
	depth := o.maxDepth
	if depth == 0 {
		depth = 2
	}
	extra := o.extraYAML
	if o.addressedYAML != nil {
		extra += o.addressedYAML(d.base)
	}
	d.config = writeConfig(t, fmt.Sprintf(`
server: {addr: "%s"}
data_dir: %s
egress: {allow_private_networks: true}
sources:
%senrichment: {max_depth: %d}
bootstrap_purposes:
  - id: %s
    name: Signaal ondermijning
    legal_basis: "AVG art. 6(1)(e); Gemeentewet art. 172"
    processing_activity: https://register.example.nl/verwerkingen/ondermijning
    retention: P1Y
    allowed_sources: [kvk, bag, rdw, bekendmakingen, rdap, wayback, opensanctions]
    criminal_offence_data: true
%s`, addr, d.dataDir, srcYAML.String(), depth, purposeID, extra))
	d.serve = start(t, nil, "serve", "--config", d.config)
	waitReady(t, d.base, d.serve)
	for i := 0; i < o.workers; i++ {
		start(t, nil, "worker", "--config", d.config)
	}
	return d
}

func (d *deployment) token(user, role string) string {
	d.t.Helper()
	out, errOut, code := run(d.t, nil, "token", "create", "--user", user, "--role", role, "--config", d.config)
	if code != 0 {
		d.t.Fatalf("token create: exit %d: %s", code, errOut)
	}
	tok := strings.TrimSpace(out)
	if !strings.HasPrefix(tok, "vrk_") || strings.Contains(tok, "\n") {
		d.t.Fatalf("token create printed %q, want only a token", out)
	}
	return tok
}

type entityJSON struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Caption    string              `json:"caption"`
	Properties map[string][]string `json:"properties"`
	Provenance []struct {
		Source, URL, SHA256 string
		FetchedAt           time.Time `json:"fetched_at"`
		Properties          []string
	} `json:"provenance"`
	Signals []struct {
		SignalID  string    `json:"signal_id"`
		PurposeID string    `json:"purpose_id"`
		JobID     string    `json:"job_id"`
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"signals"`
}

type jobJSON struct {
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Tasks    []struct {
		Source, Subject, Status, Error string
		Attempts                       int
	} `json:"tasks"`
}

// waitJob polls a job until it has ended.
func waitJob(t *testing.T, a caller, id string) jobJSON {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		var j jobJSON
		a.must(200, "GET", "/api/v1/jobs/"+id, nil, &j)
		switch j.Status {
		case "done", "partial", "failed":
			return j
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("job %s did not end within 90s", id)
	return jobJSON{}
}

// scenario is the walking skeleton's user journey, run the same way on the
// embedded defaults and in production mode.
func scenario(t *testing.T, d *deployment) {
	admin := caller{t, d.base, d.token("admin", "admin")}
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}
	anon := caller{t, d.base, ""}

	anon.must(401, "GET", "/api/v1/purposes", nil, nil)
	analyst.must(403, "POST", "/api/v1/purposes", map[string]any{}, nil)
	// A second purpose, over the API, that allows only bag.
	admin.must(201, "POST", "/api/v1/purposes", map[string]any{"id": "adrescontrole", "name": "Adrescontrole",
		"legal_basis": "AVG art. 6(1)(e)", "processing_activity": "https://register.example.nl/verwerkingen/adres",
		"retention": "P30D", "allowed_sources": []string{"bag"}}, nil)
	_, raw := admin.call("POST", "/api/v1/purposes", map[string]any{"id": "x", "retention": "1 jaar"}, nil)
	for _, want := range []string{"invalid_purpose", "retention", "name is required"} {
		if !strings.Contains(raw, want) {
			t.Errorf("bad purpose answer %s lacks %q", raw, want)
		}
	}

	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Nagelstudio Hoofdstraat, contant geopend",
		"description": "Eigenaar onbekend", "external_ref": "RIEC-2026-001"}, &sig)
	// Bad subjects are refused with the problem named, and nothing is stored.
	for _, bad := range []map[string]string{{"type": "kvk", "value": "1234"}, {"type": "rsin", "value": "123456789"},
		{"type": "address", "value": "0123AB 1"}, {"type": "plate", "value": "!!"}, {"type": "fax", "value": "1"}} {
		code, raw := analyst.call("POST", "/api/v1/signals/"+sig.ID+"/subjects", bad, nil)
		if code != 400 || !strings.Contains(raw, "invalid_subject") {
			t.Errorf("subject %v: %d %s, want 400 invalid_subject", bad, code, raw)
		}
	}
	analyst.must(201, "POST", "/api/v1/signals/"+sig.ID+"/subjects", map[string]string{"type": "kvk", "value": "68750110"}, nil)
	var signal struct {
		Subjects []struct{ Type, Value string }
	}
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID, nil, &signal)
	if len(signal.Subjects) != 1 {
		t.Fatalf("signal has %d subjects after 5 bad and 1 good, want 1", len(signal.Subjects))
	}

	// Purpose binding on enrichment.
	expectError(t, analyst, "POST", "/api/v1/signals/"+sig.ID+"/enrichments",
		map[string]any{"justification": "Controle eigenaar nagelstudio"}, 422, "purpose_required")
	expectError(t, analyst, "POST", "/api/v1/signals/"+sig.ID+"/enrichments",
		map[string]any{"purpose_id": "adrescontrole", "justification": "Controle eigenaar nagelstudio", "sources": []string{"kvk"}},
		422, "source_not_allowed")
	expectError(t, analyst, "POST", "/api/v1/signals/"+sig.ID+"/enrichments",
		map[string]any{"purpose_id": purposeID}, 422, "justification_required")

	// The terminal journey: enrich with --wait, then search.
	env := []string{"VERRIJK_TOKEN=" + analyst.token}
	out, errOut, code := run(t, env, "enrich", "--server", d.base, "--signal", sig.ID, "--purpose", purposeID,
		"--justification", "Signaal RIEC-2026-001: eigenaar en adres nagelstudio vaststellen",
		"kvk:68750110", "address:8823SJ 3A", "--wait")
	if code != 0 {
		t.Fatalf("verrijk enrich: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{"kvk ", "bag ", " done", "/"} {
		if !strings.Contains(out, want) {
			t.Errorf("enrich progress lacks %q:\n%s", want, out)
		}
	}
	jobID := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "job "))
	job := waitJob(t, analyst, jobID)
	if job.Status != "done" || job.Progress != 1 {
		t.Fatalf("job %s: status %s progress %v, want done 1: %+v", jobID, job.Status, job.Progress, job.Tasks)
	}
	sources := map[string]int{}
	for _, tk := range job.Tasks {
		sources[tk.Source]++
		if tk.Status != "done" || tk.Attempts < 1 {
			t.Errorf("task %+v not done", tk)
		}
	}
	if sources["kvk"] < 2 || sources["bag"] < 1 {
		t.Errorf("job tasks per source %v: want kvk for both subjects and bag for the address", sources)
	}

	checkEntities(t, analyst, sig.ID, jobID)
	checkSearch(t, analyst, d)
	checkAudit(t, auditor, analyst, sig.ID, jobID)

	// The chain verifies, over the API (auditor only) and on the command line.
	var v struct {
		OK      bool
		Entries int
		Head    string
	}
	auditor.must(200, "GET", "/api/v1/audit/verify", nil, &v)
	if !v.OK || v.Entries < 10 || len(v.Head) != 64 {
		t.Errorf("GET /audit/verify = %+v", v)
	}
	analyst.must(403, "GET", "/api/v1/audit/verify", nil, nil)
	if out, errOut, code := run(t, nil, "audit", "verify", "--config", d.config); code != 0 || !strings.Contains(out, "intact") {
		t.Errorf("verrijk audit verify: exit %d\n%s%s", code, out, errOut)
	}
}

func expectError(t *testing.T, a caller, method, path string, body any, status int, code string) {
	t.Helper()
	got, raw := a.call(method, path, body, nil)
	if got != status || !strings.Contains(raw, `"code":"`+code+`"`) {
		t.Errorf("%s %s: %d %s, want %d %s", method, path, got, raw, status, code)
	}
}

func checkEntities(t *testing.T, a caller, signalID, jobID string) {
	t.Helper()
	expectError(t, a, "GET", "/api/v1/signals/"+signalID+"/entities", nil, 422, "purpose_required")
	var res struct{ Entities []entityJSON }
	a.must(200, "GET", "/api/v1/signals/"+signalID+"/entities?purpose_id="+purposeID, nil, &res)
	var company, address *entityJSON
	for i, e := range res.Entities {
		switch {
		case e.Schema == "Company" && contains(e.Properties["kvkNumber"], "68750110"):
			company = &res.Entities[i]
		case e.Schema == "Address" && contains(e.Properties["postalCode"], "8823SJ"):
			address = &res.Entities[i]
		}
	}
	if company == nil || address == nil {
		t.Fatalf("entities of the signal lack the company or its address: %+v", res.Entities)
	}
	if company.Caption != "Test BV Donald" || !contains(company.Properties["name"], "Test BV Donald") {
		t.Errorf("company caption %q, names %v", company.Caption, company.Properties["name"])
	}
	if !contains(company.Properties["addressEntity"], address.ID) {
		t.Errorf("company addressEntity %v does not point at address %s", company.Properties["addressEntity"], address.ID)
	}
	if len(address.Properties["bagId"]) == 0 {
		t.Errorf("address has no bagId: the KvK and BAG addresses did not merge: %+v", address.Properties)
	}
	for _, e := range []*entityJSON{company, address} {
		if len(e.Provenance) == 0 {
			t.Errorf("%s has no provenance", e.ID)
		}
		for _, p := range e.Provenance {
			if len(p.SHA256) != 64 || p.URL == "" || p.FetchedAt.IsZero() || len(p.Properties) == 0 {
				t.Errorf("%s provenance incomplete: %+v", e.ID, p)
			}
		}
		linked := false
		for _, l := range e.Signals {
			if l.SignalID == signalID && l.PurposeID == purposeID && l.JobID == jobID {
				linked = true
				if d := time.Until(l.ExpiresAt); d < 364*24*time.Hour || d > 367*24*time.Hour {
					t.Errorf("%s link expires at %v, want about a year (P1Y) from now", e.ID, l.ExpiresAt)
				}
			}
		}
		if !linked {
			t.Errorf("%s not linked to signal %s under %s by job %s: %+v", e.ID, signalID, purposeID, jobID, e.Signals)
		}
	}
	// Reading one entity needs a purpose it was gathered under.
	var one entityJSON
	a.must(200, "GET", "/api/v1/entities/"+company.ID+"?purpose_id="+purposeID, nil, &one)
	if one.ID != company.ID {
		t.Errorf("entity read returned %s", one.ID)
	}
	expectError(t, a, "GET", "/api/v1/entities/"+company.ID, nil, 422, "purpose_required")
	expectError(t, a, "GET", "/api/v1/entities/"+company.ID+"?purpose_id=adrescontrole", nil, 404, "not_found")
}

func checkSearch(t *testing.T, a caller, d *deployment) {
	t.Helper()
	expectError(t, a, "GET", "/api/v1/search?q=Donald", nil, 422, "purpose_required")
	// The index is a projection: in production mode the serve process
	// catches up with what the workers stored, so allow it a moment.
	for _, q := range []string{"Donald", "donald", "68750110", "8823 sj"} {
		var res struct {
			Total int
			Hits  []entityJSON
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			a.must(200, "GET", "/api/v1/search?purpose_id="+purposeID+"&q="+url.QueryEscape(q), nil, &res)
			if res.Total > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if res.Total == 0 {
			t.Errorf("search %q under %s found nothing", q, purposeID)
		}
	}
	var other struct{ Total int }
	a.must(200, "GET", "/api/v1/search?purpose_id=adrescontrole&q=Donald", nil, &other)
	if other.Total != 0 {
		t.Errorf("search under a purpose nothing was gathered for found %d hits", other.Total)
	}
	out, errOut, code := run(t, []string{"VERRIJK_TOKEN=" + a.token}, "search", "Donald", "--purpose", purposeID, "--server", d.base)
	if code != 0 || !strings.Contains(out, "Test BV Donald") || !strings.Contains(out, "kvkNumber=68750110") {
		t.Errorf("verrijk search: exit %d\n%s%s", code, out, errOut)
	}
	// The filters: only KvK's entities, newest first; a source that finds
	// nothing for the name; a date range in the past.
	out, errOut, code = run(t, []string{"VERRIJK_TOKEN=" + a.token}, "search", "Donald", "--purpose", purposeID,
		"--source", "kvk", "--sort", "date", "--server", d.base)
	if code != 0 || !strings.Contains(out, "Test BV Donald") {
		t.Errorf("verrijk search --source kvk: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"--source", "rdw"}, {"--to", "2001-01-01"}} {
		out, errOut, code = run(t, []string{"VERRIJK_TOKEN=" + a.token}, append([]string{"search", "Donald",
			"--purpose", purposeID, "--server", d.base}, args...)...)
		if code != 0 || !strings.HasPrefix(out, "0 hits") {
			t.Errorf("verrijk search %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if _, errOut, code := run(t, []string{"VERRIJK_TOKEN=" + a.token}, "search", "Donald", "--purpose", purposeID,
		"--sort", "random", "--server", d.base); code == 0 || !strings.Contains(errOut, "sort") {
		t.Errorf("verrijk search --sort random: exit %d, %s", code, errOut)
	}
}

func checkAudit(t *testing.T, auditor, analyst caller, signalID, jobID string) {
	t.Helper()
	analyst.must(403, "GET", "/api/v1/audit", nil, nil)
	var res struct {
		Entries []struct {
			Seq                int64  `json:"seq"`
			ActorUser          string `json:"actor_user"`
			Action             string `json:"action"`
			ObjectID           string `json:"object_id"`
			PurposeID          string `json:"purpose_id"`
			Result             string `json:"result"`
			Justification      string `json:"justification"`
			ProcessingActivity string `json:"processing_activity"`
			Origin             string `json:"origin"`
			TraceID            string `json:"trace_id"`
			PrevHash           string `json:"prev_hash"`
			Hash               string `json:"hash"`
		}
	}
	auditor.must(200, "GET", "/api/v1/audit?limit=1000", nil, &res)
	count := map[string]int{}
	var prev string
	for i, e := range res.Entries {
		count[e.Action]++
		if i > 0 && e.PrevHash != prev {
			t.Errorf("audit entry %d: prev_hash %q does not chain to %q", e.Seq, e.PrevHash, prev)
		}
		prev = e.Hash
		switch e.Action {
		case "enrichment.requested":
			if e.ActorUser != "anna" || e.PurposeID != purposeID || e.ObjectID != signalID || !strings.Contains(e.Justification, "RIEC-2026-001") || e.ProcessingActivity == "" {
				t.Errorf("enrichment.requested entry incomplete: %+v", e)
			}
		case "source.queried":
			if e.TraceID == jobID && (e.ActorUser != "anna" || e.PurposeID != purposeID || !strings.HasPrefix(e.Origin, "worker:") || e.Result == "") {
				t.Errorf("source.queried entry incomplete: %+v", e)
			}
		}
	}
	for action, min := range map[string]int{"enrichment.requested": 1, "source.queried": 3, "search": 5, "entity.read": 2} {
		if count[action] < min {
			t.Errorf("audit has %d %s entries, want at least %d (all: %v)", count[action], action, min, count)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// TestEmbeddedEndToEnd runs the journey on the embedded defaults: one
// `verrijk serve` with in-process Redis, SQLite and Bleve.
func TestEmbeddedEndToEnd(t *testing.T) {
	d := newDeployment(t, "", 0)
	scenario(t, d)

	// Someone with access to the database file edits an entry: verify
	// fails and names it.
	db, err := sql.Open("sqlite", filepath.Join(d.dataDir, "verrijk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_entries SET justification = 'niets aan de hand' WHERE action = 'enrichment.requested'`); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, nil, "audit", "verify", "--config", d.config)
	if code != 1 || !strings.Contains(out, "BROKEN at entry") || !strings.Contains(out, "edited") {
		t.Errorf("verify after tampering: exit %d: %s", code, out)
	}
}
