package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Source answers are hostile input: a field documented as a string may
// come as a number, a number as a string, anything as null. These types
// take what they can and leave the rest empty, so a surprise in one field
// costs that field, not the whole answer. Broken JSON still fails.

// text is a string field; numbers and booleans keep their literal text,
// objects, arrays and null become "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case b[0] == '{' || b[0] == '[' || b[0] == 'n':
		*t = ""
	default:
		*t = text(b)
	}
	return nil
}

func (t text) String() string { return string(t) }

// num is a numeric field, kept as its decimal text so coordinates are not
// reformatted; a numeric string is accepted, anything else is empty.
type num string

func (n *num) UnmarshalJSON(b []byte) error {
	var t text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	if _, err := strconv.ParseFloat(string(t), 64); err != nil {
		*n = ""
		return nil
	}
	*n = num(t)
	return nil
}

// Int is the value as a positive int, or 0.
func (n num) Int() int {
	i, err := strconv.Atoi(string(n))
	if err != nil || i < 0 {
		return 0
	}
	return i
}

// links reads both forms KvK uses: "_links" as an object keyed by rel
// ({"self":{"href":…}}) and "links" as an array of {rel, href}. Anything
// else is ignored: links are never worth failing an answer over.
type links map[string]string

func (l *links) UnmarshalJSON(b []byte) error {
	out := links{}
	var byRel map[string]struct {
		Href text `json:"href"`
	}
	var list []struct {
		Rel  text `json:"rel"`
		Href text `json:"href"`
	}
	if json.Unmarshal(b, &byRel) == nil {
		for rel, v := range byRel {
			out[rel] = string(v.Href)
		}
	} else if json.Unmarshal(b, &list) == nil {
		for _, v := range list {
			out[string(v.Rel)] = string(v.Href)
		}
	}
	*l = out
	return nil
}

// mergeLinks is the union of the two link forms.
func mergeLinks(a, b links) links {
	out := links{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// lastSegment is the last path element of a link ("…/vestigingsprofielen/000037178598").
func lastSegment(href string) string {
	href = strings.TrimRight(href, "/")
	if i := strings.LastIndexByte(href, '/'); i >= 0 {
		href = href[i+1:]
	}
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	return href
}

// isoDate turns KvK's YYYYMMDD into YYYY-MM-DD; a day or month of "00"
// (only partly known) gives YYYY-MM or YYYY; anything else is "".
func isoDate(s string) string {
	if len(s) != 8 {
		return ""
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return ""
		}
	}
	y, m, d := s[:4], s[4:6], s[6:]
	switch {
	case y == "0000":
		return ""
	case m == "00":
		return y
	case d == "00":
		return y + "-" + m
	}
	if mi, _ := strconv.Atoi(m); mi > 12 {
		return ""
	}
	if di, _ := strconv.Atoi(d); di > 31 {
		return ""
	}
	return y + "-" + m + "-" + d
}

// decodeObject decodes a JSON object into v. A field of the wrong type is
// skipped (encoding/json fills the rest); broken JSON or a body that is not
// an object is an error.
func decodeObject(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errNotObject
	}
	err := json.Unmarshal(trimmed, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return nil
	}
	return err
}

var errNotObject = errors.New("answer is not a JSON object")
