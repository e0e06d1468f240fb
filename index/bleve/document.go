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
		fieldCaption: index.Truncate(e.Caption, maxValueBytes),
		fieldSchema:  e.Schema,
	}
	if text := index.TextValues(e); len(text) > 0 {
		doc[fieldText] = text
	}
	d := index.Derive(e)
	for field, values := range map[string][]string{
		fieldIdentifiers:  d.Identifiers,
		fieldSources:      d.Sources,
		fieldMunicipality: d.Municipalities,
		fieldSBISection:   d.SBISections,
		fieldPurposes:     d.Purposes,
		fieldSignals:      d.Signals,
		fieldLinks:        d.Links,
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
