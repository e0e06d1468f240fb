package bleveindex

import (
	"encoding/json"
	"fmt"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// NormalizeIdentifier is index.NormalizeIdentifier, the form identifiers
// are indexed and searched under.
func NormalizeIdentifier(s string) string { return index.NormalizeIdentifier(s) }

// maxValueBytes caps each searchable value (see index.MaxValueBytes).
const maxValueBytes = index.MaxValueBytes

// toDocument builds the indexed form of e: the entity JSON stored whole plus
// the search fields.
func toDocument(e entity.Entity) (map[string]interface{}, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding entity %s: %w", e.ID, err)
	}
	doc := map[string]interface{}{
		fieldEntity:  string(raw),
		fieldDateKey: dateKey(e),
		fieldCaption: index.Truncate(e.Caption, maxValueBytes),
		fieldSchema:  e.Schema,
	}
	if text := index.TextValues(e); len(text) > 0 {
		doc[fieldText] = text
	}
	d := index.Derive(e)
	for field, values := range map[string][]string{
		fieldIdentifiers: d.Identifiers,
		fieldSources:     d.Sources,
		fieldPurposes:    d.Purposes,
		fieldSignals:     d.Signals,
		fieldLinks:       d.Links,
		fieldTeams:       d.Teams,
		fieldFacets:      facetTerms(e.Schema, d),
	} {
		if len(values) > 0 {
			doc[field] = values
		}
	}
	if !d.Expires.IsZero() {
		doc[fieldExpires] = d.Expires.UTC()
	}
	if !e.LastSeen.IsZero() {
		doc[fieldLastSeen] = e.LastSeen.UTC()
	}
	return doc, nil
}

// facetTerms lists the values e is counted under in each facet, as
// facetTerm(key, value).
func facetTerms(schema string, d index.Derived) []string {
	var out []string
	add := func(key string, values ...string) {
		for _, v := range values {
			if v != "" {
				out = append(out, facetTerm(key, v))
			}
		}
	}
	add(index.FacetSchema, schema)
	add(index.FacetSource, d.Sources...)
	add(index.FacetMunicipality, d.Municipalities...)
	add(index.FacetSBISection, d.SBISections...)
	return out
}

// facetTerm is how a facet value is indexed in fieldFacets: the facet's
// one-letter code, then the value. Short terms keep the field's doc values
// small; a search decompresses them in full whatever it matches.
func facetTerm(key, value string) string { return facetCodes[key] + value }

// splitFacetTerm undoes facetTerm.
func splitFacetTerm(term string) (key, value string, ok bool) {
	if term == "" {
		return "", "", false
	}
	key, ok = facetKeys[term[:1]]
	return key, term[1:], ok
}

var (
	facetCodes = map[string]string{
		index.FacetSchema:       "s",
		index.FacetSource:       "b", // bron
		index.FacetMunicipality: "g", // gemeente
		index.FacetSBISection:   "i", // SBI
	}
	facetKeys = map[string]string{}
)

func init() {
	for key, code := range facetCodes {
		facetKeys[code] = key
	}
}

// dateKey orders entities as a date sort lists them when compared as
// strings: LastSeen newest first, ties by id, entities without LastSeen
// last. One short doc value per entity: a sort on LastSeen's own doc
// values (every precision of the number) and then on the id read two,
// which made a date sort over many hits several times slower.
func dateKey(e entity.Entity) string {
	if e.LastSeen.IsZero() {
		return "~" + e.ID // after every hex digit
	}
	// Flipping the sign bit orders int64 nanoseconds as unsigned;
	// complementing that puts the newest first.
	ns := uint64(e.LastSeen.UnixNano()) ^ (1 << 63)
	return fmt.Sprintf("%016x", ^ns) + e.ID
}
