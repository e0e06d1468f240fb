package subject

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxInput caps every raw value before any parsing work, so hostile input
// costs little. The longest legitimate value is a URL (2048 bytes).
const maxInput = 4096

// Error says why a value is not a valid subject. Problem is plain English
// meant for the analyst, so the API can return it as the body of a 400.
type Error struct {
	Type    Type
	Value   string // the offending value, shortened for display
	Problem string // e.g. "must be 8 digits"
}

func (e *Error) Error() string {
	t := string(e.Type)
	if t == "" {
		t = "subject"
	}
	if e.Value == "" {
		return t + ": " + e.Problem
	}
	// %q escapes control characters, so hostile input cannot forge log lines.
	return fmt.Sprintf("%s: %q %s", t, e.Value, e.Problem)
}

// errorf builds an *Error with the value shortened, so a megabyte of junk
// does not end up in an error message or a log line.
func errorf(t Type, value, format string, args ...any) *Error {
	return &Error{Type: t, Value: shorten(value, 64), Problem: fmt.Sprintf(format, args...)}
}

func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

type parser func(value string) (string, error)

// parsers is the one table of subject types; Types and Valid derive from it.
var parsers = map[Type]parser{
	KvK:       parseKvK,
	Vestiging: parseVestiging,
	RSIN:      parseRSIN,
	Address:   parseAddressValue,
	Plate:     parsePlate,
	Domain:    parseDomain,
	URL:       parseURL,
	Name:      parseName,
	Social:    parseSocial,
}

// Types returns every known subject type, sorted by name.
func Types() []Type {
	ts := make([]Type, 0, len(parsers))
	for t := range parsers {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// Valid reports whether t is a known subject type.
func (t Type) Valid() bool {
	_, ok := parsers[t]
	return ok
}

func knownTypes() string {
	names := make([]string, 0, len(parsers))
	for _, t := range Types() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// Parse validates value as a subject of type t and returns it in canonical
// form. Errors are always *Error.
func Parse(t Type, value string) (Subject, error) {
	p, ok := parsers[t]
	if !ok {
		return Subject{}, &Error{Type: Type(shorten(string(t), 32)),
			Problem: "unknown subject type (known types: " + knownTypes() + ")"}
	}
	if len(value) > maxInput {
		return Subject{}, errorf(t, value, "is too long (%d bytes, at most %d)", len(value), maxInput)
	}
	if !utf8.ValidString(value) {
		return Subject{}, errorf(t, value, "is not valid UTF-8")
	}
	if strings.TrimSpace(value) == "" {
		return Subject{}, &Error{Type: t, Problem: "value is empty"}
	}
	v, err := p(value)
	if err != nil {
		return Subject{}, err
	}
	return Subject{Type: t, Value: v}, nil
}

// ParseArg parses the command-line form "type:value", e.g. "kvk:68750110"
// or "url:https://example.nl". The type name is case-insensitive.
func ParseArg(arg string) (Subject, error) {
	name, value, ok := strings.Cut(arg, ":")
	if !ok {
		return Subject{}, &Error{Value: shorten(arg, 64),
			Problem: "must be type:value, e.g. kvk:68750110 (known types: " + knownTypes() + ")"}
	}
	t := Type(strings.ToLower(strings.TrimSpace(name)))
	return Parse(t, value)
}
