// Package rights serves the data subject's rights (AVG chapter III) to
// the privacy officer: a report of everything verrijk holds on one
// identifier (a KvK number, name, address, plate, domain …), with the
// processing log for it, and the erasure of it. Both are audited.
package rights

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// nameProperties hold names of companies, people and screening matches.
var nameProperties = []string{"name", "alias", "tradeName", "statutoryName", "previousName",
	"entityName", "matchedName", "registrant"}

// identifierProperty says which property holds an identifier of each
// simple type, compared after normalisation.
var identifierProperty = map[subject.Type][]string{
	subject.KvK:       {"kvkNumber"},
	subject.Vestiging: {"vestigingsnummer"},
	subject.RSIN:      {"rsin"},
	subject.Plate:     {"registrationNumber"},
	subject.Domain:    {"domain"},
	subject.URL:       {"url", "website"},
	subject.Social:    {"socialProfile", "url"},
}

// isAbout reports whether e is about sub: it holds the identifier itself,
// not merely refers to an entity that does.
func isAbout(sub subject.Subject, e entity.Entity) bool {
	want := fold(sub.Value)
	switch sub.Type {
	case subject.Name:
		if fold(e.Caption) == want {
			return true
		}
		return anyValue(e, nameProperties, func(v string) bool { return fold(v) == want })
	case subject.Address:
		return e.Schema == entity.SchemaAddress && sameAddress(sub.Value, e)
	case subject.Domain:
		if e.Schema == entity.SchemaDomain && fold(e.First("name")) == want {
			return true
		}
		return anyValue(e, []string{"domain", "website", "url"}, func(v string) bool { return hostOf(v) == want })
	case subject.Social:
		platform, handle, _ := strings.Cut(sub.Value, "/")
		if fold(e.First("platform")) == fold(platform) && fold(e.First("handle")) == fold(handle) {
			return true
		}
	}
	if props, ok := identifierProperty[sub.Type]; ok && anyValue(e, props, func(v string) bool { return fold(v) == want }) {
		return true
	}
	// Any property holding exactly the identifier is about it too: the
	// query a publication was found with, a screening's matched name.
	for _, vs := range e.Properties {
		if slices.ContainsFunc(vs, func(v string) bool { return fold(v) == want }) {
			return true
		}
	}
	return false
}

// refersTo reports whether e names one of the entity ids in a property
// (a company's addressEntity, a publication's mentions).
func refersTo(e entity.Entity, ids []string) bool {
	for _, vs := range e.Properties {
		for _, v := range vs {
			if slices.Contains(ids, v) {
				return true
			}
		}
	}
	return false
}

func anyValue(e entity.Entity, props []string, ok func(string) bool) bool {
	for _, p := range props {
		if slices.ContainsFunc(e.Properties[p], ok) {
			return true
		}
	}
	return false
}

// sameAddress compares an address subject ("8823SJ 3A") with an Address
// entity's postcode, house number, letter and addition.
func sameAddress(value string, e entity.Entity) bool {
	parts, err := subject.ParseAddress(value)
	if err != nil {
		return false
	}
	if fold(e.First("postalCode")) != fold(parts.Postcode) {
		return false
	}
	if n, err := strconv.Atoi(e.First("houseNumber")); err != nil || n != parts.HouseNumber {
		return false
	}
	return fold(e.First("houseLetter")) == fold(parts.Letter) && fold(e.First("houseNumberAddition")) == fold(parts.Addition)
}

// hostOf is the host of a URL or a bare domain, folded, without "www.".
func hostOf(v string) string {
	v = fold(v)
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if i := strings.IndexAny(v, "/?#:"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimPrefix(v, "www.")
}

// fold makes a value comparable: lower case, no accents, no separators
// between letters and digits ("6-TJR-64" = "6tjr64", "8823 SJ" = "8823sj"),
// single spaces between words.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("-", "", "\u00a0", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// searchWord is the word of the identifier the store's candidate search
// looks for: the longest run of letters and digits. In a name, vowels are
// left open ("_"), as the stored text may carry an accent (Ünal, Café),
// and the word with the most letters fixed is taken.
func searchWord(sub subject.Subject) string {
	v := fold(sub.Value)
	if sub.Type == subject.Address {
		if parts, err := subject.ParseAddress(sub.Value); err == nil {
			v = fold(parts.Postcode)
		}
	}
	words := strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	best, bestScore := "", -1
	for _, w := range words {
		if sub.Type == subject.Name {
			w = strings.Map(func(r rune) rune {
				if strings.ContainsRune("aeiouy", r) {
					return '_'
				}
				return r
			}, w)
		}
		if score := len(strings.ReplaceAll(w, "_", "")); score > bestScore {
			best, bestScore = w, score
		}
	}
	if bestScore < 2 && sub.Type == subject.Name {
		// Too open a pattern finds everything: take the word as typed.
		best = ""
		for _, w := range words {
			if len(w) > len(best) {
				best = w
			}
		}
	}
	return best
}
