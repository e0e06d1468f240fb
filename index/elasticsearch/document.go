package esindex

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// toDocument builds the indexed form of e: the entity whole (stored, not
// indexed) plus the fields the template maps.
func toDocument(e entity.Entity) ([]byte, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding entity %s: %w", e.ID, err)
	}
	caption := index.Truncate(e.Caption, index.MaxValueBytes)
	doc := obj{
		fieldID:      e.ID,
		fieldEntity:  json.RawMessage(raw),
		fieldCaption: caption,
		fieldSchema:  e.Schema,
	}
	// The caption is text too, so that every word a search matches is in
	// "text" and "all words must match" can be checked on that one field.
	text := index.TextValues(e)
	if caption != "" {
		text = append([]string{caption}, text...)
	}
	putList(doc, fieldText, text)
	putList(doc, fieldNames, values(e, nameProps))
	putList(doc, fieldAddresses, values(e, addressProps))

	d := index.Derive(e)
	putList(doc, fieldIdentifiers, d.Identifiers)
	putList(doc, fieldSources, d.Sources)
	putList(doc, fieldMunicipal, d.Municipalities)
	putList(doc, fieldSBISection, d.SBISections)
	putList(doc, fieldPurposes, d.Purposes)
	putList(doc, fieldSignals, d.Signals)
	putList(doc, fieldLinks, d.Links)
	putList(doc, fieldTeams, d.Teams)
	for _, f := range identifierFields {
		props := f.props
		switch {
		case f.field == "plate" && e.Schema == entity.SchemaVehicle:
			props = append([]string{"registrationNumber"}, props...)
		case f.field == "domain" && e.Schema == entity.SchemaDomain:
			props = append([]string{"name"}, props...)
		}
		var ids []string
		for _, v := range values(e, props) {
			if id := index.NormalizeIdentifier(v); id != "" {
				ids = append(ids, id)
			}
		}
		putList(doc, f.field, ids)
	}
	putTime(doc, fieldExpires, d.Expires)
	putTime(doc, fieldFirstSeen, e.FirstSeen)
	putTime(doc, fieldLastSeen, e.LastSeen)
	if lat, lon, ok := location(e); ok {
		doc[fieldLocation] = obj{"lat": lat, "lon": lon}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encoding document %s: %w", e.ID, err)
	}
	return out, nil
}

// values lists e's values of props, each capped, at most MaxTextValues.
func values(e entity.Entity, props []string) []string {
	var out []string
	for _, p := range props {
		for _, v := range e.Properties[p] {
			if len(out) == index.MaxTextValues {
				return out
			}
			out = append(out, index.Truncate(v, index.MaxValueBytes))
		}
	}
	return out
}

func putList(doc obj, field string, list []string) {
	if len(list) > 0 {
		doc[field] = list
	}
}

// putTime sets a date field, leaving out the zero time and times a
// date_nanos field cannot hold (before 1970 or after 2262).
func putTime(doc obj, field string, t time.Time) {
	if t.IsZero() || t.Year() < 1970 || t.Year() > 2261 {
		return
	}
	doc[field] = t.UTC().Format(time.RFC3339Nano)
}

// location reads the first latitude and longitude (BAG centroids) when
// both are valid coordinates.
func location(e entity.Entity) (lat, lon float64, ok bool) {
	la, errLa := strconv.ParseFloat(strings.TrimSpace(e.First("latitude")), 64)
	lo, errLo := strconv.ParseFloat(strings.TrimSpace(e.First("longitude")), 64)
	// Written so that NaN fails too.
	if errLa != nil || errLo != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
		return 0, 0, false
	}
	return la, lo, true
}
