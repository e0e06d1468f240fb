package extract

import (
	"net/url"
	"regexp"
	"strings"
)

// A KvK number is eight digits without a check digit, so a bare eight-digit
// number (an order number, a phone number without its 0) proves nothing.
// Only numbers that follow a KvK label closely count: "KvK 68750110",
// "KvK-nummer: 6875 0110", "ingeschreven bij de Kamer van Koophandel onder
// nummer 68750110", "CoC no. 68750110".

var kvkLabel = regexp.MustCompile(`(?i)\b(?:kvk|k\.v\.k\.?|kamer\s+van\s+koophandel|handelsregister|chamber\s+of\s+commerce|coc\b)`)

// kvkDigits is the first run of digits, allowing the single spaces or dots
// people group them with.
var kvkDigits = regexp.MustCompile(`\d(?:[ .\x{00a0}]?\d)*`)

// kvkWindow is how far after its label a number may start.
const kvkWindow = 48

// kvkNotThis are words between label and number that mean the number is
// something else: a branch number, an RSIN, a VAT id, a phone number.
var kvkNotThis = []string{"vestiging", "rsin", "btw", "vat", "iban", "tel", "fax", "bank"}

// KvKNumbers returns the KvK numbers that follow a KvK label in text.
func KvKNumbers(text string) []string {
	var out []string
	for _, m := range kvkLabel.FindAllStringIndex(text, 4*MaxValues) {
		if m[0] > 0 && isAlnum(text[m[0]-1]) {
			continue // "...kvk" inside a word
		}
		end := min(len(text), m[1]+kvkWindow)
		window := text[m[1]:end]
		loc := kvkDigits.FindStringIndex(window)
		if loc == nil {
			continue
		}
		between := strings.ToLower(window[:loc[0]])
		if containsAny(between, kvkNotThis) || strings.Count(between, "\n") > 1 {
			continue
		}
		if loc[0] > 0 && isLetter(window[loc[0]-1]) && !strings.HasSuffix(between, "nr") && !strings.HasSuffix(between, "no") {
			continue // "NL0012…" : a letter glued to the digits is another identifier
		}
		if n := kvkNumber(window[loc[0]:loc[1]]); n != "" {
			out = append(out, n)
		}
		if len(out) == MaxValues {
			break
		}
	}
	return out
}

// kvkNumber reads a run of digit groups: "68750110", "6875 0110" and
// "68 75 01 10" are numbers; "68750110 2024" is a number followed by
// something else; "6875011012" and "6875 0110 1234" (a vestigingsnummer,
// a phone number) are not.
func kvkNumber(run string) string {
	groups := strings.FieldsFunc(run, func(r rune) bool { return r == ' ' || r == '.' || r == '\u00a0' })
	n := strings.Join(groups, "")
	if len(n) != 8 && len(groups) > 0 && len(groups[0]) == 8 {
		n = groups[0]
	}
	if len(n) != 8 || n == "00000000" {
		return ""
	}
	return n
}

// kvkFromURL reads the number of a link into the KvK register, e.g.
// https://www.kvk.nl/zoeken/?source=all&q=68750110 or
// https://www.kvk.nl/bestellen/#/68750110000000000000.
func kvkFromURL(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if host != "kvk.nl" && !strings.HasSuffix(host, ".kvk.nl") {
		return ""
	}
	q := u.Query()
	for _, key := range []string{"kvknummer", "kvkNummer", "kvk", "q"} {
		if v := strings.TrimSpace(q.Get(key)); len(v) == 8 && digitsOnly(v) == v && v != "00000000" {
			return v
		}
	}
	return ""
}

// kvkLinks are the KvK numbers in links to the register.
func (d *document) kvkLinks() []string {
	var out []string
	for _, l := range d.links {
		u, err := url.Parse(l.href)
		if err != nil {
			continue
		}
		if n := kvkFromURL(u); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
