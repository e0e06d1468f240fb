package esfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
)

// searchRequest is the part of the search body the fake runs; anything
// else is refused.
type searchRequest struct {
	From           *int                       `json:"from"`
	Size           *int                       `json:"size"`
	TrackTotalHits any                        `json:"track_total_hits"`
	TrackScores    bool                       `json:"track_scores"`
	Source         any                        `json:"_source"`
	Query          map[string]any             `json:"query"`
	Sort           []any                      `json:"sort"`
	Highlight      *highlightRequest          `json:"highlight"`
	Aggs           map[string]json.RawMessage `json:"aggs"`
}

type highlightRequest struct {
	Encoder           string                    `json:"encoder"`
	PreTags           []string                  `json:"pre_tags"`
	PostTags          []string                  `json:"post_tags"`
	RequireFieldMatch *bool                     `json:"require_field_match"`
	Fields            map[string]highlightField `json:"fields"`
}

type highlightField struct {
	NumberOfFragments *int `json:"number_of_fragments"`
	FragmentSize      *int `json:"fragment_size"`
}

var searchKeys = map[string]bool{"from": true, "size": true, "track_total_hits": true, "track_scores": true,
	"_source": true, "query": true, "sort": true, "highlight": true, "aggs": true}

type scored struct {
	ix      *esIndex
	d       *doc
	score   float64
	matched matched
	sortKey []any
}

func (s *Server) search(w http.ResponseWriter, target string, body []byte) {
	ixs, missing := s.resolve(target)
	if missing != "" {
		indexNotFound(w, missing)
		return
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		writeError(w, 400, "parsing_exception", "request body is required", nil)
		return
	}
	for k := range raw {
		if !searchKeys[k] {
			writeError(w, 400, "parsing_exception", "Unknown key for a START_OBJECT in ["+k+"].", nil)
			return
		}
	}
	var req searchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "parsing_exception", err.Error(), nil)
		return
	}
	from, size := 0, 10
	if req.From != nil {
		from = *req.From
	}
	if req.Size != nil {
		size = *req.Size
	}
	if from < 0 || size < 0 {
		writeError(w, 400, "illegal_argument_exception", "[from] parameter cannot be negative", nil)
		return
	}
	if from+size > 10000 {
		writeError(w, 400, "illegal_argument_exception", fmt.Sprintf("Result window is too large, from + size must be less than or equal to: [10000] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.", from+size), nil)
		return
	}

	var hits []scored
	for _, ix := range ixs {
		m := func(*doc, matched) (bool, float64) { return true, 1 }
		if req.Query != nil {
			var err error
			if m, err = compile(ix, req.Query); err != nil {
				writeError(w, 400, "parsing_exception", err.Error(), nil)
				return
			}
		}
		for _, id := range sortedKeys(ix.visible) {
			d := ix.visible[id]
			mt := matched{}
			if ok, score := m(d, mt); ok {
				hits = append(hits, scored{ix: ix, d: d, score: score, matched: mt})
			}
		}
	}

	sorts, err := parseSorts(req.Sort)
	if err != nil {
		writeError(w, 400, "parsing_exception", err.Error(), nil)
		return
	}
	for i := range hits {
		hits[i].sortKey = sortValues(hits[i], sorts)
	}
	sort.SliceStable(hits, func(a, b int) bool { return less(hits[a], hits[b], sorts) })

	aggs, err := aggregate(hits, req.Aggs)
	if err != nil {
		writeError(w, 400, "parsing_exception", err.Error(), nil)
		return
	}
	scores := len(sorts) == 0 || req.TrackScores
	maxScore := any(nil)
	if scores && len(hits) > 0 {
		best := math.Inf(-1)
		for _, h := range hits {
			best = math.Max(best, h.score)
		}
		maxScore = best
	}
	page := []any{}
	for i := from; i < len(hits) && i < from+size; i++ {
		h := hits[i]
		hit := map[string]any{"_index": h.ix.name, "_id": h.d.id, "_score": nil, "_source": filterSource(h.d.source, req.Source)}
		if scores {
			hit["_score"] = h.score
		}
		if len(sorts) > 0 {
			hit["sort"] = h.sortKey
		}
		if hl := highlight(h, req.Highlight); len(hl) > 0 {
			hit["highlight"] = hl
		}
		page = append(page, hit)
	}
	out := map[string]any{
		"took":      2,
		"timed_out": false,
		"_shards":   map[string]any{"total": len(ixs), "successful": len(ixs), "skipped": 0, "failed": 0},
		"hits": map[string]any{
			"total":     map[string]any{"value": totalHits(len(hits), req.TrackTotalHits), "relation": relation(len(hits), req.TrackTotalHits)},
			"max_score": maxScore,
			"hits":      page,
		},
	}
	if len(aggs) > 0 {
		out["aggregations"] = aggs
	}
	writeJSON(w, 200, out)
}

// totalHits applies track_total_hits: true counts all, a number or the
// default (10000) caps the count.
func totalHits(n int, track any) int {
	if b, ok := track.(bool); ok && b {
		return n
	}
	limit := 10000
	if f, ok := track.(float64); ok {
		limit = int(f)
	}
	return min(n, limit)
}

func relation(n int, track any) string {
	if totalHits(n, track) < n {
		return "gte"
	}
	return "eq"
}

func filterSource(src map[string]any, filter any) any {
	switch f := filter.(type) {
	case nil:
		return src
	case bool:
		if !f {
			return nil
		}
		return src
	case []any:
		out := map[string]any{}
		for _, k := range f {
			ks, _ := k.(string)
			if v, ok := src[ks]; ok {
				out[ks] = v
			}
		}
		return out
	}
	return src
}

// sortSpec is one sort criterion.
type sortSpec struct {
	field     string // "_score" or a field
	desc      bool
	missingLo bool // missing values first
}

func parseSorts(list []any) ([]sortSpec, error) {
	var out []sortSpec
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, fmt.Errorf("esfake supports sort as [{field: order}] only")
		}
		for field, v := range m {
			if field == "_id" {
				return nil, fmt.Errorf("Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled")
			}
			spec := sortSpec{field: field, desc: field == "_score"}
			switch v := v.(type) {
			case string:
				spec.desc = v == "desc"
			case map[string]any:
				if o, ok := v["order"].(string); ok {
					spec.desc = o == "desc"
				}
				if mv, ok := v["missing"]; ok {
					switch mv {
					case "_first":
						spec.missingLo = true
					case "_last":
					default:
						return nil, fmt.Errorf("esfake supports missing _first or _last only")
					}
				}
			}
			out = append(out, spec)
		}
	}
	return out, nil
}

// missingLong is what Elasticsearch puts in a hit's sort values for a
// missing numeric (or date) value sorted last in descending order.
const missingLong = math.MinInt64

func sortValues(h scored, sorts []sortSpec) []any {
	out := make([]any, 0, len(sorts))
	for _, s := range sorts {
		if s.field == "_score" {
			out = append(out, h.score)
			continue
		}
		if ds, ok := h.d.dates[s.field]; ok && len(ds) > 0 {
			v := ds[0]
			for _, x := range ds {
				if s.desc && x > v || !s.desc && x < v {
					v = x
				}
			}
			if t := h.ix.mapping.fields[s.field].kind; t == "date" {
				v /= 1e6 // epoch milliseconds
			}
			out = append(out, v)
			continue
		}
		if ks, ok := h.d.keywords[s.field]; ok && len(ks) > 0 {
			v := ks[0]
			for _, x := range ks {
				if s.desc && x > v || !s.desc && x < v {
					v = x
				}
			}
			out = append(out, v)
			continue
		}
		switch h.ix.mapping.fields[s.field].kind {
		case "date", "date_nanos":
			if s.desc == !s.missingLo {
				out = append(out, int64(missingLong))
			} else {
				out = append(out, int64(math.MaxInt64))
			}
		default:
			out = append(out, nil)
		}
	}
	return out
}

func less(a, b scored, sorts []sortSpec) bool {
	if len(sorts) == 0 {
		if a.score != b.score {
			return a.score > b.score
		}
		return a.d.id < b.d.id
	}
	for i, s := range sorts {
		c := compare(a.sortKey[i], b.sortKey[i], s)
		if c != 0 {
			return c < 0
		}
	}
	return false
}

// compare orders two sort values under s, missing ones where s puts them.
func compare(x, y any, s sortSpec) int {
	if x == nil || y == nil {
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil == s.missingLo:
			return -1
		default:
			return 1
		}
	}
	c := 0
	switch xv := x.(type) {
	case float64:
		yv := y.(float64)
		c = cmpOrdered(xv, yv)
	case int64:
		c = cmpOrdered(xv, y.(int64))
	case string:
		c = strings.Compare(xv, y.(string))
	}
	if s.desc {
		c = -c
	}
	return c
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// aggregate runs terms aggregations over keyword fields: buckets by count,
// then key.
func aggregate(hits []scored, aggs map[string]json.RawMessage) (map[string]any, error) {
	out := map[string]any{}
	for name, raw := range aggs {
		var a map[string]struct {
			Field string `json:"field"`
			Size  *int   `json:"size"`
		}
		if err := json.Unmarshal(raw, &a); err != nil || len(a) != 1 {
			return nil, fmt.Errorf("esfake supports terms aggregations only (%s)", name)
		}
		t, ok := a["terms"]
		if !ok {
			return nil, fmt.Errorf("esfake supports terms aggregations only (%s)", name)
		}
		size := 10
		if t.Size != nil {
			size = *t.Size
		}
		counts := map[string]int{}
		for _, h := range hits {
			seen := map[string]bool{}
			for _, v := range h.d.keywords[t.Field] {
				if !seen[v] {
					seen[v] = true
					counts[v]++
				}
			}
		}
		keys := sortedKeys(counts)
		sort.SliceStable(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
		buckets, other := []any{}, 0
		for i, k := range keys {
			if i < size {
				buckets = append(buckets, map[string]any{"key": k, "doc_count": counts[k]})
			} else {
				other += counts[k]
			}
		}
		out[name] = map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": other, "buckets": buckets}
	}
	return out, nil
}

// highlight marks the query's terms in the requested text fields, with
// Lucene's html encoder when asked for.
func highlight(h scored, req *highlightRequest) map[string]any {
	if req == nil {
		return nil
	}
	pre, post := "<em>", "</em>"
	if len(req.PreTags) > 0 {
		pre = req.PreTags[0]
	}
	if len(req.PostTags) > 0 {
		post = req.PostTags[0]
	}
	encode := func(s string) string { return s }
	if req.Encoder == "html" {
		encode = encodeHTML
	}
	out := map[string]any{}
	for _, field := range sortedKeys(req.Fields) {
		terms := h.matched[field]
		if len(terms) == 0 {
			continue
		}
		opts := req.Fields[field]
		frags, size := 5, 100
		if opts.NumberOfFragments != nil {
			frags = *opts.NumberOfFragments
		}
		if opts.FragmentSize != nil {
			size = *opts.FragmentSize
		}
		var list []any
		for _, v := range h.d.text[field] {
			if frags > 0 && len(list) == frags {
				break
			}
			if f, ok := fragment(v, terms, pre, post, encode, frags == 0, size); ok {
				list = append(list, f)
			}
		}
		if len(list) > 0 {
			out[field] = list
		}
	}
	return out
}

func fragment(v analysedValue, terms map[string]bool, pre, post string, encode func(string) string, whole bool, size int) (string, bool) {
	var marks []token
	for _, t := range v.tokens {
		if terms[t.term] {
			marks = append(marks, t)
		}
	}
	if len(marks) == 0 {
		return "", false
	}
	lo, hi := 0, len(v.raw)
	if !whole && len(v.raw) > size {
		// A window of about size bytes from the first match on.
		lo = max(0, marks[0].start-size/4)
		for lo > 0 && !isBoundary(v.raw, lo) {
			lo--
		}
		hi = min(len(v.raw), lo+size)
		for hi < len(v.raw) && !isBoundary(v.raw, hi) {
			hi++
		}
	}
	var b strings.Builder
	at := lo
	for _, t := range marks {
		if t.start < lo || t.end > hi {
			continue
		}
		b.WriteString(encode(v.raw[at:t.start]))
		b.WriteString(pre + encode(v.raw[t.start:t.end]) + post)
		at = t.end
	}
	b.WriteString(encode(v.raw[at:hi]))
	return b.String(), true
}

func isBoundary(s string, i int) bool { return i == len(s) || s[i] < 0x80 || s[i] >= 0xC0 }

// encodeHTML is Lucene's SimpleHTMLEncoder.
func encodeHTML(s string) string {
	return strings.NewReplacer(`"`, "&quot;", "&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#x27;", "/", "&#x2F;").Replace(s)
}
