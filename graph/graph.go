// Package graph is the network view of entities: a node per entity and
// an edge per relation one entity's properties name (a branch's parent, a
// company's address, a domain's owner, what a publication mentions, whom a
// screening hit concerns), for the web UI, Gephi (GEXF) and Aleph
// (FollowTheMoney JSON lines).
package graph

import (
	"cmp"
	"slices"

	"verrijk/pipeline/entity"
)

// Edge labels. They read from Source to Target: "company owns vehicle",
// "company has_branch branch", "company located_at address", "company
// registered_domain domain" (or website), "company mentioned_in
// publication", "company screened_against sanction", "website links_to
// social profile" (and back).
const (
	Owns             = "owns"
	HasBranch        = "has_branch"
	LocatedAt        = "located_at"
	RegisteredDomain = "registered_domain"
	MentionedIn      = "mentioned_in"
	ScreenedAgainst  = "screened_against"
	LinksTo          = "links_to"
)

// Node is an entity as the graph shows it.
type Node struct {
	ID      string `json:"id"`
	Schema  string `json:"schema"`
	Caption string `json:"caption"`
}

// Edge is a relation between two entities.
type Edge struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Label  string `json:"label"`
}

// Graph is what the graph routes answer.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// relation is one property that points at another entity: on entities of
// schema ("" any), property holds the other entity's id. reversed means
// the edge runs from the entity named to the one holding the property (a
// domain's owner registered the domain).
type relation struct {
	schema   string
	property string
	label    string
	reversed bool
}

// relations is the one table of relation properties (the normalisers and
// pipeline.Relate write them).
var relations = []relation{
	{entity.SchemaCompany, "parent", HasBranch, true},
	{"", "addressEntity", LocatedAt, false},
	{entity.SchemaDomain, "owner", RegisteredDomain, true},
	{entity.SchemaPublication, "mentions", MentionedIn, true},
	{entity.SchemaSanction, "entity", ScreenedAgainst, true},
	{entity.SchemaCompany, "owner", Owns, true},
	{entity.SchemaVehicle, "owner", Owns, true},
	{entity.SchemaWebsite, "company", RegisteredDomain, true},
	{entity.SchemaWebsite, "socialProfileEntity", LinksTo, false},
	{entity.SchemaSocialProfile, "websiteEntity", LinksTo, false},
}

// EdgesOf returns the edges e's own properties give, whether or not the
// other entity is at hand.
func EdgesOf(e entity.Entity) []Edge {
	var out []Edge
	for _, r := range relations {
		if r.schema != "" && r.schema != e.Schema {
			continue
		}
		for _, other := range e.Properties[r.property] {
			if other == "" || other == e.ID {
				continue
			}
			edge := Edge{Source: e.ID, Target: other, Label: r.label}
			if r.reversed {
				edge.Source, edge.Target = other, e.ID
			}
			out = append(out, edge)
		}
	}
	return out
}

// Neighbours returns the ids e points at through a relation property.
func Neighbours(e entity.Entity) []string {
	var out []string
	for _, edge := range EdgesOf(e) {
		other := edge.Target
		if other == e.ID {
			other = edge.Source
		}
		if !slices.Contains(out, other) {
			out = append(out, other)
		}
	}
	return out
}

// Build returns the graph of ents: a node each (in the order given, each
// id once) and the edges between them, sorted; edges to entities not among
// ents are left out.
func Build(ents []entity.Entity) Graph {
	g := Graph{Nodes: []Node{}, Edges: []Edge{}}
	in := make(map[string]bool, len(ents))
	for _, e := range ents {
		if in[e.ID] {
			continue
		}
		in[e.ID] = true
		g.Nodes = append(g.Nodes, Node{ID: e.ID, Schema: e.Schema, Caption: e.Caption})
	}
	seen := map[Edge]bool{}
	for _, e := range ents {
		for _, edge := range EdgesOf(e) {
			if in[edge.Source] && in[edge.Target] && !seen[edge] {
				seen[edge] = true
				g.Edges = append(g.Edges, edge)
			}
		}
	}
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Target, b.Target))
	})
	return g
}
