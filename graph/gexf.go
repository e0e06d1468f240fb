package graph

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// GEXF 1.3 (https://gexf.net/1.3), the format Gephi opens.
const (
	gexfNamespace      = "http://gexf.net/1.3"
	gexfSchemaLocation = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
	xsiNamespace       = "http://www.w3.org/2001/XMLSchema-instance"
)

type gexfDoc struct {
	XMLName        xml.Name  `xml:"gexf"`
	Namespace      string    `xml:"xmlns,attr"`
	XSI            string    `xml:"xmlns:xsi,attr"`
	SchemaLocation string    `xml:"xsi:schemaLocation,attr"`
	Version        string    `xml:"version,attr"`
	Meta           gexfMeta  `xml:"meta"`
	Graph          gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	LastModified string `xml:"lastmodifieddate,attr"`
	Creator      string `xml:"creator"`
	Description  string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           gexfNodes        `xml:"nodes"`
	Edges           gexfEdges        `xml:"edges"`
}

type gexfAttributes struct {
	Class      string          `xml:"class,attr"`
	Attributes []gexfAttribute `xml:"attribute"`
}

type gexfAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfNodes struct {
	Count int        `xml:"count,attr"`
	Nodes []gexfNode `xml:"node"`
}

type gexfNode struct {
	ID        string         `xml:"id,attr"`
	Label     string         `xml:"label,attr"`
	AttValues []gexfAttValue `xml:"attvalues>attvalue"`
}

type gexfEdges struct {
	Count int        `xml:"count,attr"`
	Edges []gexfEdge `xml:"edge"`
}

type gexfEdge struct {
	ID        string         `xml:"id,attr"`
	Source    string         `xml:"source,attr"`
	Target    string         `xml:"target,attr"`
	Label     string         `xml:"label,attr"`
	AttValues []gexfAttValue `xml:"attvalues>attvalue"`
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

// WriteGEXF writes g as a directed GEXF 1.3 graph: node labels are
// captions, the schema is a node attribute, the edge label (and an edge
// attribute "relation", which Gephi can colour by) is the relation.
// description goes into the file's meta data.
func WriteGEXF(w io.Writer, g Graph, description string, modified time.Time) error {
	doc := gexfDoc{
		Namespace: gexfNamespace, XSI: xsiNamespace, SchemaLocation: gexfSchemaLocation, Version: "1.3",
		Meta: gexfMeta{LastModified: modified.UTC().Format(time.DateOnly), Creator: "verrijk", Description: token(description)},
		Graph: gexfGraph{
			DefaultEdgeType: "directed", Mode: "static",
			Attributes: []gexfAttributes{
				{Class: "node", Attributes: []gexfAttribute{{ID: "schema", Title: "schema", Type: "string"}}},
				{Class: "edge", Attributes: []gexfAttribute{{ID: "relation", Title: "relation", Type: "string"}}},
			},
			Nodes: gexfNodes{Count: len(g.Nodes), Nodes: make([]gexfNode, 0, len(g.Nodes))},
			Edges: gexfEdges{Count: len(g.Edges), Edges: make([]gexfEdge, 0, len(g.Edges))},
		},
	}
	for _, n := range g.Nodes {
		label := token(n.Caption)
		if label == "" {
			label = n.ID
		}
		doc.Graph.Nodes.Nodes = append(doc.Graph.Nodes.Nodes, gexfNode{ID: n.ID, Label: label,
			AttValues: []gexfAttValue{{For: "schema", Value: n.Schema}}})
	}
	for i, e := range g.Edges {
		doc.Graph.Edges.Edges = append(doc.Graph.Edges.Edges, gexfEdge{ID: strconv.Itoa(i), Source: e.Source, Target: e.Target,
			Label: e.Label, AttValues: []gexfAttValue{{For: "relation", Value: e.Label}}})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing GEXF: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing GEXF: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing GEXF: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// token makes s an xsd:token, which a GEXF label is: no line breaks or
// tabs, no leading, trailing or doubled spaces.
func token(s string) string { return strings.Join(strings.Fields(s), " ") }
