package esfake

import (
	"fmt"
	"strings"
	"time"
)

// fieldType is one mapped top-level field.
type fieldType struct {
	kind       string // text, keyword, date, date_nanos, geo_point, object
	analyzer   string
	normalizer string
	enabled    bool // objects: false means stored, not indexed
}

// mapping is an index's mappings: top-level properties only, which is all
// verrijk's documents have.
type mapping struct {
	strict bool
	fields map[string]fieldType
}

func parseMapping(m map[string]any) (mapping, error) {
	out := mapping{fields: map[string]fieldType{}}
	if m == nil {
		return out, nil
	}
	out.strict = m["dynamic"] == "strict"
	props, _ := m["properties"].(map[string]any)
	for name, v := range props {
		def, _ := v.(map[string]any)
		ft := fieldType{enabled: true}
		ft.kind, _ = def["type"].(string)
		ft.analyzer, _ = def["analyzer"].(string)
		ft.normalizer, _ = def["normalizer"].(string)
		if e, ok := def["enabled"].(bool); ok {
			ft.enabled = e
		}
		switch ft.kind {
		case "text", "keyword", "date", "date_nanos", "geo_point":
		case "object":
			if ft.enabled {
				return out, fmt.Errorf("esfake supports only disabled objects (%s)", name)
			}
		default:
			return out, fmt.Errorf("esfake does not implement field type %q (%s)", ft.kind, name)
		}
		out.fields[name] = ft
	}
	return out, nil
}

// parseDate reads a date as Elasticsearch's default format
// (strict_date_optional_time, nanosecond resolution) does, for the forms
// verrijk writes and queries: RFC 3339 with or without fractions, or a
// bare date.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("failed to parse date field [%s]", s)
}
