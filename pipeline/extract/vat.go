package extract

import (
	"regexp"
	"strings"
)

// A Dutch VAT id (btw-identificatienummer) is "NL", nine digits, "B" and
// two digits. Two kinds are in use, told apart only by their check:
//   - the old btw-nummer of a legal entity is its RSIN (or, before 2020,
//     an owner's BSN): the nine digits pass the eleven test;
//   - since 1 January 2020 a sole trader gets a number unrelated to the
//     BSN, which passes ISO 7064 MOD 97-10 over the whole id with the
//     letters as numbers (N=23, L=21, B=11), as an IBAN does.
// An id passing either check is valid; the suffix is never 00.

// vatPattern allows the spaces and dots people write: "NL 8524.53.172.B01".
var vatPattern = regexp.MustCompile(`(?i)\bNL[ .\-]?((?:\d[ .]?){8}\d)[ .\-]?B[ .\-]?(\d{2})\b`)

// vatLabelled finds an id written without its "NL" after a BTW/VAT label:
// "Btw-nummer: 8524 53 172 B01".
var vatLabelled = regexp.MustCompile(`(?i)\b(?:btw|vat|omzetbelasting)[^0-9\n]{0,30}?((?:\d[ .]?){8}\d)[ .\-]?B[ .\-]?(\d{2})\b`)

// VATIDs returns the valid Dutch VAT ids in text, as "NL123456789B01".
func VATIDs(text string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{vatPattern, vatLabelled} {
		for _, m := range re.FindAllStringSubmatch(text, 4*MaxValues) {
			if id := "NL" + digitsOnly(m[1]) + "B" + strings.ToUpper(m[2]); ValidVATID(id) {
				out = appendNew(out, id)
			}
			if len(out) == MaxValues {
				return out
			}
		}
	}
	return out
}

// VATID normalises a VAT id written in any common way ("NL 0044.95.445
// B01", "nl004495445b01") and reports whether it is a valid Dutch one.
func VATID(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s)))
	if !strings.HasPrefix(s, "NL") {
		s = "NL" + s
	}
	return s, ValidVATID(s)
}

// ValidVATID reports whether id, in the compact form "NL123456789B01",
// is a valid Dutch VAT id.
func ValidVATID(id string) bool {
	if len(id) != 14 || id[:2] != "NL" || id[11] != 'B' {
		return false
	}
	digits, suffix := id[2:11], id[12:]
	if digitsOnly(digits) != digits || digitsOnly(suffix) != suffix || suffix == "00" || digits == "000000000" {
		return false
	}
	return elevenTest(digits) || mod97(id) == 1
}

// elevenTest is the check of a BSN or RSIN: the digits weighted 9 down to
// 2, minus the last digit, are a multiple of 11.
func elevenTest(nine string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(nine[i]-'0') * (9 - i)
	}
	sum -= int(nine[8] - '0')
	return sum%11 == 0
}

// mod97 is the ISO 7064 MOD 97-10 remainder of s, with letters counted
// as 10 (A) to 35 (Z); -1 when s holds anything else.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return -1
		}
	}
	return r
}
