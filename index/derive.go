package index

import (
	"strings"
	"time"
	"unicode/utf8"

	"verrijk/pipeline/entity"
)

// IdentifierProperties are the entity properties whose values are strong
// identifiers: a search for one of them, typed in any common spelling, finds
// the entity. Names follow FollowTheMoney plus the Dutch registers.
var IdentifierProperties = []string{
	"kvkNumber", "rsin", "vestigingsnummer",
	"bagId", "adresseerbaarObjectId", "nummeraanduidingId", "verblijfsobjectId", "pandId", "openbareRuimteId",
	"postalCode", "postcode",
	"registrationNumber", "taxNumber", "vatCode", "leiCode", "idNumber",
	"email", "phone", "iban", "accountNumber", "domain", "licensePlate",
}

// Caps on what one entity contributes to the search fields. The entity is
// still stored whole; only its searchable text is bounded, so one oversized
// scraped value cannot bloat the index.
const (
	MaxValueBytes  = 4 << 10
	MaxTextValues  = 500
	MaxIdentifiers = 200
	maxFacetBytes  = 200
	maxFacetValues = 20
)

// NormalizeIdentifier puts an identifier in the form it is indexed under:
// upper case without spaces, dots or dashes, so "8823 sj", "8823-SJ" and
// "8823SJ" are one value, as are "NL.IMBAG.PAND.0363…" and "NLIMBAGPAND0363…",
// "6-TJR-64" and "6TJR64", "6875 0110" and "68750110".
func NormalizeIdentifier(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '\t', '\n', '\r', '.', '-', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Derived is what every backend indexes beside the entity itself: the
// values it filters, facets and matches identifiers on. Both backends
// build it with Derive, so they filter and facet on the same values.
type Derived struct {
	Identifiers    []string // normalised, deduplicated
	Sources        []string // provenance sources
	Municipalities []string
	SBISections    []string
	Purposes       []string
	Signals        []string
	Links          []string // LinkKey(purpose, signal)
	Teams          []string // TeamKey(purpose, team)
	Expires        time.Time
}

// Derive computes e's derived search values.
func Derive(e entity.Entity) Derived {
	d := Derived{Identifiers: identifiers(e)}
	sources, towns, sections := newOrderedSet(), newOrderedSet(), newOrderedSet()
	for _, p := range e.Provenance {
		sources.add(facetValue(p.Source))
	}
	for _, v := range e.Properties["municipality"] {
		towns.add(facetValue(v))
	}
	for _, v := range e.Properties["sbiCode"] {
		sections.add(SBISection(v))
	}
	d.Sources, d.Municipalities, d.SBISections = capList(sources.list), capList(towns.list), sections.list

	// An entity can carry a link per job that found it; sets keep this
	// linear in the number of links.
	purposes, signals, links, teams := newOrderedSet(), newOrderedSet(), newOrderedSet(), newOrderedSet()
	for _, l := range e.Signals {
		purposes.add(l.PurposeID)
		signals.add(l.SignalID)
		links.add(LinkKey(l.PurposeID, l.SignalID))
		teams.add(TeamKey(l.PurposeID, l.Team))
		if l.ExpiresAt.After(d.Expires) {
			d.Expires = l.ExpiresAt
		}
	}
	d.Purposes, d.Signals, d.Links, d.Teams = purposes.list, signals.list, links.list, teams.list
	return d
}

// LinkKey joins a purpose and a signal so that a signal filter only matches
// links under the searched purpose, not a link of the same entity under
// another purpose.
func LinkKey(purposeID, signalID string) string { return purposeID + "\x1f" + signalID }

// TeamKey joins a purpose and the team owning a linked signal, so that
// need-to-know is one term to match however many signals the team has,
// and a team's link under another purpose does not count.
func TeamKey(purposeID, team string) string { return purposeID + "\x1f" + team }

// TextValues lists e's property values for full-text search, sorted by
// property name, each cut to MaxValueBytes, at most MaxTextValues.
func TextValues(e entity.Entity) []string {
	var out []string
	for _, name := range e.PropertyNames() {
		for _, v := range e.Properties[name] {
			if len(out) == MaxTextValues {
				return out
			}
			out = append(out, Truncate(v, MaxValueBytes))
		}
	}
	return out
}

func identifiers(e entity.Entity) []string {
	set := newOrderedSet()
	for _, name := range IdentifierProperties {
		for _, v := range e.Properties[name] {
			if len(set.list) == MaxIdentifiers {
				return set.list
			}
			set.add(NormalizeIdentifier(Truncate(v, MaxValueBytes)))
		}
	}
	return set.list
}

// sbiSections maps the first two digits of an SBI code (the division) to
// its section, per SBI 2008 (the Dutch extension of NACE Rev. 2).
var sbiSections = [100]byte{}

func init() {
	for _, r := range []struct {
		from, to int
		section  byte
	}{
		{1, 3, 'A'}, {5, 9, 'B'}, {10, 33, 'C'}, {35, 35, 'D'}, {36, 39, 'E'}, {41, 43, 'F'},
		{45, 47, 'G'}, {49, 53, 'H'}, {55, 56, 'I'}, {58, 63, 'J'}, {64, 66, 'K'}, {68, 68, 'L'},
		{69, 75, 'M'}, {77, 82, 'N'}, {84, 84, 'O'}, {85, 85, 'P'}, {86, 88, 'Q'}, {90, 93, 'R'},
		{94, 96, 'S'}, {97, 98, 'T'}, {99, 99, 'U'},
	} {
		for d := r.from; d <= r.to; d++ {
			sbiSections[d] = r.section
		}
	}
}

// SBISection returns the section letter (A–U) of an SBI code such as
// "4711", "56.10.1" or "01131", or "" when code does not start with two
// digits of a known division.
func SBISection(code string) string {
	code = strings.TrimSpace(code)
	if len(code) < 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return ""
	}
	if s := sbiSections[int(code[0]-'0')*10+int(code[1]-'0')]; s != 0 {
		return string(s)
	}
	return ""
}

// facetValue trims a facet value and bounds its length.
func facetValue(s string) string { return strings.TrimSpace(Truncate(s, maxFacetBytes)) }

func capList(list []string) []string {
	if len(list) > maxFacetValues {
		return list[:maxFacetValues]
	}
	return list
}

// Truncate cuts s to n bytes without splitting a UTF-8 sequence.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// orderedSet keeps the first occurrence of each non-empty value, in order.
type orderedSet struct {
	seen map[string]struct{}
	list []string
}

func newOrderedSet() *orderedSet { return &orderedSet{seen: map[string]struct{}{}} }

func (s *orderedSet) add(v string) {
	if _, dup := s.seen[v]; v == "" || dup {
		return
	}
	s.seen[v] = struct{}{}
	s.list = append(s.list, v)
}
