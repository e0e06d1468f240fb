package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

var modified = time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)

func TestWriteGEXF(t *testing.T) {
	g := Build(fixture())
	var buf bytes.Buffer
	if err := WriteGEXF(&buf, g, "Signaal\n 123", modified); err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.gexf", buf.Bytes())

	// Read it back as Gephi would: the GEXF 1.3 namespace, every node
	// and edge, labels as xsd:token, the hostile caption intact as text.
	var doc struct {
		XMLName xml.Name
		Version string `xml:"version,attr"`
		Meta    struct {
			Date        string `xml:"lastmodifieddate,attr"`
			Description string `xml:"description"`
		} `xml:"meta"`
		Graph struct {
			EdgeType string `xml:"defaultedgetype,attr"`
			Nodes    []struct {
				ID     string `xml:"id,attr"`
				Label  string `xml:"label,attr"`
				Values []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
				} `xml:"attvalues>attvalue"`
			} `xml:"nodes>node"`
			Edges []struct {
				ID     string `xml:"id,attr"`
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
				Label  string `xml:"label,attr"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("GEXF is not well-formed XML: %v", err)
	}
	if doc.XMLName.Space != "http://gexf.net/1.3" || doc.XMLName.Local != "gexf" || doc.Version != "1.3" {
		t.Errorf("root = %v version %q", doc.XMLName, doc.Version)
	}
	if doc.Meta.Date != "2025-03-04" || doc.Meta.Description != "Signaal 123" || doc.Graph.EdgeType != "directed" {
		t.Errorf("meta = %+v, edge type %q", doc.Meta, doc.Graph.EdgeType)
	}
	if len(doc.Graph.Nodes) != len(g.Nodes) || len(doc.Graph.Edges) != len(g.Edges) {
		t.Fatalf("%d nodes, %d edges; want %d, %d", len(doc.Graph.Nodes), len(doc.Graph.Edges), len(g.Nodes), len(g.Edges))
	}
	n := doc.Graph.Nodes[0]
	if n.ID != company || n.Label != "Test BV <Donald> & Zn" || len(n.Values) != 1 || n.Values[0] != (struct {
		For   string `xml:"for,attr"`
		Value string `xml:"value,attr"`
	}{"schema", "Company"}) {
		t.Errorf("first node = %+v", n)
	}
	if l := doc.Graph.Nodes[1].Label; l != "Test BV Donald Nevenvestiging" {
		t.Errorf("label with a tab = %q, want an xsd:token", l)
	}
	if l := doc.Graph.Nodes[3].Label; l != address2 {
		t.Errorf("label of a node without caption = %q, want its id", l)
	}
	ids := map[string]bool{}
	for i, e := range doc.Graph.Edges {
		if e.Source != g.Edges[i].Source || e.Target != g.Edges[i].Target || e.Label != g.Edges[i].Label || ids[e.ID] {
			t.Errorf("edge %d = %+v, want %+v with a unique id", i, e, g.Edges[i])
		}
		ids[e.ID] = true
	}
	if !strings.Contains(buf.String(), "Test BV &lt;Donald&gt; &amp; Zn") {
		t.Error("the caption's markup is not escaped")
	}
}

// ftmSchema is what testdata/ftm-schemas.json says of an FtM schema (taken
// from the followthemoney repository, see its _source).
type ftmSchema struct {
	Required   []string          `json:"required"`
	Properties map[string]string `json:"properties"`
}

func loadFtMSchemas(t *testing.T) map[string]ftmSchema {
	t.Helper()
	raw, err := os.ReadFile("testdata/ftm-schemas.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]ftmSchema{}
	for name, v := range all {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var s ftmSchema
		if err := json.Unmarshal(v, &s); err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

func TestWriteFtM(t *testing.T) {
	var buf bytes.Buffer
	skipped, err := WriteFtM(&buf, fixture())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.ftm.jsonl", buf.Bytes())
	if skipped != 1 {
		t.Errorf("skipped = %d, want 1 (the UserAccount)", skipped)
	}

	schemas := loadFtMSchemas(t)
	var lines []ftmEntity
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var e ftmEntity
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, e)
	}
	ids := map[string]string{}
	for _, e := range lines {
		if ids[e.ID] != "" {
			t.Errorf("id %s written twice", e.ID)
		}
		ids[e.ID] = e.Schema
	}
	bySchema := map[string]int{}
	for _, e := range lines {
		bySchema[e.Schema]++
		s, ok := schemas[e.Schema]
		if !ok {
			t.Errorf("%s: schema %q is not an FtM schema this test knows", e.ID, e.Schema)
			continue
		}
		for _, req := range s.Required {
			if len(e.Properties[req]) == 0 {
				t.Errorf("%s (%s) lacks required property %s", e.ID, e.Schema, req)
			}
		}
		for prop, vs := range e.Properties {
			typ, ok := s.Properties[prop]
			if !ok {
				t.Errorf("%s: %s has no property %q", e.ID, e.Schema, prop)
			}
			for _, v := range vs {
				if typ == "entity" && ids[v] == "" {
					t.Errorf("%s.%s points at %s, which is not in the export", e.ID, prop, v)
				}
				if typ == "date" && len(v) != 10 {
					t.Errorf("%s.%s = %q is not an ISO date", e.ID, prop, v)
				}
			}
		}
	}
	want := map[string]int{"Company": 2, "Address": 2, "Note": 2, "Document": 1, "Sanction": 1, "Vehicle": 1, "Person": 1,
		"UserAccount": 1, "Ownership": 1, "Documentation": 1, "UnknownLink": 3}
	for s, n := range want {
		if bySchema[s] != n {
			t.Errorf("%d %s entities, want %d (all: %v)", bySchema[s], s, n, bySchema)
		}
	}
	first := lines[0]
	if first.ID != company || !slices.Equal(first.Properties["registrationNumber"], []string{"68750110"}) ||
		!slices.Equal(first.Properties["taxNumber"], []string{"857587973"}) ||
		!slices.Equal(first.Properties["website"], []string{"www.testbvdonald.nl", "testbvdonald.nl"}) {
		t.Errorf("company = %+v", first)
	}
}

func TestWriteFtMDropsUnreachable(t *testing.T) {
	// A screening hit without its company, a publication without what it
	// mentions: no dangling references, and no Sanction without entity.
	f := fixture()
	var buf bytes.Buffer
	skipped, err := WriteFtM(&buf, []entity.Entity{f[5], f[6]})
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 1 {
		t.Errorf("skipped = %d, want the Sanction without its entity", skipped)
	}
	if strings.Count(buf.String(), "\n") != 1 || strings.Contains(buf.String(), company) {
		t.Errorf("export = %s", buf.String())
	}
}
