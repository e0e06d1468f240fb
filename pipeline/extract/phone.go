package extract

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the country a phone number without a country code is
// read in.
const DefaultRegion = "NL"

// phoneCandidate is a run that may be a phone number: an optional "+" or
// "(", digits and the separators people put between them.
var phoneCandidate = regexp.MustCompile(`[+(]?\d[\d \x{00a0}.\-/()]{6,24}\d`)

// phoneSplit separates two numbers written next to each other.
var phoneSplit = regexp.MustCompile(`\s*/\s*|\s{2,}|\s+-\s+`)

// Phones returns the valid phone numbers in text, in E.164 form. Only
// runs written as a phone number count: starting with "+", "00" or a
// national "0", with 9 to 15 digits.
func Phones(text string) []string {
	var out []string
	for _, m := range phoneCandidate.FindAllStringIndex(text, 8*MaxValues) {
		if m[0] > 0 && (isDigit(text[m[0]-1]) || text[m[0]-1] == '+') {
			continue
		}
		c := text[m[0]:m[1]]
		if p, ok := phoneInText(c); ok {
			out = append(out, p)
		} else {
			for _, part := range phoneSplit.Split(c, 4) {
				if p, ok := phoneInText(part); ok {
					out = append(out, p)
				}
			}
		}
		if len(out) >= MaxValues {
			return out[:MaxValues]
		}
	}
	return out
}

func phoneInText(c string) (string, bool) {
	c = strings.TrimSpace(c)
	lead := strings.TrimLeft(c, "(")
	if !strings.HasPrefix(lead, "+") && !strings.HasPrefix(lead, "0") {
		return "", false
	}
	if n := len(digitsOnly(c)); n < 9 || n > 16 {
		return "", false
	}
	return Phone(c)
}

// Phone parses one phone number (default region NL) and returns it in
// E.164 form when it is a valid number.
func Phone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return "", false
	}
	// "+31 (0)20 …": the parenthesised national prefix is not dialled.
	s = strings.Replace(s, "(0)", "", 1)
	n, err := phonenumbers.Parse(s, DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// identifierSpans are what maskIdentifiers blanks before looking for
// phone numbers: the digits of an IBAN ("0417 1643 00") or a VAT id can
// pass for a Dutch number.
var identifierSpans = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b[A-Z]{2}[0-9]{2}(?:[ \x{00a0}]?[A-Z0-9]{4}){2,7}(?:[ \x{00a0}]?[A-Z0-9]{1,3})?\b`),
	vatPattern,
	vatLabelled,
	regexp.MustCompile(`(?i)\b(?:kvk|rsin|vestigingsnummer)[^0-9\n]{0,30}(?:\d{8,12}|\d{4} \d{4}|\d{2}(?: \d{2}){3})\b`),
}

// maskIdentifiers replaces the identifiers in text with spaces.
func maskIdentifiers(text string) string {
	for _, re := range identifierSpans {
		text = re.ReplaceAllStringFunc(text, func(m string) string { return strings.Repeat(" ", len(m)) })
	}
	return text
}
