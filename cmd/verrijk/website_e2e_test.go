package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"verrijk/sources/replays"
	"verrijk/sources/social/socialtest"
	"verrijk/sources/website/websitetest"
)

// allowEverySource lets the deployment's purpose use every source, so a
// test can reach the ones the harness's bootstrap purpose leaves out
// (website, social).
func allowEverySource(t *testing.T, d *deployment) {
	t.Helper()
	admin := caller{t, d.base, d.token("beheer-bronnen", "admin")}
	var p map[string]any
	admin.must(200, "GET", "/api/v1/purposes/"+purposeID, nil, &p)
	var all []string
	for _, r := range replays.All {
		all = append(all, r.Source)
	}
	body := map[string]any{"allowed_sources": all}
	for _, k := range []string{"id", "name", "legal_basis", "processing_activity", "retention", "description", "criminal_offence_data"} {
		body[k] = p[k]
	}
	admin.must(200, "PUT", "/api/v1/purposes/"+purposeID, body, nil)
}

// storedEvidence is one row of the evidence table.
type storedEvidence struct {
	sha, source, kind, url, task, headers string
	status                                int
	body                                  []byte
}

// evidenceOfJob reads the evidence a job stored, straight from its SQLite
// file: robots.txt answers have no entity to reach them through the API.
func evidenceOfJob(t *testing.T, d *deployment, jobID string) []storedEvidence {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(d.dataDir, "verrijk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT sha256, source, kind, url, task_id, status, body, headers FROM evidence WHERE job_id = ? ORDER BY fetched_at, url`, jobID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedEvidence
	for rows.Next() {
		var e storedEvidence
		if err := rows.Scan(&e.sha, &e.source, &e.kind, &e.url, &e.task, &e.status, &e.body, &e.headers); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWebsiteAndSocialEndToEnd crawls the replayed company site and reads
// its profiles through the real pipeline: the evidence of every page and
// profile is stored with its hash and URL, the disallowed and off-site
// pages are never asked for, and X's login wall ends its task as skipped,
// not failed, with the query in the audit log.
func TestWebsiteAndSocialEndToEnd(t *testing.T) {
	d := newDeployment(t, "", 0)
	admin := caller{t, d.base, d.token("beheer", "admin")}
	analyst := caller{t, d.base, d.token("anna", "analyst")}
	const purpose = "open-bronnen"
	admin.must(201, "POST", "/api/v1/purposes", map[string]any{"id": purpose, "name": "Openbare bronnen op internet",
		"legal_basis": "AVG art. 6(1)(e); Gemeentewet art. 172", "processing_activity": "https://register.example.nl/verwerkingen/osint",
		"retention": "P1Y", "allowed_sources": []string{"website", "social"}}, nil)

	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Fruitbedrijf met veel contante omzet"}, &sig)
	for _, s := range []map[string]string{
		{"type": "domain", "value": websitetest.Domain},
		{"type": "social", "value": "linkedin/" + socialtest.LinkedInHandle},
		{"type": "social", "value": "x/" + socialtest.Handle},
	} {
		analyst.must(201, "POST", "/api/v1/signals/"+sig.ID+"/subjects", s, nil)
	}
	var accepted struct {
		JobID string `json:"job_id"`
	}
	analyst.must(202, "POST", "/api/v1/signals/"+sig.ID+"/enrichments", map[string]any{"purpose_id": purpose,
		"justification": "Signaal RIEC-2026-014: website en profielen van het bedrijf vastleggen", "max_depth": 0}, &accepted)
	job := waitJob(t, analyst, accepted.JobID)
	if job.Status != "done" {
		t.Fatalf("job %s, want done (a login wall is no failure): %+v", job.Status, job.Tasks)
	}
	tasks := map[string]string{}
	for _, tk := range job.Tasks {
		tasks[tk.Source+" "+tk.Subject] = tk.Status + " " + tk.Error
	}
	for key, want := range map[string]string{
		"website domain:" + websitetest.Domain:                "done ",
		"social social:linkedin/" + socialtest.LinkedInHandle: "done ",
		"social social:x/" + socialtest.Handle:                "skipped not publicly available: login required",
	} {
		if got := tasks[key]; got != want {
			t.Errorf("task %s: %q, want %q (all: %v)", key, got, want, tasks)
		}
	}

	stored := checkStoredEvidence(t, d, accepted.JobID)
	checkWebsiteEntities(t, analyst, sig.ID, purpose, stored)

	site := d.replay["website"].(*websitetest.Handler)
	for _, p := range websitetest.NeverFetched {
		if n := site.Asked(websitetest.Host + p); n != 0 {
			t.Errorf("%s was fetched %d times", p, n)
		}
	}
	if n := site.RequestsTo("fruitveiling"); n != 0 {
		t.Errorf("the crawl left the site (%d requests)", n)
	}

	// The wall is in the audit log as a query that found nothing public.
	fg := caller{t, d.base, d.token("fg", "auditor")}
	var audit struct {
		Entries []struct{ Result, Detail string }
	}
	fg.must(200, "GET", "/api/v1/audit?action=source.queried&limit=1000", nil, &audit)
	walled := false
	for _, e := range audit.Entries {
		walled = walled || e.Result == "empty" && strings.Contains(e.Detail, "social:x/"+socialtest.Handle) &&
			strings.Contains(e.Detail, "not publicly available: login required")
	}
	if !walled {
		t.Errorf("the login wall is not in the audit log: %+v", audit.Entries)
	}
}

// checkStoredEvidence checks the evidence rows of the job: every page the
// crawl kept and the robots.txt, the LinkedIn profile, each hashed right,
// and nothing for the walled X profile.
func checkStoredEvidence(t *testing.T, d *deployment, jobID string) map[string]storedEvidence {
	t.Helper()
	stored := evidenceOfJob(t, d, jobID)
	byURL := map[string]storedEvidence{}
	for _, e := range stored {
		sum := sha256.Sum256(e.body)
		if e.sha != hex.EncodeToString(sum[:]) || e.url == "" || e.task == "" || e.status != 200 {
			t.Errorf("evidence %s (%s): sha %s, task %q, status %d", e.url, e.kind, e.sha, e.task, e.status)
		}
		byURL[e.url] = e
	}
	want := map[string]string{"http://" + websitetest.Host + "/robots.txt": "website.robots"}
	for _, p := range websitetest.Pages {
		want["http://"+websitetest.Host+p] = "website.page"
	}
	for url, kind := range want {
		if e, ok := byURL[url]; !ok || e.kind != kind || e.source != "website" {
			t.Errorf("no %s evidence for %s", kind, url)
		} else if !strings.Contains(e.headers, `"Content-Type":"text/`) {
			t.Errorf("evidence of %s keeps headers %s, want its content type", url, e.headers)
		}
	}
	profile := ""
	for url, e := range byURL {
		if e.kind == "social.profile" {
			if !strings.HasSuffix(url, "/linkedin/company/"+socialtest.LinkedInHandle+"/") {
				t.Errorf("social evidence for %s; only the LinkedIn page is public", url)
			}
			profile = url
		}
		if strings.Contains(url, "/x/") || strings.HasSuffix(url, "/documenten/folder") {
			t.Errorf("evidence kept for %s", url)
		}
	}
	if profile == "" {
		t.Error("the LinkedIn profile page was not stored")
	}
	if kinds := len(stored); kinds != len(want)+1 {
		var urls []string
		for _, e := range stored {
			urls = append(urls, e.url)
		}
		slices.Sort(urls)
		t.Errorf("%d evidence rows, want %d: %v", kinds, len(want)+1, urls)
	}
	return byURL
}

// checkWebsiteEntities follows the pipeline's reading of the evidence: the
// site's Website entity cites the contact page by URL and hash, the KvK
// number on it became the company, and the LinkedIn page a profile.
func checkWebsiteEntities(t *testing.T, a caller, signalID, purpose string, stored map[string]storedEvidence) {
	t.Helper()
	var res struct{ Entities []entityJSON }
	a.must(200, "GET", "/api/v1/signals/"+signalID+"/entities?purpose_id="+purpose, nil, &res)
	g := newGraph(res.Entities)
	contact := stored["http://"+websitetest.Host+"/contact"]
	cited := false
	for _, w := range g.bySchema["Website"] {
		for _, p := range w.Provenance {
			cited = cited || p.URL == contact.url && p.SHA256 == contact.sha && p.Source == "website"
		}
	}
	company := false
	for _, c := range g.bySchema["Company"] {
		company = company || contains(c.Properties["kvkNumber"], "68750110")
	}
	profile := false
	for _, p := range g.bySchema["SocialProfile"] {
		for _, pr := range p.Provenance {
			profile = profile || pr.Source == "social"
		}
	}
	if !cited || !company || !profile {
		t.Errorf("website entity citing the contact page %v, company 68750110 %v, profile from social %v\n%s",
			cited, company, profile, g.summary())
	}
}
