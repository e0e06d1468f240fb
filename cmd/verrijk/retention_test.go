package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRetentionEndToEnd enriches a signal on the embedded deployment, then
// runs `verrijk retention run` two years later while serve runs (and holds
// the index): the store and the evidence are swept at once, serve drops the
// entities from its index when it starts again, and the audit chain, with
// its retention.deleted entries, still verifies.
func TestRetentionEndToEnd(t *testing.T) {
	// The signal's own period is longer than its purpose's: first the
	// links expire, then (at the end) the signal itself goes.
	d := newDeployment(t, "retention: {signal_period: P5Y}\n", 0)
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}

	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Bewaartermijn"}, &sig)
	out, errOut, code := run(t, []string{"VERRIJK_TOKEN=" + analyst.token}, "enrich", "--server", d.base,
		"--signal", sig.ID, "--purpose", purposeID, "--justification", "Signaal RIEC-2026-002: eigenaar vaststellen",
		"kvk:68750110", "--wait")
	if code != 0 {
		t.Fatalf("verrijk enrich: exit %d\n%s%s", code, out, errOut)
	}
	var res struct{ Entities []entityJSON }
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID+"/entities?purpose_id="+purposeID, nil, &res)
	if len(res.Entities) < 2 {
		t.Fatalf("enrichment stored %d entities", len(res.Entities))
	}
	stored := len(res.Entities)
	hashes := map[string]bool{}
	for _, e := range res.Entities {
		for _, p := range e.Provenance {
			hashes[p.SHA256] = true
		}
	}
	if n := searchTotal(analyst, "Donald"); n == 0 {
		t.Fatalf("search before the sweep found nothing")
	}
	db, err := sql.Open("sqlite", filepath.Join(d.dataDir, "verrijk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countEvidence(t, db, hashes); n != len(hashes) {
		t.Fatalf("evidence named by the entities: %d of %d stored", n, len(hashes))
	}

	// Two years on, with serve running: the store is swept now.
	later := time.Now().AddDate(2, 0, 0).UTC().Format(time.RFC3339)
	out, errOut, code = run(t, nil, "retention", "run", "--now", later, "--config", d.config)
	if code != 0 || !strings.Contains(out, "retention sweep as of "+later) || !strings.Contains(out, "index not swept") ||
		strings.Contains(out, "deleted 0 links") {
		t.Fatalf("verrijk retention run: exit %d\n%s%s", code, out, errOut)
	}
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID+"/entities?purpose_id="+purposeID, nil, &res)
	if len(res.Entities) != 0 {
		t.Errorf("signal entities after the sweep: %d, want none", len(res.Entities))
	}
	for _, tbl := range []string{"entities", "signal_entity_links"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + tbl).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after the sweep: %d rows (%v), want none", tbl, n, err)
		}
	}
	if n := countEvidence(t, db, hashes); n != 0 {
		t.Errorf("evidence after the sweep: %d of %d rows left", n, len(hashes))
	}

	// The log names what went, by id only, and still verifies.
	var audit struct {
		Entries []struct {
			ActorUser  string `json:"actor_user"`
			ObjectType string `json:"object_type"`
			ObjectID   string `json:"object_id"`
			Detail     string `json:"detail"`
		} `json:"entries"`
	}
	auditor.must(200, "GET", "/api/v1/audit?action=retention.deleted&limit=1000", nil, &audit)
	kinds := map[string]int{}
	for _, e := range audit.Entries {
		kinds[e.ObjectType]++
		if e.ActorUser != "system" || strings.Contains(e.Detail+e.ObjectID, "Donald") || strings.Contains(e.Detail+e.ObjectID, "68750110") {
			t.Errorf("retention entry %+v", e)
		}
	}
	if kinds["link"] != kinds["entity"] || kinds["entity"] != stored || kinds["evidence"] < len(hashes) {
		t.Errorf("retention entries by object %v, want a link and an entity for each of %d entities and %d evidence", kinds, stored, len(hashes))
	}
	var v struct{ OK bool }
	auditor.must(200, "GET", "/api/v1/audit/verify", nil, &v)
	if !v.OK {
		t.Errorf("audit chain broken after the sweep")
	}

	// serve drops what the sweep deleted from its index when it starts.
	d.serve.stop()
	d.serve = start(t, nil, "serve", "--config", d.config)
	waitReady(t, d.base, d.serve)
	deadline := time.Now().Add(30 * time.Second)
	for searchTotal(analyst, "Donald") != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("search still finds the swept entities 30s after serve started")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := searchTotal(analyst, "68750110"); n != 0 {
		t.Errorf("search by kvk number after the sweep: %d hits", n)
	}
	if out, errOut, code := run(t, nil, "audit", "verify", "--config", d.config); code != 0 {
		t.Errorf("verrijk audit verify: exit %d\n%s%s", code, out, errOut)
	}

	// Six years on the signal's own period (P5Y) has passed: it is closed
	// and purged, and the chain still verifies.
	much := time.Now().AddDate(6, 0, 0).UTC().Format(time.RFC3339)
	out, errOut, code = run(t, nil, "retention", "run", "--now", much, "--config", d.config)
	if code != 0 || !strings.Contains(out, "purged 1 signals") {
		t.Fatalf("verrijk retention run (signal period): exit %d\n%s%s", code, out, errOut)
	}
	if status, body := analyst.call("GET", "/api/v1/signals/"+sig.ID, nil, nil); status != 404 {
		t.Errorf("signal after its own period: %d %s, want 404", status, body)
	}
	if out, errOut, code := run(t, nil, "audit", "verify", "--config", d.config); code != 0 {
		t.Errorf("verrijk audit verify after the signal purge: exit %d\n%s%s", code, out, errOut)
	}
}

func searchTotal(a caller, q string) int {
	a.t.Helper()
	var res struct{ Total int }
	a.must(200, "GET", "/api/v1/search?purpose_id="+purposeID+"&q="+q, nil, &res)
	return res.Total
}

func countEvidence(t *testing.T, db *sql.DB, hashes map[string]bool) int {
	t.Helper()
	n := 0
	for h := range hashes {
		var c int
		if err := db.QueryRow(`SELECT count(*) FROM evidence WHERE sha256 = ?`, h).Scan(&c); err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}
