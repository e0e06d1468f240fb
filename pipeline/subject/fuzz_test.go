package subject

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse checks, for every type, that Parse never panics, that canonical
// values are fixed points and that errors stay short and printable. The
// seeds run as part of the normal test suite.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"68750110", "857587973", "000037178598", "8823 sj, 3a", "8823SJ 12a-2",
		"6-TJR-64", "bücher.nl", "https://example.nl:8443/a?b#c", "Test BV Donald",
		"instagram/@handle", "\x00", "\u202e", "a\u0301\u0301", "-", "http://[::1]/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, typ := range Types() {
			s, err := Parse(typ, in)
			if err != nil {
				if msg := err.Error(); len(msg) > 600 || !utf8.ValidString(msg) {
					t.Fatalf("%s: error too long or invalid UTF-8: %q", typ, msg)
				}
				continue
			}
			again, err := Parse(typ, s.Value)
			if err != nil || again != s {
				t.Fatalf("%s: canonical %q of %q does not parse to itself: %+v, %v", typ, s.Value, in, again, err)
			}
		}
	})
}
