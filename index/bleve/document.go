package bleveindex

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

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
	maxValueBytes  = 4 << 10
	maxTextValues  = 500
	maxIdentifiers = 200
)

// NormalizeIdentifier puts an identifier in the form it is indexed under:
// upper case without spaces, dots or dashes, so "8823 sj", "8823-SJ" and
// "8823SJ" are one value, as are "NL.IMBAG.PAND.0363…" and "NLIMBAGPAND0363…".
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

// toDocument builds the indexed form of e: the entity JSON stored whole plus
// the search fields.
func toDocument(e entity.Entity) (map[string]interface{}, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding entity %s: %w", e.ID, err)
	}
	doc := map[string]interface{}{
		fieldEntity:  string(raw),
		fieldCaption: truncate(e.Caption),
		fieldSchema:  e.Schema,
	}
	if text := textValues(e); len(text) > 0 {
		doc[fieldText] = text
	}
	if ids := identifiers(e); len(ids) > 0 {
		doc[fieldIdentifiers] = ids
	}

	// An entity can carry a link per job that found it; sets keep building
	// its document linear in the number of links.
	purposes, signals, links := newOrderedSet(), newOrderedSet(), newOrderedSet()
	var expires time.Time
	for _, l := range e.Signals {
		purposes.add(l.PurposeID)
		signals.add(l.SignalID)
		links.add(linkKey(l.PurposeID, l.SignalID))
		if l.ExpiresAt.After(expires) {
			expires = l.ExpiresAt
		}
	}
	if len(purposes.list) > 0 {
		doc[fieldPurposes] = purposes.list
		doc[fieldSignals] = signals.list
		doc[fieldLinks] = links.list
	}
	if !expires.IsZero() {
		doc[fieldExpires] = expires.UTC()
	}
	return doc, nil
}

// linkKey joins a purpose and a signal so that a signal filter only matches
// links under the searched purpose, not a link of the same entity under
// another purpose.
func linkKey(purposeID, signalID string) string { return purposeID + "\x1f" + signalID }

func textValues(e entity.Entity) []string {
	var out []string
	for _, name := range e.PropertyNames() {
		for _, v := range e.Properties[name] {
			if len(out) == maxTextValues {
				return out
			}
			out = append(out, truncate(v))
		}
	}
	return out
}

func identifiers(e entity.Entity) []string {
	var out []string
	for _, name := range IdentifierProperties {
		for _, v := range e.Properties[name] {
			if len(out) == maxIdentifiers {
				return out
			}
			if n := NormalizeIdentifier(truncate(v)); n != "" {
				out = appendOnce(out, n)
			}
		}
	}
	return out
}

// truncate cuts s to maxValueBytes without splitting a UTF-8 sequence.
func truncate(s string) string { return truncateTo(s, maxValueBytes) }

func appendOnce(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
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
