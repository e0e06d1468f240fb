package opensanctions

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The offline name matcher. It is deliberately simple and documented, not
// a copy of OpenSanctions' scoring:
//
//  1. Normalise a name: fold accents (NFKD, drop combining marks, plus a
//     few letters that do not decompose: ß, ø, æ, ł, đ, ı), lower-case,
//     delete dots and apostrophes (so "B.V." is "bv" and "O'Neill"
//     "oneill"), treat every other non-letter, non-digit as a space, split
//     into tokens, drop duplicates and legal-form tokens (bv, nv, vof,
//     holding, ltd, llc, gmbh, ooo, …). A name made only of legal forms
//     keeps them, so "Holding B.V." is still something.
//  2. Compare two token sets with a soft token-set similarity: every token
//     on either side counts its best Jaro-Winkler similarity to the other
//     side's tokens, and the score is the mean over all tokens of both
//     sides. Below 0.85, or with lengths differing by more than a third of
//     the longer, two tokens are different words and count 0 (Jaro-Winkler
//     alone rates "jan" against "jansen" 0.88). Word order does not
//     matter, a typo costs little, a missing or extra word costs its
//     share: "Jan Jansen" against "Jan Janssen" is 0.99, "Jan" against
//     "Jan Jansen" 0.67.
//  3. An entity's score is the best over its names and aliases, rounded
//     to four decimals.
//
// Candidates are blocked on the first three letters of a token (see
// buildIndex), so a name whose every word is misspelt in its first three
// letters is not found. That is the price of screening a large export
// without a search engine.

// tokenSim is the Jaro-Winkler similarity below which two tokens are
// different words.
const tokenSim = 0.85

// maxTokens caps the words of one name (hostile or absurd input).
const maxTokens = 20

// legalForms are dropped from names before comparing.
var legalForms = map[string]bool{
	"bv": true, "nv": true, "vof": true, "cv": true, "bvba": true, "vzw": true,
	"holding": true, "holdings": true, "ltd": true, "limited": true, "llc": true,
	"llp": true, "lp": true, "plc": true, "inc": true, "incorporated": true,
	"corp": true, "corporation": true, "co": true, "company": true,
	"gmbh": true, "ag": true, "kg": true, "sa": true, "sarl": true, "srl": true,
	"spa": true, "ab": true, "oy": true, "as": true, "aps": true,
	"ooo": true, "oao": true, "zao": true, "pao": true, "ao": true,
	"jsc": true, "pjsc": true, "ojsc": true, "cjsc": true, "fze": true, "fzco": true,
}

// undecomposed maps letters that NFKD leaves alone to their ASCII fold.
var undecomposed = strings.NewReplacer("ß", "ss", "ø", "o", "æ", "ae", "œ", "oe", "ł", "l", "đ", "d", "ı", "i", "þ", "th")

// fold strips accents; a Transformer is not safe for concurrent use, so
// each call builds its own chain.
func fold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// tokens is step 1: the comparable words of a name.
func tokens(name string) []string {
	s := undecomposed.Replace(strings.ToLower(fold(name)))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '.' || r == '\'' || r == '’' || r == '`':
			// joined: "b.v." → "bv"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	all := strings.Fields(b.String())
	if len(all) > maxTokens {
		all = all[:maxTokens]
	}
	var kept []string
	for _, t := range all {
		if !legalForms[t] && !slices.Contains(kept, t) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		for _, t := range all {
			if !slices.Contains(kept, t) {
				kept = append(kept, t)
			}
		}
	}
	return kept
}

// similarity is step 2, between two token sets.
func similarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	sum := 0.0
	for _, t := range a {
		sum += best(t, b)
	}
	for _, t := range b {
		sum += best(t, a)
	}
	return sum / float64(len(a)+len(b))
}

func best(t string, others []string) float64 {
	m := 0.0
	n := utf8.RuneCountInString(t)
	for _, o := range others {
		no := utf8.RuneCountInString(o)
		if 3*abs(n-no) > max(n, no) {
			continue
		}
		if s := jaroWinkler(t, o); s > m {
			m = s
		}
		if m == 1 {
			break
		}
	}
	if m < tokenSim {
		return 0
	}
	return m
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// score is step 3: the best similarity of query to any of names.
func score(query []string, names [][]string) float64 {
	m := 0.0
	for _, n := range names {
		m = math.Max(m, similarity(query, n))
	}
	return math.Round(m*1e4) / 1e4
}

// jaroWinkler is the Jaro similarity with Winkler's prefix bonus
// (p = 0.1, up to four letters), over runes.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	ma, mb := make([]bool, len(ra)), make([]bool, len(rb))
	m := 0
	for i, r := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && rb[j] == r {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	trans, j := 0, 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if ra[i] != rb[j] {
			trans++
		}
		j++
	}
	fm := float64(m)
	jaro := (fm/float64(len(ra)) + fm/float64(len(rb)) + (fm-float64(trans)/2)/fm) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}
