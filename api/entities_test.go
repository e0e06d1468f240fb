package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/pipeline/entity"
)

const hostileCaption = `<script>alert("xss")</script> Holding B.V.`

// seeded is a signal with entities linked under the fixture's purposes.
type seeded struct {
	signal string
	zon    string // Café De Zon: linked under onderzoek and alleen-kvk
	evil   string // hostile caption: linked under onderzoek
	geheim string // Geheim BV: linked under alleen-kvk only
	los    string // stored, linked to nothing
}

func seed(f *fixture) seeded {
	f.t.Helper()
	ctx := context.Background()
	s := seeded{signal: f.createSignal("entiteiten")}
	fetched := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	company := func(kvk, caption string) entity.Entity {
		e := entity.Entity{ID: entity.MakeID(entity.SchemaCompany, "kvkNumber", kvk), Schema: entity.SchemaCompany, Caption: caption}
		e.Add("name", caption)
		e.Add("kvkNumber", kvk)
		e.Provenance = []entity.Provenance{{Source: "kvk", URL: "https://api.kvk.nl/basisprofielen/" + kvk,
			FetchedAt: fetched, SHA256: strings.Repeat("ab", 32), Properties: []string{"kvkNumber", "name"}}}
		return e
	}
	links := map[string][]string{}
	for _, c := range []struct {
		kvk, caption string
		id           *string
		purposes     []string
	}{
		{"68750110", "Café De Zon", &s.zon, []string{onderzoek, alleenKvK}},
		{"69599068", hostileCaption, &s.evil, []string{onderzoek}},
		{"69599084", "Geheim BV", &s.geheim, []string{alleenKvK}},
		{"90000749", "Losse Vennootschap", &s.los, nil},
	} {
		e, err := f.store.UpsertEntity(ctx, company(c.kvk, c.caption))
		if err != nil {
			f.t.Fatal(err)
		}
		*c.id = e.ID
		links[e.ID] = c.purposes
		for _, p := range c.purposes {
			if err := f.store.Link(ctx, entity.Link{SignalID: s.signal, EntityID: e.ID, PurposeID: p, JobID: "job-" + p,
				ExpiresAt: fetched.AddDate(1, 0, 0)}); err != nil {
				f.t.Fatal(err)
			}
		}
		stored, err := f.store.GetEntity(ctx, e.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		if err := f.index.Upsert(ctx, stored); err != nil {
			f.t.Fatal(err)
		}
	}
	return s
}

// ids returns the ids of the entities (or hits) under key.
func ids(t *testing.T, out map[string]any, key string) []string {
	t.Helper()
	var got []string
	for _, raw := range list(t, out, key) {
		got = append(got, raw.(map[string]any)["id"].(string))
	}
	slices.Sort(got)
	return got
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// linkPurposes returns the purposes of an entity's signal links.
func linkPurposes(t *testing.T, e map[string]any) []string {
	t.Helper()
	var ps []string
	for _, raw := range list(t, e, "signals") {
		ps = append(ps, raw.(map[string]any)["purpose_id"].(string))
	}
	return ps
}

func TestSignalEntities(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	path := "/api/v1/signals/" + s.signal + "/entities"
	wantError(t, f.do(api.RoleAnalyst, "GET", path, nil), 422, "purpose_required")
	wantError(t, f.do(api.RoleAnalyst, "GET", path+"?purpose_id=geen-doel", nil), 422, "purpose_unknown")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/does-not-exist/entities?purpose_id="+onderzoek, nil), 404, "not_found")

	out := f.call(api.RoleAnalyst, "GET", path+"?purpose_id="+onderzoek, nil, http.StatusOK)
	if got, want := ids(t, out, "entities"), sorted(s.zon, s.evil); !slices.Equal(got, want) {
		t.Errorf("entities under %s = %v, want %v", onderzoek, got, want)
	}
	for _, raw := range list(t, out, "entities") {
		if ps := linkPurposes(t, raw.(map[string]any)); !slices.Equal(ps, []string{onderzoek}) {
			t.Errorf("entity read under %s shows links under %v", onderzoek, ps)
		}
	}
	out = f.call(api.RoleAnalyst, "GET", path+"?purpose_id="+alleenKvK, nil, http.StatusOK)
	if got, want := ids(t, out, "entities"), sorted(s.zon, s.geheim); !slices.Equal(got, want) {
		t.Errorf("entities under %s = %v, want %v", alleenKvK, got, want)
	}
	out = f.call(api.RoleAnalyst, "GET", path+"?purpose_id="+alleenRDW, nil, http.StatusOK)
	if got := list(t, out, "entities"); len(got) != 0 {
		t.Errorf("entities under %s = %v, want none", alleenRDW, got)
	}

	e := f.lastAudit("entity.read")
	if e.ObjectID != s.signal || e.PurposeID != alleenRDW || e.ActorUser != analystUser || e.ProcessingActivity != "voertuigcheck" {
		t.Errorf("audit entry = %+v", e)
	}
	if n := len(f.auditEntries("entity.read")); n != 3 {
		t.Errorf("%d entity.read entries, want 3 (one per answered read)", n)
	}
}

func TestGetEntity(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	out := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon+"?purpose_id="+onderzoek, nil, http.StatusOK)
	if out["id"] != s.zon || out["schema"] != "Company" || out["caption"] != "Café De Zon" {
		t.Errorf("entity = %v", out)
	}
	props, _ := out["properties"].(map[string]any)
	if kvk, _ := props["kvkNumber"].([]any); len(kvk) != 1 || kvk[0] != "68750110" {
		t.Errorf("properties = %v", props)
	}
	prov := list(t, out, "provenance")
	if len(prov) != 1 || prov[0].(map[string]any)["source"] != "kvk" || prov[0].(map[string]any)["sha256"] == "" {
		t.Errorf("provenance = %v", prov)
	}
	// Linked under two purposes; read under one, it shows only that one's link.
	if ps := linkPurposes(t, out); !slices.Equal(ps, []string{onderzoek}) {
		t.Errorf("links shown under %s: %v", onderzoek, ps)
	}
	link := list(t, out, "signals")[0].(map[string]any)
	if link["signal_id"] != s.signal || link["job_id"] != "job-"+onderzoek || link["expires_at"] == "" {
		t.Errorf("link = %v", link)
	}
	ok := f.lastAudit("entity.read")
	if ok.ObjectID != s.zon || ok.PurposeID != onderzoek || ok.Result != "ok" || ok.ObjectType != "entity" {
		t.Errorf("audit entry = %+v", ok)
	}

	// Not linked under the stated purpose: 404, and the attempt is logged.
	r := f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.geheim+"?purpose_id="+onderzoek, nil)
	wantError(t, r, http.StatusNotFound, "not_found", onderzoek)
	if strings.Contains(string(r.body), "Geheim") {
		t.Errorf("denied read leaks the entity: %s", r.body)
	}
	denied := f.lastAudit("entity.read")
	if denied.ObjectID != s.geheim || denied.PurposeID != onderzoek || denied.Result != "denied" || denied.ActorUser != analystUser {
		t.Errorf("denied read audit entry = %+v", denied)
	}
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.los+"?purpose_id="+onderzoek, nil), http.StatusNotFound, "not_found")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/company-doesnotexist?purpose_id="+onderzoek, nil), http.StatusNotFound, "not_found")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon, nil), 422, "purpose_required")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.zon+"?purpose_id=geen-doel", nil), 422, "purpose_unknown")

	f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.geheim+"?purpose_id="+alleenKvK, nil, http.StatusOK)
}

func TestHostileCaptionIsEscaped(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	for _, path := range []string{
		"/api/v1/entities/" + s.evil + "?purpose_id=" + onderzoek,
		"/api/v1/signals/" + s.signal + "/entities?purpose_id=" + onderzoek,
		"/api/v1/search?purpose_id=" + onderzoek + "&q=holding",
		"/api/v1/search?purpose_id=" + onderzoek + "&q=" + url.QueryEscape("<script>"),
	} {
		r := f.do(api.RoleAnalyst, "GET", path, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		if strings.Contains(string(r.body), "<script") {
			t.Errorf("%s: raw <script> in the answer: %s", path, r.body)
		}
		if !strings.Contains(string(r.body), `\u003cscript\u003e`) {
			t.Errorf("%s: hostile caption missing or not escaped: %s", path, r.body)
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	out := f.call(api.RoleAnalyst, "GET", "/api/v1/entities/"+s.evil+"?purpose_id="+onderzoek, nil, http.StatusOK)
	if out["caption"] != hostileCaption {
		t.Errorf("caption = %q, want it unchanged after decoding", out["caption"])
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	s := seed(f)
	search := func(query url.Values) map[string]any {
		t.Helper()
		return f.call(api.RoleAnalyst, "GET", "/api/v1/search?"+query.Encode(), nil, http.StatusOK)
	}
	cases := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"by name", url.Values{"q": {"zon"}, "purpose_id": {onderzoek}}, []string{s.zon}},
		{"accent folded", url.Values{"q": {"cafe de zon"}, "purpose_id": {onderzoek}}, []string{s.zon}},
		{"accent typed", url.Values{"q": {"CAFÉ"}, "purpose_id": {onderzoek}}, []string{s.zon}},
		{"by kvk number", url.Values{"q": {"6875 0110"}, "purpose_id": {onderzoek}}, []string{s.zon}},
		{"other purpose's entity", url.Values{"q": {"geheim"}, "purpose_id": {onderzoek}}, nil},
		{"under its purpose", url.Values{"q": {"geheim"}, "purpose_id": {alleenKvK}}, []string{s.geheim}},
		{"unlinked entity", url.Values{"q": {"losse vennootschap"}, "purpose_id": {onderzoek}}, nil},
		{"empty query lists the purpose", url.Values{"purpose_id": {onderzoek}}, sorted(s.zon, s.evil)},
		{"by signal", url.Values{"purpose_id": {alleenKvK}, "signal_id": {s.signal}}, sorted(s.zon, s.geheim)},
		{"other signal", url.Values{"purpose_id": {alleenKvK}, "signal_id": {"ander-signaal"}}, nil},
		{"by schema", url.Values{"purpose_id": {onderzoek}, "schema": {"Company"}}, sorted(s.zon, s.evil)},
		{"other schema", url.Values{"purpose_id": {onderzoek}, "schema": {"Person"}}, nil},
		{"past the last page", url.Values{"q": {"zon"}, "purpose_id": {onderzoek}, "page": {"2"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := search(c.query)
			got := ids(t, out, "hits")
			if !slices.Equal(got, c.want) {
				t.Errorf("hits = %v, want %v", got, c.want)
			}
			if _, ok := out["total"].(float64); !ok {
				t.Errorf("no total in %v", out)
			}
			if _, ok := out["facets"].(map[string]any); !ok {
				t.Errorf("no facets in %v", out)
			}
		})
	}

	out := search(url.Values{"q": {"zon"}, "purpose_id": {onderzoek}})
	if out["total"] != 1.0 {
		t.Errorf("total = %v", out["total"])
	}
	hit := list(t, out, "hits")[0].(map[string]any)
	if score, _ := hit["score"].(float64); score <= 0 || hit["caption"] != "Café De Zon" || hit["schema"] != "Company" {
		t.Errorf("hit = %v", hit)
	}
	if ps := linkPurposes(t, hit); !slices.Equal(ps, []string{onderzoek}) {
		t.Errorf("hit shows links under %v", ps)
	}
	e := f.lastAudit("search")
	if e.ObjectID != "zon" || e.PurposeID != onderzoek || e.ProcessingActivity != "signaalonderzoek" ||
		e.ActorUser != analystUser || !strings.Contains(e.Detail, "total=1") {
		t.Errorf("search audit entry = %+v", e)
	}
}

func TestSearchRefused(t *testing.T) {
	f := newFixture(t)
	seed(f)
	before := len(f.auditEntries("search"))
	cases := []struct {
		query     string
		status    int
		code      string
		fragments []string
	}{
		{"q=zon", 422, "purpose_required", nil},
		{"q=zon&purpose_id=", 422, "purpose_required", nil},
		{"q=zon&purpose_id=geen-doel", 422, "purpose_unknown", []string{"geen-doel"}},
		{"q=zon&purpose_id=onderzoek&page=0", 400, "bad_request", []string{"page"}},
		{"q=zon&purpose_id=onderzoek&page=-1", 400, "bad_request", []string{"page"}},
		{"q=zon&purpose_id=onderzoek&page=abc", 400, "bad_request", []string{"page"}},
		{"q=zon&purpose_id=onderzoek&page=1001", 400, "bad_request", []string{"page"}},
		{"q=" + strings.Repeat("z", 501) + "&purpose_id=onderzoek", 400, "bad_request", []string{"q is longer"}},
	}
	for _, c := range cases {
		wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/search?"+c.query, nil), c.status, c.code, c.fragments...)
	}
	if n := len(f.auditEntries("search")) - before; n != 0 {
		t.Errorf("%d refused searches logged as searches", n)
	}
}
