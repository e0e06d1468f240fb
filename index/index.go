// Package index is the search side of verrijk: a projection of the store's
// entities and their signal links that can always be rebuilt from the store.
// bleve/ is the embedded implementation, elasticsearch/ the shared one;
// indextest holds the conformance suite every implementation passes.
package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
// ever returned (purpose limitation); every other field narrows further.
type Query struct {
	Text      string
	PurposeID string // required
	SignalID  string
	// Teams, when not empty, keeps only entities linked under PurposeID
	// to a signal owned by one of these teams ("" is the team of signals
	// without one): need-to-know, the caller's team. Empty means no such
	// restriction; the API always sets it.
	Teams  []string
	Schema string
	// Sources, when not empty, keeps entities with provenance from at
	// least one of these sources ("kvk", "bag", …).
	Sources []string
	// DateFrom and DateTo bound the entity's LastSeen, both inclusive; a
	// zero time leaves that side open.
	DateFrom time.Time
	DateTo   time.Time
	// Sort is SortRelevance (also when empty) or SortDate.
	Sort     string
	Page     int // 1-based; default 1
	PageSize int // default 20, max 100
}

// Sort orders.
const (
	// SortRelevance orders by score, best first (without text every
	// match scores the same). Ties come in an order that holds while the
	// index does not change, so pages do not overlap: Elasticsearch
	// orders them by id, Bleve in index order, because reading every
	// hit's id to sort on costs a search with many hits more than
	// everything else it does.
	SortRelevance = "relevance"
	// SortDate orders by LastSeen, newest first; ties by id. Entities
	// without LastSeen come last.
	SortDate = "date"
)

// Facet keys in Result.Facets. Every search returns all four, each
// ordered by count (highest first), then value.
const (
	FacetSchema       = "schema"
	FacetSource       = "source"       // provenance source
	FacetMunicipality = "municipality" // the municipality property (BAG gemeentenaam)
	FacetSBISection   = "sbi_section"  // SBI section letter A–U, from sbiCode
)

// FacetKeys lists the facets in a fixed order.
var FacetKeys = []string{FacetSchema, FacetSource, FacetMunicipality, FacetSBISection}

// Errors a search is refused with.
var (
	// ErrNoPurpose: under purpose limitation there is no such thing as a
	// search across all purposes.
	ErrNoPurpose = errors.New("search needs a purpose_id")
	// ErrBadQuery wraps any other malformed query.
	ErrBadQuery = errors.New("bad search query")
)

// Check reports whether q can be run: it has a purpose and a known sort.
func (q Query) Check() error {
	if strings.TrimSpace(q.PurposeID) == "" {
		return ErrNoPurpose
	}
	switch q.Sort {
	case "", SortRelevance, SortDate:
	default:
		return fmt.Errorf("%w: sort %q is not %s or %s", ErrBadQuery, q.Sort, SortRelevance, SortDate)
	}
	return nil
}

// Paging limits, the same on every backend.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	// MaxWindow caps (page-1)*size+size like Elasticsearch's default
	// max_result_window, so deep paging behaves the same on every backend
	// and cannot make one search collect the whole index.
	MaxWindow = 10000
	// MaxFacetValues is how many values each facet lists.
	MaxFacetValues = 50
)

// Window returns the offset and number of hits to fetch for q's page. Past
// MaxWindow the size is 0: the search then returns total and facets only.
func (q Query) Window() (from, size int) {
	page, size := q.Page, q.PageSize
	if page < 1 {
		page = 1
	}
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	page = min(page, MaxWindow) // keeps (page-1)*size far from overflow
	from = (page - 1) * size
	if from+size > MaxWindow {
		size = max(0, MaxWindow-from)
		from = min(from, MaxWindow)
	}
	return from, size
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

// OnlyPurpose keeps in e only the links under purposeID: links under other
// purposes are not the business of a search under this one.
func OnlyPurpose(e *entity.Entity, purposeID string) {
	links := make([]entity.Link, 0, len(e.Signals))
	for _, l := range e.Signals {
		if l.PurposeID == purposeID {
			links = append(links, l)
		}
	}
	e.Signals = links
}
