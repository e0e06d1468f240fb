package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// probeSource answers a lookup of its one subject type, or fails.
type probeSource struct {
	name  string
	typ   subject.Type
	fail  error
	asked []subject.Subject
}

func (p *probeSource) Name() string                { return p.name }
func (p *probeSource) Accepts(t subject.Type) bool { return t == p.typ }
func (p *probeSource) Fetch(_ context.Context, s subject.Subject) (*sources.Result, error) {
	p.asked = append(p.asked, s)
	if p.fail != nil {
		return nil, p.fail
	}
	return &sources.Result{Found: true, Evidence: []sources.Evidence{{Source: p.name}}}, nil
}

func TestSourceTestNow(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw, hash, _ := api.NewToken()
	if err := st.CreateToken(ctx, store.Token{Hash: hash, User: "adam", Role: api.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	kvk := &probeSource{name: "kvk", typ: subject.KvK}
	bag := &probeSource{name: "bag", typ: subject.Address, fail: errors.New("bag: unexpected http status 503 Service Unavailable")}
	rdw := &probeSource{name: "rdw", typ: subject.Plate}
	srv := httptest.NewServer(api.New(api.Deps{Store: st, Audit: audit.New(st), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Sources:  map[string]sources.Source{"kvk": kvk, "bag": bag},
		Adapters: map[string]sources.Source{"kvk": kvk, "bag": bag, "rdw": rdw}}))
	defer srv.Close()
	post := func(name string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/sources/"+name+"/test", nil)
		req.Header.Set("Authorization", "Bearer "+raw)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if code, out := post("kvk"); code != 200 || out["ok"] != true || out["found"] != true || out["subject"] != "kvk:68750110" {
		t.Errorf("test kvk = %d %v", code, out)
	}
	if len(kvk.asked) != 1 || kvk.asked[0].Value != "68750110" {
		t.Errorf("kvk was asked %v, want the test company once", kvk.asked)
	}
	if code, out := post("bag"); code != 200 || out["ok"] != false || out["error"] == "" {
		t.Errorf("test of a failing source = %d %v", code, out)
	}
	if code, _ := post("rdw"); code != http.StatusConflict {
		t.Errorf("test of a disabled source = %d, want 409", code)
	}
	if code, _ := post("nope"); code != http.StatusNotFound {
		t.Errorf("test of an unknown source = %d, want 404", code)
	}
	entries, _ := st.ListAudit(ctx, store.AuditFilter{Action: api.ActionSourceTested})
	if len(entries) != 2 || entries[0].Result != "ok" || entries[1].Result != "failed" {
		t.Errorf("source.tested entries = %+v", entries)
	}
}
