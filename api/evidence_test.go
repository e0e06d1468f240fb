package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// seedEvidence stores a hostile source answer and an entity whose
// provenance names it, linked under onderzoek to a team-noord signal.
func seedEvidence(f *fixture) (entityID, sha string, body []byte) {
	f.t.Helper()
	ctx := context.Background()
	body = []byte(`{"naam": "<script>alert('bewijs')</script> BV"}`)
	sum := sha256.Sum256(body)
	sha = hex.EncodeToString(sum[:])
	if err := f.store.SaveEvidence(ctx, store.Evidence{SHA256: sha, Source: "kvk", Kind: "kvk.zoeken",
		URL: "https://api.kvk.nl/zoeken?kvkNummer=68750110", Status: 200, FetchedAt: time.Now(), Body: body}); err != nil {
		f.t.Fatal(err)
	}
	e := entity.Entity{ID: entity.MakeID(entity.SchemaCompany, "kvkNumber", "68750110"), Schema: entity.SchemaCompany,
		Caption: "Bewijs BV", Provenance: []entity.Provenance{{Source: "kvk", SHA256: sha, Properties: []string{"name"}}}}
	e.Add("name", "Bewijs BV")
	if _, err := f.store.UpsertEntity(ctx, e); err != nil {
		f.t.Fatal(err)
	}
	sig := f.createSignal("bewijs")
	if err := f.store.Link(ctx, entity.Link{SignalID: sig, EntityID: e.ID, PurposeID: onderzoek, JobID: "job-1",
		ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
		f.t.Fatal(err)
	}
	return e.ID, sha, body
}

func TestEvidenceIsServedInertAndAudited(t *testing.T) {
	f := newFixture(t)
	id, sha, body := seedEvidence(f)
	path := "/api/v1/evidence/" + sha + "?purpose_id=" + onderzoek + "&entity_id=" + id
	r := f.do(api.RoleAnalyst, "GET", path, nil)
	if r.status != http.StatusOK || string(r.body) != string(body) {
		t.Fatalf("GET evidence = %d %q", r.status, r.body)
	}
	for k, want := range map[string]string{"Content-Type": "text/plain; charset=utf-8",
		"Content-Security-Policy": "sandbox; default-src 'none'", "X-Content-Type-Options": "nosniff"} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	j := f.do(api.RoleAnalyst, "GET", path+"&format=json", nil)
	var v struct {
		SHA256, Source, Body string
		Size                 int
	}
	if err := json.Unmarshal(j.body, &v); err != nil || v.SHA256 != sha || v.Body != string(body) || v.Size != len(body) {
		t.Errorf("JSON evidence = %s (%v)", j.body, err)
	}
	if e := f.lastAudit(api.ActionEvidenceRead); e.ObjectID != sha || e.PurposeID != onderzoek || e.Result != "ok" ||
		!strings.Contains(e.Detail, id) || e.ActorUser != analystUser {
		t.Errorf("evidence.read entry %+v", e)
	}
}

func TestEvidenceRefusals(t *testing.T) {
	f := newFixture(t)
	id, sha, _ := seedEvidence(f)
	other := strings.Repeat("0", 64)
	for _, c := range []struct {
		name, role, query string
		status            int
		code              string
	}{
		{"no purpose", api.RoleAnalyst, "?entity_id=" + id, 422, "purpose_required"},
		{"no entity", api.RoleAnalyst, "?purpose_id=" + onderzoek, 400, "bad_request"},
		{"other purpose", api.RoleAnalyst, "?purpose_id=" + alleenKvK + "&entity_id=" + id, 404, "not_found"},
		{"other team", zuidAnalyst, "?purpose_id=" + onderzoek + "&entity_id=" + id, 404, "not_found"},
		{"admin", api.RoleAdmin, "?purpose_id=" + onderzoek + "&entity_id=" + id, 403, "forbidden"},
	} {
		r := f.do(c.role, "GET", "/api/v1/evidence/"+sha+c.query, nil)
		if r.status != c.status || !strings.Contains(string(r.body), c.code) {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
		}
	}
	// Evidence the entity's provenance does not name is not served through it.
	r := f.do(api.RoleAnalyst, "GET", "/api/v1/evidence/"+other+"?purpose_id="+onderzoek+"&entity_id="+id, nil)
	wantError(t, r, 404, "not_found")
	if r := f.do(api.RoleAnalyst, "GET", "/api/v1/evidence/nothex?purpose_id="+onderzoek+"&entity_id="+id, nil); r.status != 400 {
		t.Errorf("malformed sha256 = %d", r.status)
	}
	denied := 0
	for _, e := range f.auditEntries(api.ActionEvidenceRead) {
		if e.Result == "denied" {
			denied++
		}
	}
	if denied < 3 {
		t.Errorf("%d denied evidence reads audited, want the refusals logged", denied)
	}
}
