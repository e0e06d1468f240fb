package bleveindex

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

// maxFacetTerms bounds the distinct facet values (of all four facets
// together) one search counts; index.MaxFacetValues of each are returned.
// Facet values are few per facet (schemas, sources, 342 municipalities,
// 21 SBI sections), so the bound only stops a flood of odd values.
const maxFacetTerms = 10000

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
	sr, err := x.idx.SearchInContext(ctx, x.request(q))
	if err != nil {
		return index.Result{}, fmt.Errorf("searching index: %w", err)
	}
	res := index.Result{
		Total:  int(sr.Total),
		Hits:   make([]index.Hit, 0, len(sr.Hits)),
		Facets: facetCounts(sr.Facets[fieldFacets]),
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

// request builds the Bleve search for q.
func (x *Index) request(q index.Query) *bleve.SearchRequest {
	from, size := q.Window()
	filter := allOf(filters(q))
	text := strings.TrimSpace(index.Truncate(q.Text, maxQueryBytes))

	var req *bleve.SearchRequest
	if text == "" {
		// Without text no match is more relevant than another. The filters
		// are then the query itself, unscored: Bleve walks only the
		// documents they select (as a filter beside "match all" it would
		// walk every document in the index and test each one).
		req = bleve.NewSearchRequestOptions(filter, size, from, false)
		req.Score = bleve.ScoreNone
	} else {
		bq := bleve.NewBooleanQuery()
		bq.AddMust(x.textQuery(text))
		bq.AddFilter(filter)
		req = bleve.NewSearchRequestOptions(bq, size, from, false)
	}

	// By relevance, Bleve breaks ties in index order (see
	// index.SortRelevance). By date, dateKey orders newest first with
	// ties by id: Bleve's own _id sort would load each hit's stored id.
	if q.Sort == index.SortDate {
		req.SortByCustom(search.SortOrder{&search.SortField{Field: fieldDateKey, Type: search.SortFieldAsString}})
	}
	req.Fields = []string{fieldEntity}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldCaption)
	req.Highlight.AddField(fieldText)
	req.AddFacet(fieldFacets, bleve.NewFacetRequest(fieldFacets, maxFacetTerms))
	return req
}

// filters are q's restrictions, the purpose first: they select without
// scoring. A team key holds the purpose too, so with teams the purpose
// needs no term of its own.
func filters(q index.Query) []query.Query {
	var out []query.Query
	if len(q.Teams) > 0 {
		keys := make([]string, len(q.Teams))
		for i, team := range q.Teams {
			keys[i] = index.TeamKey(q.PurposeID, team)
		}
		out = append(out, anyTerm(fieldTeams, keys))
	} else {
		out = append(out, termQuery(fieldPurposes, q.PurposeID))
	}
	if q.SignalID != "" {
		out = append(out, termQuery(fieldLinks, index.LinkKey(q.PurposeID, q.SignalID)))
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

// allOf matches what every one of qs matches.
func allOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0] // a conjunction of one only adds a layer to walk through
	}
	return bleve.NewConjunctionQuery(qs...)
}

func anyTerm(field string, terms []string) query.Query {
	if len(terms) == 1 {
		return termQuery(field, terms[0])
	}
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

// facetCounts splits the counts of fieldFacets into the four facets, each
// ordered by count (highest first), then value, at most
// index.MaxFacetValues long. Every facet key is present.
func facetCounts(fr *search.FacetResult) map[string][]index.FacetCount {
	out := make(map[string][]index.FacetCount, len(index.FacetKeys))
	for _, key := range index.FacetKeys {
		out[key] = []index.FacetCount{}
	}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		if key, value, ok := splitFacetTerm(t.Term); ok {
			out[key] = append(out[key], index.FacetCount{Value: value, Count: t.Count})
		}
	}
	for key, list := range out {
		slices.SortFunc(list, func(a, b index.FacetCount) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[key] = list[:min(len(list), index.MaxFacetValues)]
	}
	return out
}
