package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// ErrNoPurpose is returned by Search without a purpose: under purpose
// limitation there is no such thing as a search across all purposes.
var ErrNoPurpose = errors.New("search needs a purpose_id")

const (
	defaultPageSize = 20
	maxPageSize     = 100
	// maxWindow caps (page-1)*size+size like Elasticsearch's default
	// max_result_window, so deep paging behaves the same on both backends
	// and cannot make one search collect the whole index.
	maxWindow = 10000
	// Queries are typed by analysts but still bounded: every token becomes
	// several sub-queries.
	maxQueryBytes  = 512
	maxQueryTokens = 16
	maxFacetValues = 50

	captionBoost    = 3.0
	identifierBoost = 5.0
	fuzzyBoost      = 0.3
	prefixBoost     = 0.5
	minFuzzyLen     = 5 // shorter tokens match too much at distance 1
	minPrefixLen    = 3
)

// SchemaFacet is the key of the schema facet in Result.Facets.
const SchemaFacet = "schema"

// Search returns one page of the entities linked under q.PurposeID that
// match q. Hits carry only the signal links under q.PurposeID.
//
// Highlights are keyed "caption" and "text". Each fragment is HTML: the
// indexed text is HTML-escaped and only the matched terms are wrapped in
// <mark>…</mark>, so a fragment can be inserted as markup as is; a scraped
// "<script>" arrives as "&lt;script&gt;".
func (x *Index) Search(ctx context.Context, q index.Query) (index.Result, error) {
	if strings.TrimSpace(q.PurposeID) == "" {
		return index.Result{}, ErrNoPurpose
	}
	page, size := paging(q)
	from := (page - 1) * size
	if from+size > maxWindow {
		size = max(0, maxWindow-from) // past the window: total and facets only
		from = min(from, maxWindow)
	}

	filters := []query.Query{termQuery(fieldPurposes, q.PurposeID)}
	if q.SignalID != "" {
		filters = append(filters, termQuery(fieldLinks, linkKey(q.PurposeID, q.SignalID)))
	}
	if len(q.SignalIDs) > 0 {
		anyOf := make([]query.Query, 0, len(q.SignalIDs))
		for _, id := range q.SignalIDs {
			anyOf = append(anyOf, termQuery(fieldLinks, linkKey(q.PurposeID, id)))
		}
		filters = append(filters, bleve.NewDisjunctionQuery(anyOf...))
	}
	if q.Schema != "" {
		filters = append(filters, termQuery(fieldSchema, q.Schema))
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(x.textQuery(q.Text))
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))

	req := bleve.NewSearchRequestOptions(bq, size, from, false)
	req.SortBy([]string{"-_score", "_id"}) // ids break ties so pages do not overlap
	req.Fields = []string{fieldEntity}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldCaption)
	req.Highlight.AddField(fieldText)
	req.AddFacet(SchemaFacet, bleve.NewFacetRequest(fieldSchema, maxFacetValues))

	sr, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return index.Result{}, fmt.Errorf("searching index: %w", err)
	}
	res := index.Result{
		Total:  int(sr.Total),
		Hits:   make([]index.Hit, 0, len(sr.Hits)),
		Facets: map[string][]index.FacetCount{SchemaFacet: schemaFacet(sr.Facets)},
	}
	for _, m := range sr.Hits {
		h, err := toHit(m, q.PurposeID)
		if err != nil {
			return index.Result{}, err
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

func paging(q index.Query) (page, size int) {
	page, size = q.Page, q.PageSize
	if page < 1 {
		page = 1
	}
	if size <= 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	page = min(page, maxWindow) // keeps (page-1)*size far from overflow
	return page, size
}

// textQuery matches text in three ways: every word in the caption (boosted)
// or the property text, the last word also as a prefix (search as you type)
// and longer words without digits also at edit distance 1; or the whole text, normalised, as
// one identifier ("8823 sj" → "8823SJ").
func (x *Index) textQuery(text string) query.Query {
	text = strings.TrimSpace(truncateTo(text, maxQueryBytes))
	if text == "" {
		return bleve.NewMatchAllQuery()
	}
	var alts []query.Query
	if words := x.words(text); len(words) > 0 {
		conj := make([]query.Query, 0, len(words))
		for i, w := range words {
			conj = append(conj, wordQuery(w, i == len(words)-1))
		}
		alts = append(alts, bleve.NewConjunctionQuery(conj...))
	}
	if id := NormalizeIdentifier(text); id != "" {
		t := termQuery(fieldIdentifiers, id)
		t.SetBoost(identifierBoost)
		alts = append(alts, t)
	}
	if len(alts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// words analyses text the way caption and text are indexed.
func (x *Index) words(text string) []string {
	a := x.idx.Mapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		return nil
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		if len(out) == maxQueryTokens {
			break
		}
		out = appendOnce(out, string(tok.Term))
	}
	return out
}

func wordQuery(w string, last bool) query.Query {
	caption := termQuery(fieldCaption, w)
	caption.SetBoost(captionBoost)
	alts := []query.Query{caption, termQuery(fieldText, w)}
	if len(w) >= minFuzzyLen && !hasDigit(w) {
		f := bleve.NewFuzzyQuery(w)
		f.SetField(fieldText)
		f.SetFuzziness(1)
		f.SetBoost(fuzzyBoost)
		alts = append(alts, f)
	}
	if last && len(w) >= minPrefixLen {
		for _, field := range []string{fieldCaption, fieldText} {
			p := bleve.NewPrefixQuery(w)
			p.SetField(field)
			p.SetBoost(prefixBoost)
			alts = append(alts, p)
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// hasDigit spots numbers and codes, where one changed character is another
// identifier rather than a typo worth forgiving.
func hasDigit(w string) bool { return strings.ContainsAny(w, "0123456789") }

func termQuery(field, term string) *query.TermQuery {
	t := bleve.NewTermQuery(term)
	t.SetField(field)
	return t
}

func toHit(m *search.DocumentMatch, purposeID string) (index.Hit, error) {
	raw, _ := m.Fields[fieldEntity].(string)
	var e entity.Entity
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return index.Hit{}, fmt.Errorf("decoding indexed entity %s: %w", m.ID, err)
	}
	// Links under other purposes are not this search's business.
	links := e.Signals[:0]
	for _, l := range e.Signals {
		if l.PurposeID == purposeID {
			links = append(links, l)
		}
	}
	e.Signals = links
	h := index.Hit{Entity: e, Score: m.Score}
	for field, frags := range m.Fragments {
		for _, f := range frags {
			// Bleve also returns a fragment of a field without any match;
			// it shows nothing about why the entity was found.
			if !strings.Contains(f, markOpen) {
				continue
			}
			if h.Highlights == nil {
				h.Highlights = map[string][]string{}
			}
			h.Highlights[field] = append(h.Highlights[field], f)
		}
	}
	return h, nil
}

// markOpen is the tag Bleve's html highlighter puts before a matched term.
const markOpen = "<mark>"

func schemaFacet(facets search.FacetResults) []index.FacetCount {
	out := []index.FacetCount{}
	fr, ok := facets[SchemaFacet]
	if !ok || fr == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, index.FacetCount{Value: t.Term, Count: t.Count})
	}
	return out
}

// truncateTo cuts s to n bytes without splitting a UTF-8 sequence.
func truncateTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
