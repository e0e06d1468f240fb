package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

const (
	// Queries are typed by analysts but still bounded: every word becomes
	// several sub-queries.
	maxQueryBytes = 512
	maxQueryWords = 16

	identifierBoost = 5.0
	fuzzyBoost      = 0.3
	prefixBoost     = 0.5
	minFuzzyLen     = 5 // shorter words match too much at distance 1
	minPrefixLen    = 3

	markOpen  = "<mark>"
	markClose = "</mark>"
)

// exactFields are searched for every word, name and address fields above
// other text; fuzzyFields and prefixFields for its near spellings.
var (
	exactFields  = []string{fieldCaption + "^3", fieldNames + "^2", fieldAddresses + "^1.5", fieldText}
	fuzzyFields  = []string{fieldCaption, fieldNames, fieldText}
	prefixFields = []string{fieldCaption, fieldText}
)

// aggFields maps each facet key to the field its terms aggregation counts.
var aggFields = map[string]string{
	index.FacetSchema:       fieldSchema,
	index.FacetSource:       fieldSources,
	index.FacetMunicipality: fieldMunicipal,
	index.FacetSBISection:   fieldSBISection,
}

// Search returns one page of the entities linked under q.PurposeID that
// match q. Hits carry only the signal links under q.PurposeID; the purpose
// and every restriction are filters of the query itself, never applied to
// what came back.
//
// Highlights are keyed "caption" and "text", HTML-encoded by Elasticsearch
// with only the matched terms wrapped in <mark>…</mark>.
func (x *Index) Search(ctx context.Context, q index.Query) (index.Result, error) {
	if err := q.Check(); err != nil {
		return index.Result{}, err
	}
	body, err := json.Marshal(searchBody(q))
	if err != nil {
		return index.Result{}, err
	}
	raw, err := x.do(ctx, "POST", "/"+x.alias+"/_search", nil, body, false)
	if err != nil {
		return index.Result{}, fmt.Errorf("searching: %w", err)
	}
	return parseSearch(raw, q.PurposeID)
}

// searchBody is the request body of a search.
func searchBody(q index.Query) obj {
	from, size := q.Window()
	body := obj{
		"from":             from,
		"size":             size,
		"track_total_hits": true, // an exact total, as Bleve gives
		// With an explicit sort Elasticsearch leaves _score out unless asked.
		"track_scores": true,
		"_source":      []string{fieldEntity},
		"query": obj{"bool": obj{
			"must":   []any{textQuery(q.Text)},
			"filter": filters(q),
		}},
		"highlight": obj{
			"encoder":   "html", // escapes the text, so only <mark> is markup
			"pre_tags":  []string{markOpen},
			"post_tags": []string{markClose},
			"fields": obj{
				fieldCaption: obj{"number_of_fragments": 0},
				fieldText:    obj{"fragment_size": 150, "number_of_fragments": 3},
			},
		},
		"aggs": aggs(),
	}
	if q.Sort == index.SortDate {
		body["sort"] = []any{
			obj{fieldLastSeen: obj{"order": "desc", "missing": "_last"}},
			obj{fieldID: "asc"},
		}
	} else {
		// Ids break ties so pages do not overlap (sorting on _id itself is
		// refused by Elasticsearch 8).
		body["sort"] = []any{obj{"_score": "desc"}, obj{fieldID: "asc"}}
	}
	return body
}

func aggs() obj {
	out := obj{}
	for _, key := range index.FacetKeys {
		out[key] = obj{"terms": obj{"field": aggFields[key], "size": index.MaxFacetValues}}
	}
	return out
}

// filters are q's restrictions, the purpose first.
func filters(q index.Query) []any {
	out := []any{term(fieldPurposes, q.PurposeID)}
	if q.SignalID != "" {
		out = append(out, term(fieldLinks, index.LinkKey(q.PurposeID, q.SignalID)))
	}
	if len(q.Teams) > 0 {
		keys := make([]string, len(q.Teams))
		for i, team := range q.Teams {
			keys[i] = index.TeamKey(q.PurposeID, team)
		}
		out = append(out, obj{"terms": obj{fieldTeams: keys}})
	}
	if q.Schema != "" {
		out = append(out, term(fieldSchema, q.Schema))
	}
	if len(q.Sources) > 0 {
		out = append(out, obj{"terms": obj{fieldSources: q.Sources}})
	}
	if !q.DateFrom.IsZero() || !q.DateTo.IsZero() {
		r := obj{}
		if !q.DateFrom.IsZero() {
			r["gte"] = nanoTime(q.DateFrom)
		}
		if !q.DateTo.IsZero() {
			r["lte"] = nanoTime(q.DateTo)
		}
		out = append(out, obj{"range": obj{fieldLastSeen: r}})
	}
	return out
}

// nanoTime formats a range bound for a date_nanos field, clamped to the
// years it can hold.
func nanoTime(t time.Time) string {
	lo, hi := time.Unix(0, 0).UTC(), time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
	t = t.UTC()
	if t.Before(lo) {
		t = lo
	}
	if t.After(hi) {
		t = hi
	}
	return t.Format(time.RFC3339Nano)
}

func term(field, value string) obj { return obj{"term": obj{field: value}} }

// textQuery matches text the way Bleve's does: every word (split at
// spaces; Elasticsearch analyses each) must match the caption, a name, an
// address or other text — exactly, the last word also as a prefix (search
// as you type), a word of five letters or more without digits also at one
// edit — or the whole text, normalised, is one identifier ("8823 sj").
func textQuery(text string) obj {
	text = strings.TrimSpace(index.Truncate(text, maxQueryBytes))
	if text == "" {
		return obj{"match_all": obj{}}
	}
	var alts []any
	if words := queryWords(text); len(words) > 0 {
		words = words[:min(len(words), maxQueryWords)]
		all := make([]any, 0, len(words))
		for i, w := range words {
			all = append(all, wordQuery(w, i == len(words)-1))
		}
		alts = append(alts, obj{"bool": obj{"must": all}})
	}
	if id := index.NormalizeIdentifier(text); id != "" {
		alts = append(alts, obj{"term": obj{fieldIdentifiers: obj{"value": id, "boost": identifierBoost}}})
	}
	return obj{"bool": obj{"should": alts, "minimum_should_match": 1}}
}

// queryWords splits text at spaces into at most maxQueryWords words,
// dropping those without a letter or digit: the analyser makes no term of
// them ("&", "-"), and a word without terms must not match everything.
func queryWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, unicode.IsSpace) {
		if len(out) == maxQueryWords {
			break
		}
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

func wordQuery(w string, last bool) obj {
	alts := []any{
		obj{"multi_match": obj{"query": w, "fields": exactFields, "operator": "and"}},
	}
	n := utf8.RuneCountInString(w)
	if n >= minFuzzyLen && !strings.ContainsAny(w, "0123456789") {
		alts = append(alts, obj{"multi_match": obj{"query": w, "fields": fuzzyFields, "operator": "and",
			"fuzziness": 1, "prefix_length": 0, "fuzzy_transpositions": false, "boost": fuzzyBoost}})
	}
	if last && n >= minPrefixLen {
		alts = append(alts, obj{"multi_match": obj{"query": w, "type": "bool_prefix", "fields": prefixFields,
			"operator": "and", "boost": prefixBoost}})
	}
	if len(alts) == 1 {
		return alts[0].(obj)
	}
	return obj{"bool": obj{"should": alts, "minimum_should_match": 1}}
}

// searchResponse is the part of a search answer that is read.
type searchResponse struct {
	TimedOut bool `json:"timed_out"`
	Shards   struct {
		Total  int `json:"total"`
		Failed int `json:"failed"`
	} `json:"_shards"`
	Hits struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Hits []struct {
			ID     string   `json:"_id"`
			Score  *float64 `json:"_score"`
			Source struct {
				Entity json.RawMessage `json:"entity"`
			} `json:"_source"`
			Highlight map[string][]string `json:"highlight"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      string `json:"key"`
			DocCount int    `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

func parseSearch(raw []byte, purposeID string) (index.Result, error) {
	var sr searchResponse
	if err := json.Unmarshal(raw, &sr); err != nil {
		return index.Result{}, fmt.Errorf("reading the search answer: %w", err)
	}
	// A partial answer would show an analyst less than there is, as if it
	// were all: better no answer.
	if sr.TimedOut || sr.Shards.Failed > 0 {
		return index.Result{}, fmt.Errorf("searching: %d of %d shards failed (timed out: %v)", sr.Shards.Failed, sr.Shards.Total, sr.TimedOut)
	}
	res := index.Result{
		Total:  sr.Hits.Total.Value,
		Hits:   make([]index.Hit, 0, len(sr.Hits.Hits)),
		Facets: make(map[string][]index.FacetCount, len(index.FacetKeys)),
	}
	for _, key := range index.FacetKeys {
		counts := []index.FacetCount{}
		for _, b := range sr.Aggregations[key].Buckets {
			counts = append(counts, index.FacetCount{Value: b.Key, Count: b.DocCount})
		}
		res.Facets[key] = counts
	}
	for _, h := range sr.Hits.Hits {
		var e entity.Entity
		if err := json.Unmarshal(h.Source.Entity, &e); err != nil {
			return index.Result{}, fmt.Errorf("decoding indexed entity %s: %w", h.ID, err)
		}
		index.OnlyPurpose(&e, purposeID)
		hit := index.Hit{Entity: e}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		for _, field := range []string{fieldCaption, fieldText} {
			for _, f := range h.Highlight[field] {
				if !strings.Contains(f, markOpen) {
					continue
				}
				if hit.Highlights == nil {
					hit.Highlights = map[string][]string{}
				}
				hit.Highlights[field] = append(hit.Highlights[field], f)
			}
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}
