package esfake

import (
	"fmt"
	"net/http"
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

// putMapping adds fields to the mappings of the target's indices, as the
// update mapping API does: a new field is added, one mapped the same way
// is left as it is, and one mapped otherwise refuses the whole request.
func (s *Server) putMapping(w http.ResponseWriter, target string, body []byte) {
	ixs, req, ok := s.indexUpdate(w, target, body, "mapping")
	if !ok {
		return
	}
	for k := range req {
		if k != "properties" {
			writeError(w, 400, "illegal_argument_exception", "esfake does not implement updating mapping ["+k+"]", nil)
			return
		}
	}
	add, err := parseMapping(req)
	if err != nil {
		writeError(w, 400, "mapper_parsing_exception", err.Error(), nil)
		return
	}
	for _, ix := range ixs {
		for name, ft := range add.fields {
			if old, ok := ix.mapping.fields[name]; ok && old != ft {
				writeError(w, 400, "illegal_argument_exception",
					fmt.Sprintf("mapper [%s] cannot be changed from type [%s] to [%s]", name, old.kind, ft.kind), nil)
				return
			}
		}
	}
	for _, ix := range ixs {
		for name, ft := range add.fields {
			ix.mapping.fields[name] = ft
		}
	}
	writeJSON(w, 200, map[string]any{"acknowledged": true})
}
