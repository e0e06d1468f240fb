package resolve

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameBytes caps a name before normalising: names are scraped text, and
// a key longer than this says nothing a shorter one does not.
const maxNameBytes = 300

// CompanyName is the form a company name is compared in: case, accents
// and punctuation folded ("Café" = "CAFE", "B.V." = "BV"), and the legal
// form dropped from either end ("Donald Holding B.V." = "donald"), so
// the KvK register, a website's footer and a publication name one company
// the same way. A name that is nothing but legal forms ("Holding B.V.")
// keeps them.
func CompanyName(s string) string {
	words := nameWords(s)
	trimmed := trimLegalForms(words)
	if len(trimmed) == 0 {
		trimmed = words
	}
	return strings.Join(trimmed, " ")
}

// PersonName is the form a person's name is compared in: folded like a
// company name, without titles ("dhr.", "mr.", "drs."), and with the
// words sorted, so "de Vries, Jan" = "Jan de Vries". Equal person names are
// only ever a candidate match for an analyst, never a merge.
func PersonName(s string) string {
	words := nameWords(s)
	kept := words[:0]
	for _, w := range words {
		if !titles[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = nameWords(s)
	}
	slices.Sort(kept)
	return strings.Join(kept, " ")
}

// legalForms are the words, after folding, that name a legal form or a
// holding layer rather than the business: Dutch forms first, then the
// foreign ones seen in the register.
var legalForms = map[string]bool{
	"bv": true, "nv": true, "vof": true, "cv": true, "holding": true, "stichting": true, "vereniging": true,
	"cooperatie": true, "ua": true, "wa": true, "ba": true, "eenmanszaak": true, "maatschap": true, "io": true,
	"ltd": true, "limited": true, "gmbh": true, "ag": true, "sa": true, "sarl": true, "srl": true, "spa": true,
	"llc": true, "inc": true, "plc": true, "bvba": true, "sprl": true, "kg": true, "ohg": true,
}

// titles are forms of address and degrees written before or after names.
var titles = map[string]bool{
	"dhr": true, "mevr": true, "mw": true, "mej": true, "heer": true, "mevrouw": true, "mr": true, "dr": true,
	"drs": true, "ir": true, "ing": true, "prof": true, "ds": true, "bc": true, "msc": true, "bsc": true,
	"ma": true, "ba": true, "llm": true, "phd": true, "jr": true, "sr": true,
}

// trimLegalForms drops legal forms from both ends, and "in oprichting"
// (a company being founded) from the end.
func trimLegalForms(words []string) []string {
	for len(words) > 0 {
		n := len(words)
		switch {
		case legalForms[words[n-1]]:
			words = words[:n-1]
		case n >= 2 && words[n-2] == "in" && words[n-1] == "oprichting":
			words = words[:n-2]
		case legalForms[words[0]]:
			words = words[1:]
		default:
			return words
		}
	}
	return words
}

// nameWords folds s and splits it into words. Dots and apostrophes join
// ("B.V." → "bv", "'t" → "t"), "&" reads as "en", every other
// non-alphanumeric separates; runs of single letters join ("b v" → "bv",
// "J. P." → "jp"), so abbreviations compare equal however they are
// spaced.
func nameWords(s string) []string {
	s = clip(s, maxNameBytes)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent: dropped with the decomposition
		case r == '.' || r == '\'' || r == '’' || r == '`' || r == '´':
		case r == '&' || r == '+':
			b.WriteString(" en ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f, ok := letterFolds[unicode.ToLower(r)]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		default:
			b.WriteByte(' ')
		}
	}
	var out []string
	joinable := false // the last word is a run of single letters
	for _, w := range strings.Fields(b.String()) {
		single := utf8.RuneCountInString(w) == 1
		if single && joinable {
			out[len(out)-1] += w
			continue
		}
		out = append(out, w)
		joinable = single
	}
	return out
}

// letterFolds are letters NFD does not decompose into a base letter and an
// accent.
var letterFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ĳ': "ij",
}

// clip cuts s to n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
