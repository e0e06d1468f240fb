package bleveindex

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// ErrNoPurpose is index.ErrNoPurpose.
var ErrNoPurpose = index.ErrNoPurpose

const (
	// Queries are typed by analysts but still bounded: every token becomes
	// several sub-queries.
	maxQueryBytes  = 512
	maxQueryTokens = 16

	captionBoost    = 3.0
	identifierBoost = 5.0
	fuzzyBoost      = 0.3
	prefixBoost     = 0.5
	minFuzzyLen     = 5 // shorter tokens match too much at distance 1
	minPrefixLen    = 3
)

// SchemaFacet is the key of the schema facet in Result.Facets.
const SchemaFacet = index.FacetSchema

// facetFields maps each facet key to the field it counts.
var facetFields = map[string]string{
	index.FacetSchema:       fieldSchema,
	index.FacetSource:       fieldSources,
	index.FacetMunicipality: fieldMunicipality,
	index.FacetSBISection:   fieldSBISection,
}

// Search returns one page of the entities linked under q.PurposeID that
// match q. Hits carry only the signal links under q.PurposeID.
//
// Highlights are keyed "caption" and "text". Each fragment is HTML: the
// indexed text is HTML-escaped and only the matched terms are wrapped in
// <mark>…</mark>, so a fragment can be inserted as markup as is; a scraped
// "<script>" arrives as "&lt;script&gt;".
func (x *Index) Search(ctx context.Context, q index.Query) (index.Result, error) {
	if err := q.Check(); err != nil {
		return index.Result{}, err
	}
	from, size := q.Window()

	bq := bleve.NewBooleanQuery()
	bq.AddMust(x.textQuery(q.Text))
	bq.AddFilter(bleve.NewConjunctionQuery(filters(q)...))

	req := bleve.NewSearchRequestOptions(bq, size, from, false)
	if q.Sort == index.SortDate {
		req.SortByCustom(search.SortOrder{
			&search.SortField{Field: fieldLastSeen, Desc: true, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast},
			&search.SortDocID{},
		})
	} else {
		req.SortBy([]string{"-_score", "_id"}) // ids break ties so pages do not overlap
	}
	req.Fields = []string{fieldEntity}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldCaption)
	req.Highlight.AddField(fieldText)
	for _, key := range index.FacetKeys {
		req.AddFacet(key, bleve.NewFacetRequest(facetFields[key], index.MaxFacetValues))
	}

	sr, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return index.Result{}, fmt.Errorf("searching index: %w", err)
	}
	res := index.Result{
		Total:  int(sr.Total),
		Hits:   make([]index.Hit, 0, len(sr.Hits)),
		Facets: make(map[string][]index.FacetCount, len(index.FacetKeys)),
	}
	for _, key := range index.FacetKeys {
		res.Facets[key] = facetCounts(sr.Facets, key)
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

// filters are q's restrictions, the purpose first: they select without
// scoring.
func filters(q index.Query) []query.Query {
	out := []query.Query{termQuery(fieldPurposes, q.PurposeID)}
	if q.SignalID != "" {
		out = append(out, termQuery(fieldLinks, index.LinkKey(q.PurposeID, q.SignalID)))
	}
	if len(q.SignalIDs) > 0 {
		keys := make([]string, len(q.SignalIDs))
		for i, id := range q.SignalIDs {
			keys[i] = index.LinkKey(q.PurposeID, id)
		}
		out = append(out, anyTerm(fieldLinks, keys))
	}
	if q.Schema != "" {
		out = append(out, termQuery(fieldSchema, q.Schema))
	}
	if len(q.Sources) > 0 {
		out = append(out, anyTerm(fieldSources, q.Sources))
	}
	if !q.DateFrom.IsZero() || !q.DateTo.IsZero() {
		inclusive := true
		r := bleve.NewDateRangeInclusiveQuery(q.DateFrom, q.DateTo, &inclusive, &inclusive)
		r.SetField(fieldLastSeen)
		out = append(out, r)
	}
	return out
}

func anyTerm(field string, terms []string) query.Query {
	alts := make([]query.Query, len(terms))
	for i, t := range terms {
		alts[i] = termQuery(field, t)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// textQuery matches text in three ways: every word in the caption (boosted)
// or the property text, the last word also as a prefix (search as you type)
// and longer words without digits also at edit distance 1; or the whole text, normalised, as
// one identifier ("8823 sj" → "8823SJ").
func (x *Index) textQuery(text string) query.Query {
	text = strings.TrimSpace(index.Truncate(text, maxQueryBytes))
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
	if id := index.NormalizeIdentifier(text); id != "" {
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
	seen := map[string]bool{}
	for _, tok := range a.Analyze([]byte(text)) {
		if len(out) == maxQueryTokens {
			break
		}
		if w := string(tok.Term); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
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
	index.OnlyPurpose(&e, purposeID)
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

func facetCounts(facets search.FacetResults, key string) []index.FacetCount {
	out := []index.FacetCount{}
	fr, ok := facets[key]
	if !ok || fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, index.FacetCount{Value: t.Term, Count: t.Count})
	}
	return out
}
