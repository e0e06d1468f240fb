package pipeline

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Reading KOOP's SRU XML. The answer is hostile input like any other: no
// DOCTYPE or entity definitions, strict decoding, a depth limit, at most
// maxPublications records and maxSRUField bytes of text per field. Fields
// are read by local name wherever they sit inside a record, because the
// service nests the same Dublin Core elements differently per collection
// (owmskern, owmsmantel, or straight under originalData).

const (
	maxPublications = 50
	maxSRUField     = 4000
	maxSRUDepth     = 64
	maxLocations    = 5
)

// sruFields are the elements read from a record.
var sruFields = map[string]bool{
	"identifier": true, "title": true, "type": true, "creator": true,
	"modified": true, "available": true, "date": true, "issued": true,
	"abstract": true, "product-area": true, "publicatienaam": true,
	"geometrielabel": true, "preferredUrl": true, "url": true, "itemUrl": true,
}

// sruRecord holds the first value of each field and every itemUrl by
// manifestation ("html", "pdf", …).
type sruRecord struct {
	fields    map[string]string
	items     map[string]string
	locations []string
}

type sruAnswer struct {
	records     []sruRecord
	diagnostics []string
}

// sruReader walks the token stream, tracking where it is.
type sruReader struct {
	stack   []string
	root    bool
	ans     sruAnswer
	rec     *sruRecord // the record being read; nil outside or past the cap
	capture int        // stack depth of the field being read, -1 for none
	attr    string     // manifestation of the itemUrl being read
	text    strings.Builder
}

func parseSRU(body []byte) (sruAnswer, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	r := &sruReader{capture: -1}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sruAnswer{}, fmt.Errorf("not SRU XML: %w", err)
		}
		if err := r.step(tok); err != nil {
			return sruAnswer{}, err
		}
	}
	if !r.root || len(r.stack) > 0 {
		return sruAnswer{}, errors.New("not SRU XML: no complete searchRetrieveResponse")
	}
	return r.ans, nil
}

func (r *sruReader) step(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.Directive:
		return errors.New("XML directives (DOCTYPE, ENTITY) are not allowed")
	case xml.StartElement:
		return r.start(t)
	case xml.CharData:
		// Text in child elements counts too: a title with markup in it
		// ("<b>Besluit</b> sluiting") is still the title.
		if r.capture >= 0 && r.text.Len() < maxSRUField {
			r.text.Write(t[:min(len(t), maxSRUField-r.text.Len())])
		}
	case xml.EndElement:
		r.end(t.Name.Local)
	}
	return nil
}

func (r *sruReader) start(t xml.StartElement) error {
	name := t.Name.Local
	if len(r.stack) == 0 {
		if name != "searchRetrieveResponse" {
			return fmt.Errorf("root element is %q, not searchRetrieveResponse", sruClip(name, 60))
		}
		r.root = true
	}
	if len(r.stack) >= maxSRUDepth {
		return errors.New("XML nested too deeply")
	}
	parent := ""
	if len(r.stack) > 0 {
		parent = r.stack[len(r.stack)-1]
	}
	r.stack = append(r.stack, name)
	switch {
	case name == "record" && parent == "records":
		r.rec = nil
		if len(r.ans.records) < maxPublications {
			r.rec = &sruRecord{fields: map[string]string{}, items: map[string]string{}}
		}
	case r.capture >= 0:
		// inside a field already: its text, not a new field
	case r.rec != nil && sruFields[name], parent == "diagnostic" && (name == "uri" || name == "message"):
		r.capture = len(r.stack) - 1
		r.text.Reset()
		r.attr = ""
		for _, a := range t.Attr {
			if a.Name.Local == "manifestation" {
				r.attr = a.Value
			}
		}
	}
	return nil
}

func (r *sruReader) end(name string) {
	if r.capture == len(r.stack)-1 {
		r.capture = -1
		v := strings.TrimSpace(r.text.String())
		switch {
		case r.inDiagnostic():
			if v != "" {
				r.ans.diagnostics = append(r.ans.diagnostics, v)
			}
		case r.rec == nil:
		case name == "itemUrl":
			if _, ok := r.rec.items[r.attr]; !ok && v != "" {
				r.rec.items[r.attr] = v
			}
		case name == "geometrielabel":
			if v != "" && len(r.rec.locations) < maxLocations {
				r.rec.locations = append(r.rec.locations, v)
			}
		default:
			if _, ok := r.rec.fields[name]; !ok && v != "" {
				r.rec.fields[name] = v
			}
		}
	}
	if name == "record" && r.rec != nil && len(r.stack) >= 2 && r.stack[len(r.stack)-2] == "records" {
		r.ans.records = append(r.ans.records, *r.rec)
		r.rec = nil
	}
	if len(r.stack) > 0 {
		r.stack = r.stack[:len(r.stack)-1]
	}
}

func (r *sruReader) inDiagnostic() bool {
	return len(r.stack) >= 2 && r.stack[len(r.stack)-2] == "diagnostic"
}

// sruClip shortens untrusted text to n runes.
func sruClip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
