package esfake

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// token is one term of an analysed value with its byte offsets in the
// original value, which the highlighter marks.
type token struct {
	term       string
	start, end int
}

// analyzer is a custom analyser as the index settings define it. Only the
// parts verrijk's template uses are known; anything else is refused when
// the index is created, so the fake never silently analyses differently.
type analyzer struct{ filters []string }

// normalizer is a custom normalizer: char filters, then token filters, on
// the whole value.
type normalizer struct {
	chars   []*patternReplace
	filters []string
}

type patternReplace struct {
	re          *regexp.Regexp
	replacement string
}

var (
	tokenizer = unicode.NewUnicodeTokenizer() // UAX #29 word boundaries, as the standard tokenizer
	folder    = asciifolding.New()            // Lucene's ASCIIFoldingFilter table
)

// analysis is the analysis section of an index's settings.
type analysis struct {
	analyzers   map[string]analyzer
	normalizers map[string]normalizer
}

func parseAnalysis(settings map[string]any) (analysis, error) {
	a := analysis{analyzers: map[string]analyzer{}, normalizers: map[string]normalizer{}}
	sec, _ := settings["analysis"].(map[string]any)
	if sec == nil {
		return a, nil
	}
	charFilters := map[string]*patternReplace{}
	if cfs, ok := sec["char_filter"].(map[string]any); ok {
		for name, v := range cfs {
			def, _ := v.(map[string]any)
			if def["type"] != "pattern_replace" {
				return a, fmt.Errorf("esfake supports char_filter type pattern_replace only, not %v (%s)", def["type"], name)
			}
			pattern, _ := def["pattern"].(string)
			re, err := regexp.Compile(pattern)
			if err != nil {
				return a, fmt.Errorf("char_filter %s: %v", name, err)
			}
			repl, _ := def["replacement"].(string)
			charFilters[name] = &patternReplace{re: re, replacement: repl}
		}
	}
	if as, ok := sec["analyzer"].(map[string]any); ok {
		for name, v := range as {
			def, _ := v.(map[string]any)
			if def["type"] != "custom" || def["tokenizer"] != "standard" || def["char_filter"] != nil {
				return a, fmt.Errorf("esfake supports custom analyzers with the standard tokenizer and no char_filter only (%s)", name)
			}
			filters, err := tokenFilters(def["filter"])
			if err != nil {
				return a, fmt.Errorf("analyzer %s: %v", name, err)
			}
			a.analyzers[name] = analyzer{filters: filters}
		}
	}
	if ns, ok := sec["normalizer"].(map[string]any); ok {
		for name, v := range ns {
			def, _ := v.(map[string]any)
			if def["type"] != "custom" {
				return a, fmt.Errorf("esfake supports custom normalizers only (%s)", name)
			}
			var n normalizer
			list, _ := def["char_filter"].([]any)
			for _, c := range list {
				cs, _ := c.(string)
				cf, ok := charFilters[cs]
				if !ok {
					return a, fmt.Errorf("normalizer %s: unknown char_filter %v", name, c)
				}
				n.chars = append(n.chars, cf)
			}
			filters, err := tokenFilters(def["filter"])
			if err != nil {
				return a, fmt.Errorf("normalizer %s: %v", name, err)
			}
			n.filters = filters
			a.normalizers[name] = n
		}
	}
	return a, nil
}

func tokenFilters(v any) ([]string, error) {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, f := range list {
		switch f {
		case "lowercase", "uppercase", "asciifolding":
			out = append(out, f.(string))
		default:
			return nil, fmt.Errorf("esfake does not implement token filter %v", f)
		}
	}
	return out, nil
}

func applyFilters(term string, filters []string) string {
	for _, f := range filters {
		switch f {
		case "lowercase":
			term = strings.ToLower(term)
		case "uppercase":
			term = strings.ToUpper(term)
		case "asciifolding":
			term = string(folder.Filter([]byte(term)))
		}
	}
	return term
}

// analyze splits value into terms. The standard analyzer (lowercase only)
// stands in when name is empty.
func (a analysis) analyze(name, value string) []token {
	an, ok := a.analyzers[name]
	if !ok {
		an = analyzer{filters: []string{"lowercase"}}
	}
	var out []token
	for _, t := range tokenizer.Tokenize([]byte(value)) {
		if term := applyFilters(string(t.Term), an.filters); term != "" {
			out = append(out, token{term: term, start: t.Start, end: t.End})
		}
	}
	return out
}

// normalize applies a keyword field's normalizer ("" for none).
func (a analysis) normalize(name, value string) string {
	n, ok := a.normalizers[name]
	if !ok {
		return value
	}
	for _, c := range n.chars {
		value = c.re.ReplaceAllString(value, c.replacement)
	}
	return applyFilters(value, n.filters)
}
