package esfake

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// matched collects, per text field, the index terms a query found, for
// the highlighter: like Elasticsearch's, it marks every query term found
// in a field, whichever clause it came from.
type matched map[string]map[string]bool

func (m matched) add(field, term string) {
	if m[field] == nil {
		m[field] = map[string]bool{}
	}
	m[field][term] = true
}

// matcher decides whether a document matches and with what score.
type matcher func(d *doc, m matched) (bool, float64)

// badQuery is a query the fake cannot run: Elasticsearch's
// parsing_exception (or the fake's own refusal of DSL it does not have).
type badQuery struct{ reason string }

func (e badQuery) Error() string { return e.reason }

func bad(format string, args ...any) error { return badQuery{fmt.Sprintf(format, args...)} }

// compile turns the query DSL into a matcher against ix's mapping.
func compile(ix *esIndex, q any) (matcher, error) {
	m, ok := q.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, bad("[_na] query malformed, must start with a single query name")
	}
	for name, body := range m {
		args, _ := body.(map[string]any)
		if args == nil {
			return nil, bad("[%s] query malformed, no start_object after query name", name)
		}
		switch name {
		case "match_all":
			b := boost(args)
			return func(*doc, matched) (bool, float64) { return true, b }, nil
		case "match_none":
			return func(*doc, matched) (bool, float64) { return false, 0 }, nil
		case "bool":
			return compileBool(ix, args)
		case "term":
			return compileTerm(ix, args)
		case "terms":
			return compileTerms(ix, args)
		case "range":
			return compileRange(ix, args)
		case "multi_match":
			return compileMultiMatch(ix, args)
		default:
			return nil, bad("esfake does not implement query [%s]", name)
		}
	}
	panic("unreachable")
}

func boost(args map[string]any) float64 {
	if b, ok := args["boost"].(float64); ok {
		return b
	}
	return 1
}

func clauses(ix *esIndex, v any) ([]matcher, error) {
	var list []any
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []any:
		list = v
	case map[string]any:
		list = []any{v}
	default:
		return nil, bad("[bool] malformed clause list")
	}
	out := make([]matcher, 0, len(list))
	for _, c := range list {
		m, err := compile(ix, c)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func compileBool(ix *esIndex, args map[string]any) (matcher, error) {
	for k := range args {
		switch k {
		case "must", "filter", "should", "must_not", "minimum_should_match", "boost":
		default:
			return nil, bad("[bool] query does not support [%s]", k)
		}
	}
	must, err := clauses(ix, args["must"])
	if err != nil {
		return nil, err
	}
	filter, err := clauses(ix, args["filter"])
	if err != nil {
		return nil, err
	}
	should, err := clauses(ix, args["should"])
	if err != nil {
		return nil, err
	}
	mustNot, err := clauses(ix, args["must_not"])
	if err != nil {
		return nil, err
	}
	msm := 0
	if len(should) > 0 && len(must) == 0 && len(filter) == 0 {
		msm = 1
	}
	switch v := args["minimum_should_match"].(type) {
	case nil:
	case float64:
		msm = int(v)
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, bad("esfake supports minimum_should_match as a number only")
		}
		msm = n
	}
	b := boost(args)
	return func(d *doc, m matched) (bool, float64) {
		score := 0.0
		for _, c := range must {
			ok, s := c(d, m)
			if !ok {
				return false, 0
			}
			score += s
		}
		for _, c := range filter {
			if ok, _ := c(d, matched{}); !ok {
				return false, 0
			}
		}
		for _, c := range mustNot {
			if ok, _ := c(d, matched{}); ok {
				return false, 0
			}
		}
		n := 0
		for _, c := range should {
			if ok, s := c(d, m); ok {
				n++
				score += s
			}
		}
		if n < msm {
			return false, 0
		}
		return true, score * b
	}, nil
}

// fieldArg reads {field: value} or {field: {value, boost}}.
func fieldArg(args map[string]any, kind string) (field string, value any, b float64, err error) {
	b = 1
	for k, v := range args {
		if k == "boost" {
			if f, ok := v.(float64); ok {
				b = f
			}
			continue
		}
		if field != "" {
			return "", nil, 0, bad("[%s] query doesn't support multiple fields, found [%s] and [%s]", kind, field, k)
		}
		field, value = k, v
	}
	if field == "" {
		return "", nil, 0, bad("[%s] query needs a field", kind)
	}
	if inner, ok := value.(map[string]any); ok && kind != "range" {
		value = inner["value"]
		if f, ok := inner["boost"].(float64); ok {
			b = f
		}
	}
	return field, value, b, nil
}

// termMatch reports whether d has the exact term in field: a keyword's
// normalised value (the query term is normalised too) or a text token.
func termMatch(ix *esIndex, field, value string) func(d *doc, m matched) bool {
	ft := ix.mapping.fields[field]
	switch ft.kind {
	case "keyword":
		want := ix.analysis.normalize(ft.normalizer, value)
		return func(d *doc, _ matched) bool {
			for _, v := range d.keywords[field] {
				if v == want {
					return true
				}
			}
			return false
		}
	case "text":
		return func(d *doc, m matched) bool {
			for _, v := range d.text[field] {
				for _, t := range v.tokens {
					if t.term == value {
						m.add(field, value)
						return true
					}
				}
			}
			return false
		}
	}
	return func(*doc, matched) bool { return false }
}

func compileTerm(ix *esIndex, args map[string]any) (matcher, error) {
	field, value, b, err := fieldArg(args, "term")
	if err != nil {
		return nil, err
	}
	s, ok := value.(string)
	if !ok {
		return nil, bad("esfake supports string terms only")
	}
	match := termMatch(ix, field, s)
	return func(d *doc, m matched) (bool, float64) {
		if match(d, m) {
			return true, b
		}
		return false, 0
	}, nil
}

func compileTerms(ix *esIndex, args map[string]any) (matcher, error) {
	field, value, b, err := fieldArg(args, "terms")
	if err != nil {
		return nil, err
	}
	list, ok := value.([]any)
	if !ok {
		return nil, bad("[terms] query requires an array of terms for field [%s]", field)
	}
	var alts []func(*doc, matched) bool
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, bad("esfake supports string terms only")
		}
		alts = append(alts, termMatch(ix, field, s))
	}
	return func(d *doc, m matched) (bool, float64) {
		for _, match := range alts {
			if match(d, m) {
				return true, b
			}
		}
		return false, 0
	}, nil
}

func compileRange(ix *esIndex, args map[string]any) (matcher, error) {
	field, value, b, err := fieldArg(args, "range")
	if err != nil {
		return nil, err
	}
	if k := ix.mapping.fields[field].kind; k != "date" && k != "date_nanos" {
		return nil, bad("esfake supports range on date fields only, not [%s]", field)
	}
	bounds, _ := value.(map[string]any)
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	for k, v := range bounds {
		s, ok := v.(string)
		if !ok {
			return nil, bad("esfake supports date strings in ranges only")
		}
		t, err := parseDate(s)
		if err != nil {
			return nil, bad("failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]", s)
		}
		n := t.UnixNano()
		switch k {
		case "gte":
			lo = n
		case "gt":
			lo = n + 1
		case "lte":
			hi = n
		case "lt":
			hi = n - 1
		default:
			return nil, bad("[range] query does not support [%s]", k)
		}
	}
	return func(d *doc, _ matched) (bool, float64) {
		for _, v := range d.dates[field] {
			if v >= lo && v <= hi {
				return true, b
			}
		}
		return false, 0
	}, nil
}

// multiMatch is a parsed multi_match query.
type multiMatch struct {
	fields         []string
	boosts         []float64
	terms          map[string][]string // field → analysed query terms
	prefixLast     bool                // type bool_prefix
	and            bool
	fuzziness      string
	transpositions bool
	prefixLength   int
	boost          float64
}

func compileMultiMatch(ix *esIndex, args map[string]any) (matcher, error) {
	mm := multiMatch{terms: map[string][]string{}, transpositions: true, boost: boost(args)}
	text, ok := args["query"].(string)
	if !ok {
		return nil, bad("[multi_match] requires query value")
	}
	for k, v := range args {
		switch k {
		case "query", "fields", "boost":
		case "type":
			switch v {
			case "best_fields":
			case "bool_prefix":
				mm.prefixLast = true
			default:
				return nil, bad("esfake does not implement multi_match type [%v]", v)
			}
		case "operator":
			s, _ := v.(string)
			mm.and = strings.EqualFold(s, "and")
		case "fuzziness":
			mm.fuzziness = fmt.Sprint(v)
		case "fuzzy_transpositions":
			mm.transpositions, _ = v.(bool)
		case "prefix_length":
			f, _ := v.(float64)
			mm.prefixLength = int(f)
		default:
			return nil, bad("esfake does not implement multi_match parameter [%s]", k)
		}
	}
	if mm.prefixLast && mm.fuzziness != "" {
		// Real Elasticsearch allows it (fuzziness then applies to all but
		// the last term); verrijk never sends it, so neither does the fake.
		return nil, bad("esfake does not implement fuzziness with bool_prefix")
	}
	list, _ := args["fields"].([]any)
	if len(list) == 0 {
		return nil, bad("esfake needs explicit multi_match fields")
	}
	for _, f := range list {
		s, _ := f.(string)
		name, b := s, 1.0
		if i := strings.IndexByte(s, '^'); i >= 0 {
			name = s[:i]
			var err error
			if b, err = strconv.ParseFloat(s[i+1:], 64); err != nil {
				return nil, bad("bad field boost [%s]", s)
			}
		}
		ft, ok := ix.mapping.fields[name]
		if !ok {
			continue // unmapped fields match nothing
		}
		if ft.kind != "text" {
			return nil, bad("esfake supports multi_match on text fields only, not [%s]", name)
		}
		var terms []string
		for _, t := range ix.analysis.analyze(ft.analyzer, text) {
			terms = append(terms, t.term)
		}
		mm.fields = append(mm.fields, name)
		mm.boosts = append(mm.boosts, b)
		mm.terms[name] = terms
	}
	return mm.match, nil
}

// match scores the best field (best_fields with tie_breaker 0).
func (mm multiMatch) match(d *doc, m matched) (bool, float64) {
	best, found := 0.0, false
	for i, field := range mm.fields {
		ok, s := mm.matchField(d, field, m)
		if ok {
			found = true
			best = math.Max(best, s*mm.boosts[i])
		}
	}
	return found, best * mm.boost
}

func (mm multiMatch) matchField(d *doc, field string, m matched) (bool, float64) {
	terms := mm.terms[field]
	if len(terms) == 0 {
		return false, 0 // zero_terms_query: none
	}
	score, hits := 0.0, 0
	for i, q := range terms {
		prefix := mm.prefixLast && i == len(terms)-1
		edits := allowedEdits(mm.fuzziness, q)
		best := 0.0
		for _, v := range d.text[field] {
			for _, t := range v.tokens {
				s := 0.0
				switch {
				case t.term == q:
					s = 1
				case prefix && strings.HasPrefix(t.term, q):
					s = 0.6
				case edits > 0 && !prefix && withinEdits(q, t.term, edits, mm.prefixLength, mm.transpositions):
					s = 0.5
				}
				if s > 0 {
					m.add(field, t.term)
					best = math.Max(best, s)
				}
			}
		}
		if best > 0 {
			hits++
			score += best
		}
	}
	if hits == 0 || (mm.and && hits < len(terms)) {
		return false, 0
	}
	return true, score
}

// allowedEdits reads fuzziness: 0, 1, 2 or AUTO[:low,high] (default 3,6).
func allowedEdits(fuzziness, term string) int {
	if fuzziness == "" {
		return 0
	}
	if n, err := strconv.Atoi(fuzziness); err == nil {
		return min(max(n, 0), 2)
	}
	low, high := 3, 6
	if rest, ok := strings.CutPrefix(strings.ToUpper(fuzziness), "AUTO:"); ok {
		parts := strings.Split(rest, ",")
		if len(parts) == 2 {
			low, _ = strconv.Atoi(parts[0])
			high, _ = strconv.Atoi(parts[1])
		}
	}
	n := len([]rune(term))
	switch {
	case n < low:
		return 0
	case n < high:
		return 1
	}
	return 2
}

// withinEdits is Lucene's FuzzyQuery test: the first prefixLength
// characters equal, and at most edits insertions, deletions, substitutions
// (and transpositions of neighbours, when allowed) for the rest.
func withinEdits(a, b string, edits, prefixLength int, transpositions bool) bool {
	ra, rb := []rune(a), []rune(b)
	if prefixLength > 0 {
		if len(ra) < prefixLength || len(rb) < prefixLength || string(ra[:prefixLength]) != string(rb[:prefixLength]) {
			return false
		}
	}
	if d := len(ra) - len(rb); d > edits || -d > edits {
		return false
	}
	return distance(ra, rb, transpositions) <= edits
}

// distance is the Levenshtein distance, or with transpositions the
// optimal string alignment distance.
func distance(a, b []rune, transpositions bool) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if transpositions && i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// sortedKeys lists a map's keys in order, for deterministic answers.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
