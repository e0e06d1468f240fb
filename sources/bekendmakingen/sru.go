package bekendmakingen

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"verrijk/sources"
)

// envelope is the part of a searchRetrieveResponse the adapter needs to
// decide found / not found / failed. Field tags carry no namespace, so they
// match on local name: the service writes the same elements with an "sru:"
// prefix in answers and unprefixed in diagnostics.
type envelope struct {
	XMLName         xml.Name
	NumberOfRecords *string `xml:"numberOfRecords"`
	Records         struct {
		Record []struct{} `xml:"record"`
	} `xml:"records"`
	Diagnostics []Diagnostic `xml:"diagnostics>diagnostic"`
}

// Diagnostic is an SRU diagnostic: the service's way of refusing a request
// (bad CQL, unsupported parameter), sent in an XML body instead of records.
type Diagnostic struct {
	URI     string `xml:"uri"`
	Message string `xml:"message"`
	Details string `xml:"details"`
}

// Retryable reports whether the diagnostic is the server's own trouble
// (1/1 permanent system error is, despite the name, a crash on their side;
// 1/2 system temporarily unavailable) rather than a fault in the request.
func (d Diagnostic) Retryable() bool {
	return d.URI == "info:srw/diagnostic/1/1" || d.URI == "info:srw/diagnostic/1/2"
}

func (d Diagnostic) String() string {
	s := sources.Clip(d.URI, 60)
	if m := sources.Clip(d.Message, 200); m != "" {
		s += " " + m
	}
	if dt := sources.Clip(d.Details, 100); dt != "" {
		s += " (" + dt + ")"
	}
	return s
}

// answer is what one SRU body said.
type answer struct {
	total       int
	records     int
	diagnostics []Diagnostic
}

// parse reads an SRU searchRetrieveResponse. The body is hostile input:
// a DOCTYPE (and with it any entity definition) is refused before decoding,
// and the decoder runs strict, so an undefined entity is an error rather
// than text.
func parse(body []byte) (answer, error) {
	if err := refuseDirectives(body); err != nil {
		return answer{}, err
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return answer{}, fmt.Errorf("not SRU XML: %w", err)
	}
	if env.XMLName.Local != "searchRetrieveResponse" {
		return answer{}, fmt.Errorf("root element is %q, not searchRetrieveResponse", sources.Clip(env.XMLName.Local, 60))
	}
	a := answer{records: len(env.Records.Record), diagnostics: env.Diagnostics}
	if len(a.diagnostics) > 0 {
		return a, nil
	}
	if env.NumberOfRecords == nil {
		return a, errors.New("numberOfRecords is missing")
	}
	n, err := strconv.Atoi(strings.TrimSpace(*env.NumberOfRecords))
	if err != nil || n < 0 {
		return a, fmt.Errorf("numberOfRecords %q is not a count", sources.Clip(*env.NumberOfRecords, 40))
	}
	a.total = n
	return a, nil
}

// refuseDirectives fails on any <!…> directive (DOCTYPE, ENTITY). SRU
// answers never carry one; an answer that does is not the service talking.
func refuseDirectives(body []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not SRU XML: %w", err)
		}
		if _, ok := tok.(xml.Directive); ok {
			return errors.New("XML directives (DOCTYPE, ENTITY) are not allowed")
		}
	}
}
