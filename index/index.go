// Package index is the search side of verrijk: a projection of the store's
// entities and their signal links that can always be rebuilt from the store.
// bleve/ is the embedded implementation; indextest holds the conformance
// suite every implementation passes.
package index

import (
	"context"

	"verrijk/pipeline/entity"
)

// Index stores entities (with their Signals links filled) for search.
type Index interface {
	// Upsert replaces the indexed copies of these entities.
	Upsert(ctx context.Context, entities ...entity.Entity) error
	Delete(ctx context.Context, ids ...string) error
	Search(ctx context.Context, q Query) (Result, error)
	Close() error
}

// Query is a search. Only entities linked to a signal under PurposeID are
// ever returned (purpose limitation); SignalID, SignalIDs and Schema narrow
// further.
type Query struct {
	Text      string
	PurposeID string // required
	SignalID  string
	// SignalIDs, when not empty, keeps only entities linked under
	// PurposeID to at least one of these signals (need-to-know: the
	// caller's team's signals). Empty means no such restriction, so a
	// caller with no signals at all must not search.
	SignalIDs []string
	Schema    string
	Page      int // 1-based; default 1
	PageSize  int // default 20, max 100
}

// Result is one page of hits with facet counts over all matches.
type Result struct {
	Total  int                     `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// Hit is an entity with its relevance score and highlighted fragments.
type Hit struct {
	entity.Entity
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// FacetCount is one facet value and how many matches have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}
