package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"verrijk/api"
	"verrijk/pipeline/entity"
)

type network struct {
	signal, zuidSignal                                  string
	company, branch, address, domain, pub, hit, vehicle string
	zuidPub                                             string
}

func seedNetwork(f *fixture) network {
	n := network{signal: f.signalAs(api.RoleAnalyst, "netwerk"), zuidSignal: f.signalAs(zuidAnalyst, "zuid")}
	addr := f.storeEntity(fixtureEntity(entity.SchemaAddress, "a", "Hizzaarderlaan 3A, 8823SJ Lollum",
		map[string][]string{"full": {"Hizzaarderlaan 3A, 8823SJ Lollum"}}), onderzoek, n.signal)
	co := f.storeEntity(fixtureEntity(entity.SchemaCompany, "c", "Test BV Donald", map[string][]string{"name": {"Test BV Donald"},
		"kvkNumber": {"68750110"}, "addressEntity": {addr.ID}}), onderzoek, n.signal)
	link := func(schema, key, caption, prop string) string {
		e := fixtureEntity(schema, key, caption, map[string][]string{"name": {caption}, prop: {co.ID}})
		return f.storeEntity(e, onderzoek, n.signal).ID
	}
	n.address, n.company = addr.ID, co.ID
	n.branch = f.storeEntity(fixtureEntity(entity.SchemaCompany, "b", "Test BV Donald Nevenvestiging", map[string][]string{
		"name": {"Test BV Donald Nevenvestiging"}, "isBranch": {"true"}, "parent": {co.ID}}), onderzoek, n.signal).ID
	n.domain = link(entity.SchemaDomain, "d", "testbvdonald.nl", "owner")
	n.pub = link(entity.SchemaPublication, "p", "Vergunning", "mentions")
	n.hit = link(entity.SchemaSanction, "s", "Donald Test", "entity")
	n.vehicle = link(entity.SchemaVehicle, "v", "VOLKSWAGEN GOLF", "owner")
	// A publication of team-zuid mentioning the same company: never in
	// team-noord's graphs.
	n.zuidPub = f.storeEntity(fixtureEntity(entity.SchemaPublication, "zp", "Zuid publicatie", map[string][]string{
		"title": {"Zuid publicatie"}, "mentions": {co.ID}}), onderzoek, n.zuidSignal).ID
	return n
}

type graphJSON struct {
	Nodes []struct {
		ID, Schema, Caption string
	} `json:"nodes"`
	Edges []struct {
		Source, Target, Label string
	} `json:"edges"`
	Truncated bool `json:"truncated"`
}

func getGraph(t *testing.T, f *fixture, token, path string) graphJSON {
	t.Helper()
	r := f.do(token, "GET", path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	var g graphJSON
	if err := json.Unmarshal(r.body, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g graphJSON) ids() []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, n.ID)
	}
	slices.Sort(out)
	return out
}

func (g graphJSON) labels() []string {
	var out []string
	for _, e := range g.Edges {
		out = append(out, e.Label)
	}
	slices.Sort(out)
	return out
}

func TestSignalGraph(t *testing.T) {
	f := newFixture(t)
	n := seedNetwork(f)
	path := "/api/v1/signals/" + n.signal + "/graph?purpose_id=" + onderzoek
	g := getGraph(t, f, api.RoleAnalyst, path)
	if want := sorted(n.company, n.branch, n.address, n.domain, n.pub, n.hit, n.vehicle); !slices.Equal(g.ids(), want) {
		t.Errorf("nodes = %v, want %v", g.ids(), want)
	}
	if want := []string{"has_branch", "located_at", "mentioned_in", "owns", "registered_domain", "screened_against"}; !slices.Equal(g.labels(), want) {
		t.Errorf("edge labels = %v, want %v", g.labels(), want)
	}
	for _, e := range g.Edges {
		if e.Source != n.company || e.Label == "located_at" && e.Target != n.address {
			t.Errorf("edge %+v does not read from the company", e)
		}
	}
	if n := g.Nodes[0]; n.Schema == "" || n.Caption == "" {
		t.Errorf("node = %+v, want schema and caption", n)
	}
	if e := f.lastAudit("entity.read"); e.ObjectType != "signal" || e.ObjectID != n.signal || !strings.Contains(e.Detail, "graph as json: 7 nodes, 6 edges") {
		t.Errorf("audit entry = %+v", e)
	}

	// GEXF for Gephi.
	r := f.do(api.RoleAnalyst, "GET", path+"&format=gexf", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/gexf+xml") ||
		r.header.Get("Content-Disposition") != `attachment; filename="verrijk-signal-`+n.signal+`.gexf"` {
		t.Fatalf("gexf: %d %v", r.status, r.header)
	}
	var doc struct {
		XMLName xml.Name
		Nodes   []struct{} `xml:"graph>nodes>node"`
		Edges   []struct{} `xml:"graph>edges>edge"`
	}
	if err := xml.Unmarshal(r.body, &doc); err != nil || doc.XMLName.Space != "http://gexf.net/1.3" || len(doc.Nodes) != 7 || len(doc.Edges) != 6 {
		t.Errorf("gexf = %v, %d nodes, %d edges, %v", doc.XMLName, len(doc.Nodes), len(doc.Edges), err)
	}
	if e := f.lastAudit("entity.read"); !strings.Contains(e.Detail, "graph as gexf") {
		t.Errorf("gexf export audited as %+v", e)
	}

	// FollowTheMoney JSON lines for Aleph.
	r = f.do(api.RoleAnalyst, "GET", path+"&format=ftm", nil)
	if r.status != http.StatusOK || r.header.Get("Content-Disposition") != `attachment; filename="verrijk-signal-`+n.signal+`.ftm.jsonl"` {
		t.Fatalf("ftm: %d %v", r.status, r.header)
	}
	schemas := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		var e struct {
			ID, Schema string
			Properties map[string][]string
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("ftm line %q: %v", sc.Text(), err)
		}
		schemas[e.Schema]++
	}
	want := map[string]int{"Company": 2, "Address": 1, "Note": 1, "Document": 1, "Sanction": 1, "Vehicle": 1,
		"Ownership": 1, "Documentation": 1, "UnknownLink": 1}
	for s, c := range want {
		if schemas[s] != c {
			t.Errorf("ftm export has %d %s, want %d (all: %v)", schemas[s], s, c, schemas)
		}
	}

	// Refusals.
	wantError(t, f.do(api.RoleAnalyst, "GET", path+"&format=xml", nil), 400, "bad_request", "format")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/"+n.signal+"/graph", nil), 422, "purpose_required")
	wantError(t, f.do(zuidAnalyst, "GET", path, nil), 403, "forbidden")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/nope/graph?purpose_id="+onderzoek, nil), 404, "not_found")
	if g := getGraph(t, f, api.RoleAnalyst, "/api/v1/signals/"+n.signal+"/graph?purpose_id="+alleenKvK); len(g.Nodes) != 0 || g.Edges == nil {
		t.Errorf("graph under a purpose nothing was found for = %+v", g)
	}
}

func TestEntityGraph(t *testing.T) {
	f := newFixture(t)
	n := seedNetwork(f)
	path := func(id, depth string) string {
		return "/api/v1/entities/" + id + "/graph?purpose_id=" + onderzoek + depth
	}
	// Depth 1 (the default) from the branch: itself and its parent.
	if g := getGraph(t, f, api.RoleAnalyst, path(n.branch, "")); !slices.Equal(g.ids(), sorted(n.branch, n.company)) || g.Truncated {
		t.Errorf("depth 1 = %v", g.ids())
	}
	// Depth 2: what points at the company too, found backwards through
	// the stored references; team-zuid's publication is not among them.
	g := getGraph(t, f, api.RoleAnalyst, path(n.branch, "&depth=2"))
	if want := sorted(n.branch, n.company, n.address, n.domain, n.pub, n.hit, n.vehicle); !slices.Equal(g.ids(), want) {
		t.Errorf("depth 2 = %v, want %v", g.ids(), want)
	}
	if g := getGraph(t, f, api.RoleAnalyst, path(n.branch, "&depth=0")); len(g.Nodes) != 1 {
		t.Errorf("depth 0 = %v", g.ids())
	}
	// Team-zuid starts from its publication: the company is linked to a
	// noord signal only, so the walk stops at the publication.
	if g := getGraph(t, f, zuidAnalyst, path(n.zuidPub, "&depth=3")); !slices.Equal(g.ids(), []string{n.zuidPub}) {
		t.Errorf("zuid's graph = %v, want only its publication", g.ids())
	}
	r := f.do(api.RoleAnalyst, "GET", path(n.company, "&format=ftm&depth=1"), nil)
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "verrijk-entity-"+n.company+".ftm.jsonl") {
		t.Errorf("entity ftm export: %d %v", r.status, r.header)
	}
	if e := f.lastAudit("entity.read"); e.ObjectType != "entity" || e.ObjectID != n.company || !strings.Contains(e.Detail, "graph as ftm") {
		t.Errorf("audit entry = %+v", e)
	}

	for _, d := range []string{"4", "-1", "x"} {
		wantError(t, f.do(api.RoleAnalyst, "GET", path(n.branch, "&depth="+d), nil), 400, "bad_request", "depth")
	}
	wantError(t, f.do(zuidAnalyst, "GET", path(n.branch, ""), nil), 403, "forbidden")
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/entities/"+n.branch+"/graph?purpose_id="+alleenKvK, nil), 404, "not_found")
}
