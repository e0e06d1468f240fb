package bekendmakingen

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"verrijk/pipeline/subject"
)

// MaxTermLen caps a search term in runes. Company names are far shorter;
// a longer term is a paste accident and would only make a slower query.
const MaxTermLen = 200

// productAreas limits the search to the two collections that hold
// municipal and national publications (permits, Bibob and Opiumwet
// decisions, …), leaving out case law, treaties and the like.
const productAreas = "(c.product-area==officielepublicaties OR c.product-area==lokalebekendmakingen)"

// textIndex is the CQL index that searches titles, metadata and full text.
const textIndex = "cql.textAndIndexes="

// Query is the CQL query for a subject.
//
// A name or KvK number is searched as one quoted phrase. An address is
// searched as its postcode — written with and without the space, because
// publications use both ("8823SJ", "8823 SJ") — AND its house number with
// letter ("3A"). The huisnummertoevoeging is left out: publications write it
// in too many ways ("3A-2", "3A 2", "3A II") for a text search to match it
// reliably, and postcode plus number already narrows the search to a handful
// of buildings.
func Query(subj subject.Subject) (string, error) {
	var terms string
	switch subj.Type {
	case subject.Name, subject.KvK:
		t := cleanTerm(subj.Value)
		if t == "" {
			return "", fmt.Errorf("empty search term")
		}
		terms = textIndex + quote(t)
	case subject.Address:
		a, err := subject.ParseAddress(subj.Value)
		if err != nil {
			return "", err
		}
		pc := a.Postcode
		number := strconv.Itoa(a.HouseNumber) + a.Letter
		terms = "(" + textIndex + quote(pc) + " OR " + textIndex + quote(pc[:4]+" "+pc[4:]) + ") AND " +
			textIndex + quote(number)
	default:
		return "", fmt.Errorf("subject type %q is not supported", subj.Type)
	}
	return terms + " AND " + productAreas, nil
}

// cleanTerm drops control characters, collapses white space and caps the
// length, so whatever an analyst typed becomes one plain phrase.
func cleanTerm(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > MaxTermLen {
		s = strings.TrimSpace(string(r[:MaxTermLen]))
	}
	return s
}

// quote makes s one CQL search term. Inside quotes a backslash escapes the
// next character; besides the quote and the backslash itself, CQL gives
// '*', '?' and '^' a meaning (masking, anchoring) that a name must not get.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\', '"', '*', '?', '^':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// Terms returns the unescaped terms of every cql.textAndIndexes clause in
// a query, in order: what a query built by Query searched for.
func Terms(cql string) []string {
	var out []string
	rest := cql
	for {
		i := strings.Index(rest, textIndex+`"`)
		if i < 0 {
			return out
		}
		rest = rest[i+len(textIndex)+1:]
		var b strings.Builder
		closed := false
		for j := 0; j < len(rest); j++ {
			c := rest[j]
			if c == '\\' && j+1 < len(rest) {
				j++
				b.WriteByte(rest[j])
				continue
			}
			if c == '"' {
				rest = rest[j+1:]
				closed = true
				break
			}
			b.WriteByte(c)
		}
		if !closed {
			return out
		}
		out = append(out, b.String())
	}
}
