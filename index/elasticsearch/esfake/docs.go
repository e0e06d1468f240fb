package esfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// doc is a stored document with its indexed fields.
type doc struct {
	id       string
	source   map[string]any
	text     map[string][]analysedValue // text field → values
	keywords map[string][]string        // keyword field → normalised values
	dates    map[string][]int64         // date field → unix nanoseconds
	version  int
	seqNo    int
}

type analysedValue struct {
	raw    string
	tokens []token
}

// esIndex is one concrete index.
type esIndex struct {
	name     string
	uuid     string
	settings map[string]any // flat index settings, e.g. refresh_interval
	analysis analysis
	mapping  mapping
	aliases  map[string]aliasProps
	docs     map[string]*doc // as written
	visible  map[string]*doc // as of the last refresh: what searches see
	seqNo    int
}

type aliasProps struct {
	writeIndex *bool
}

func (ix *esIndex) refresh() { ix.visible = maps.Clone(ix.docs) }

// docError is a document refused by the mapping, in the shape of the bulk
// item error.
type docError struct {
	status   int
	typ      string
	reason   string
	causedBy map[string]any
}

// parseDoc indexes source against the mapping, as Elasticsearch would
// refuse it: a field the strict mapping does not list, or a value that
// does not fit its field.
func (ix *esIndex) parseDoc(id string, raw []byte) (*doc, *docError) {
	var src map[string]any
	if err := json.Unmarshal(raw, &src); err != nil {
		return nil, &docError{status: 400, typ: "document_parsing_exception", reason: fmt.Sprintf("[1:1] failed to parse: %v", err)}
	}
	d := &doc{id: id, source: src, text: map[string][]analysedValue{}, keywords: map[string][]string{}, dates: map[string][]int64{}}
	for name, v := range src {
		ft, ok := ix.mapping.fields[name]
		if !ok {
			if ix.mapping.strict {
				return nil, &docError{status: 400, typ: "strict_dynamic_mapping_exception",
					reason: fmt.Sprintf("[1:2] mapping set to strict, dynamic introduction of [%s] within [_doc] is not allowed", name)}
			}
			continue
		}
		if v == nil || (ft.kind == "object" && !ft.enabled) {
			continue
		}
		if ft.kind == "geo_point" {
			p, ok := v.(map[string]any)
			_, latOK := p["lat"].(float64)
			_, lonOK := p["lon"].(float64)
			if !ok || !latOK || !lonOK {
				return nil, parseFailure(name, ft.kind, id)
			}
			continue
		}
		values, ok := stringValues(v)
		if !ok {
			return nil, parseFailure(name, ft.kind, id)
		}
		for _, s := range values {
			switch ft.kind {
			case "text":
				d.text[name] = append(d.text[name], analysedValue{raw: s, tokens: ix.analysis.analyze(ft.analyzer, s)})
			case "keyword":
				d.keywords[name] = append(d.keywords[name], ix.analysis.normalize(ft.normalizer, s))
			case "date", "date_nanos":
				t, err := parseDate(s)
				if err != nil || (ft.kind == "date_nanos" && (t.Year() < 1970 || t.Year() > 2262)) {
					return nil, dateFailure(name, ft.kind, id, s)
				}
				if ft.kind == "date" {
					t = t.Truncate(time.Millisecond)
				}
				d.dates[name] = append(d.dates[name], t.UnixNano())
			}
		}
	}
	return d, nil
}

// parseFailure is the error Elasticsearch 8 gives for a value that does
// not fit its field. Its real reason ends in a preview of the value; the
// fake leaves the value out.
func parseFailure(field, kind, id string) *docError {
	return &docError{status: 400, typ: "document_parsing_exception",
		reason: fmt.Sprintf("[1:2] failed to parse field [%s] of type [%s] in document with id '%s'.", field, kind, id)}
}

// dateFailure is parseFailure for a date, with the causes Elasticsearch
// adds.
func dateFailure(field, kind, id, value string) *docError {
	e := parseFailure(field, kind, id)
	format := "strict_date_optional_time||epoch_millis"
	if kind == "date_nanos" {
		format = "strict_date_optional_time_nanos||epoch_millis"
	}
	e.causedBy = map[string]any{"type": "illegal_argument_exception",
		"reason":    "failed to parse date field [" + value + "] with format [" + format + "]",
		"caused_by": map[string]any{"type": "date_time_parse_exception", "reason": "Failed to parse with all enclosed parsers"}}
	return e
}

// stringValues accepts a string or an array of strings.
func stringValues(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}
