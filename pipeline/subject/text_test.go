package subject

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	runParseCases(t, Name, []parseCase{
		{in: "Test BV Donald", want: "Test BV Donald"},
		{in: "  Test \t BV\n\nDonald  ", want: "Test BV Donald"},
		{in: "Test\u00a0BV", want: "Test BV"},               // no-break space
		{in: "Cafe\u0301 De Zon", want: "Caf\u00e9 De Zon"}, // NFC
		{in: "Ørsted Nederland B.V.", want: "Ørsted Nederland B.V."},
		{in: "Jan & Zn.", want: "Jan & Zn."},
		{in: "ab", want: "ab"},
		{in: strings.Repeat("ä", 200), want: strings.Repeat("ä", 200)},

		{in: "a", problem: "2 to 200"},
		{in: " a ", problem: "2 to 200"},
		{in: strings.Repeat("ä", 201), problem: "2 to 200"},
		{in: "--", problem: "letter or digit"},
		{in: "Test\x00BV", problem: "control or invisible"},
		{in: "Test\x1b[31mBV", problem: "control or invisible"},
		{in: "Test\u200bBV", problem: "control or invisible"},  // zero-width space
		{in: "Test\u202eVB", problem: "control or invisible"},  // right-to-left override
		{in: "\ufeffTest BV", problem: "control or invisible"}, // byte order mark
		{in: "Test\ue000BV", problem: "control or invisible"},  // private use
		{in: "Test \ufffd BV", problem: "invalid character"},
		{in: "Z" + strings.Repeat("\u0336", 20) + "algo", problem: "combining marks"},
	})
}

func TestParseSocial(t *testing.T) {
	runParseCases(t, Social, []parseCase{
		{in: "instagram/handle", want: "instagram/handle"},
		{in: "Instagram/@Some.Handle_1", want: "instagram/some.handle_1"},
		{in: "twitter/Jack", want: "x/jack"},
		{in: "x/jack", want: "x/jack"},
		{in: "facebook/acme-bv", want: "facebook/acme-bv"},
		{in: "linkedin/acme", want: "linkedin/acme"},
		{in: "tiktok/acme", want: "tiktok/acme"},
		{in: "youtube/UCxYz-123_AbC", want: "youtube/UCxYz-123_AbC"}, // channel IDs are case-sensitive

		{in: "instagram", problem: "platform/handle"},
		{in: "myspace/acme", problem: "unknown platform"},
		{in: "instagram/", problem: "handle of 1 to 100"},
		{in: "instagram/@", problem: "handle of 1 to 100"},
		{in: "instagram/..", problem: "handle of 1 to 100"},
		{in: "instagram/a/b", problem: "handle of 1 to 100"},
		{in: "instagram/a?b", problem: "handle of 1 to 100"},
		{in: "instagram/a%2fb", problem: "handle of 1 to 100"},
		{in: "instagram/a b", problem: "handle of 1 to 100"},
		{in: "instagram/hаndle", problem: "handle of 1 to 100"}, // Cyrillic а
		{in: "instagram/" + strings.Repeat("a", 101), problem: "handle of 1 to 100"},
	})
}
