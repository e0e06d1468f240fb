package indicators

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// How conditions read values: every value is text, read as a date, a
// number or words only by the test that needs it.

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func equalsAny(v string, terms []string) bool {
	v = strings.TrimSpace(v)
	for _, t := range terms {
		if strings.EqualFold(v, t) {
			return true
		}
	}
	return false
}

// number reads a value such as "3", "17580" or "0.85".
func number(v string) (float64, bool) {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return x, err == nil
}

// date reads the calendar date a value starts with: "2024-10-16", or the
// date of a timestamp such as "2016-03-12T09:45:12Z".
func date(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 10 {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, v[:10])
	return d, err == nil
}

// containsWords reports whether term occurs in text as whole words, case
// and spacing aside: "13b Opiumwet" is in "artikel 13b  Opiumwet", "bibob"
// is in "Bibob-toets" but "sluiting" is not in "sluitingstijden".
func containsWords(text, term string) bool {
	text = strings.ToLower(strings.Join(strings.Fields(text), " "))
	term = strings.ToLower(strings.Join(strings.Fields(term), " "))
	if term == "" {
		return false
	}
	for from := 0; from <= len(text)-len(term); {
		i := strings.Index(text[from:], term)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(term)
		if !wordRuneBefore(text, start) && !wordRuneAt(text, end) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		from = start + size
	}
	return false
}

func wordRuneBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
