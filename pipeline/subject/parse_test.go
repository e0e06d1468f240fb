package subject

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// parseCase is one row of the per-type tables: want is the canonical value,
// or, when problem is set, a fragment the *Error's Problem must contain.
type parseCase struct {
	in, want, problem string
}

func runParseCases(t *testing.T, typ Type, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		name := shorten(c.in, 40)
		t.Run(name, func(t *testing.T) {
			got, err := Parse(typ, c.in)
			if c.problem == "" {
				if err != nil {
					t.Fatalf("Parse(%s, %q): %v", typ, c.in, err)
				}
				if got != (Subject{Type: typ, Value: c.want}) {
					t.Fatalf("Parse(%s, %q) = %+v, want value %q", typ, c.in, got, c.want)
				}
				// Canonical values are fixed points.
				again, err := Parse(typ, got.Value)
				if err != nil || again != got {
					t.Fatalf("canonical %q does not parse to itself: %+v, %v", got.Value, again, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%s, %q) = %+v, %v; want *Error containing %q", typ, c.in, got, err, c.problem)
			}
			if e.Type != typ || !strings.Contains(e.Problem, c.problem) {
				t.Fatalf("Parse(%s, %q) error = %q, want type %s and problem containing %q", typ, c.in, e.Error(), typ, c.problem)
			}
			if got != (Subject{}) {
				t.Fatalf("Parse returned a subject with an error: %+v", got)
			}
		})
	}
}

func TestParseNumbers(t *testing.T) {
	t.Run("kvk", func(t *testing.T) {
		runParseCases(t, KvK, []parseCase{
			{in: "68750110", want: "68750110"},
			{in: " 6875 0110 ", want: "68750110"},
			{in: "68.75.01.10", want: "68750110"},
			{in: "01234567", want: "01234567"}, // leading zero kept
			{in: "1234", problem: "must be 8 digits"},
			{in: "687501100", problem: "must be 8 digits"},
			{in: "6875011O", problem: "must be 8 digits"},
			{in: "6875-0110", problem: "must be 8 digits"},
			{in: "６８７５０１１０", problem: "must be 8 digits"}, // full-width digits
			{in: "٦٨٧٥٠١١٠", problem: "must be 8 digits"}, // Arabic-Indic digits
			{in: "68750110\x00", problem: "must be 8 digits"},
			{in: "", problem: "empty"},
			{in: "   ", problem: "empty"},
			{in: strings.Repeat("1", 10000), problem: "too long"},
		})
	})
	t.Run("vestiging", func(t *testing.T) {
		runParseCases(t, Vestiging, []parseCase{
			{in: "000037178598", want: "000037178598"},
			{in: "0000 3717 8598", want: "000037178598"},
			{in: "37178598", problem: "must be 12 digits"},
			{in: "0000371785981", problem: "must be 12 digits"},
		})
	})
	t.Run("rsin", func(t *testing.T) {
		runParseCases(t, RSIN, []parseCase{
			// RSINs of the KvK test environment's Test BV Donald and Test
			// Stichting Bolderbast.
			{in: "857587973", want: "857587973"},
			{in: "858311537", want: "858311537"},
			{in: "8575.87.973", want: "857587973"},
			{in: "857587974", problem: "eleven-test"}, // last digit off by one
			{in: "857578973", problem: "eleven-test"}, // adjacent digits swapped
			{in: "858412345", problem: "eleven-test"},
			{in: "000000000", problem: "all zeros"},
			{in: "85758797", problem: "must be 9 digits"},
			{in: "NL857587973", problem: "must be 9 digits"},
		})
	})
}

func TestParseUnknownType(t *testing.T) {
	_, err := Parse("bsn", "123456782")
	var e *Error
	if !errors.As(err, &e) || e.Type != "bsn" || !strings.Contains(e.Problem, "kvk") {
		t.Fatalf("Parse(bsn) = %v, want unknown-type error listing known types", err)
	}
}

func TestParseArg(t *testing.T) {
	good := []struct{ in, want string }{
		{"kvk:68750110", "kvk:68750110"},
		{"KVK: 68750110", "kvk:68750110"},
		{"address:8823SJ 3A", "address:8823SJ 3A"},
		{"plate:6-TJR-64", "plate:6TJR64"},
		{"domain:example.nl", "domain:example.nl"},
		{"url:https://example.nl", "url:https://example.nl/"},
		{"url:https://example.nl:8443/a:b", "url:https://example.nl:8443/a:b"},
		{"name:Test BV Donald", "name:Test BV Donald"},
		{"social:instagram/handle", "social:instagram/handle"},
	}
	for _, c := range good {
		s, err := ParseArg(c.in)
		if err != nil {
			t.Errorf("ParseArg(%q): %v", c.in, err)
			continue
		}
		if s.String() != c.want {
			t.Errorf("ParseArg(%q) = %q, want %q", c.in, s.String(), c.want)
		}
	}

	bad := []struct{ in, problem string }{
		{"68750110", "must be type:value"},
		{"bsn:123456782", "known types: address, domain, kvk, name, plate, rsin, social, url, vestiging"},
		{":68750110", "unknown subject type"},
		{"kvk:", "empty"},
		{"kvk:1234", "must be 8 digits"},
	}
	for _, c := range bad {
		_, err := ParseArg(c.in)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Problem, c.problem) {
			t.Errorf("ParseArg(%q) = %v, want *Error containing %q", c.in, err, c.problem)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse(KvK, "1234")
	if got, want := err.Error(), `kvk: "1234" must be 8 digits`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse(KvK, "")
	if got, want := err.Error(), "kvk: value is empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// Hostile values are quoted and shortened, never echoed raw.
	_, err = Parse(Name, "evil\nlog line"+strings.Repeat("x", 500)+"\x1b[31m")
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\x1b") || len(msg) > 200 {
		t.Errorf("error message not sanitised: %q", msg)
	}
	// Invalid UTF-8 is refused before any type-specific parsing.
	_, err = Parse(Name, "ab\xff")
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Parse(invalid UTF-8) = %v", err)
	}
}

func TestTypes(t *testing.T) {
	want := []Type{Address, Domain, KvK, Name, Plate, RSIN, Social, URL, Vestiging}
	if got := Types(); !slices.Equal(got, want) {
		t.Fatalf("Types() = %v, want %v", got, want)
	}
	for _, typ := range want {
		if !typ.Valid() {
			t.Errorf("%s.Valid() = false", typ)
		}
	}
	for _, typ := range []Type{"", "KVK", "bsn", "kvk "} {
		if typ.Valid() {
			t.Errorf("%q.Valid() = true", typ)
		}
	}
}
