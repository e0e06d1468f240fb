package extract

import (
	"regexp"
	"strings"
)

// ibanLengths is the IBAN length of each country in the SWIFT IBAN
// registry; a country that is not listed has no IBAN.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
	"LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
	"NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// ibanStart is where an IBAN may begin: country code and check digits.
var ibanStart = regexp.MustCompile(`(?i)\b[A-Z]{2}[0-9]{2}[ \x{00a0}]?[A-Z0-9]`)

// IBANs returns the valid IBANs in text, upper case without spaces. An
// IBAN may be written in groups of four ("NL91 ABNA 0417 1643 00").
func IBANs(text string) []string {
	var out []string
	for _, m := range ibanStart.FindAllStringIndex(text, 8*MaxValues) {
		if iban, ok := ibanAt(text[m[0]:]); ok {
			out = append(out, iban)
			if len(out) == MaxValues {
				break
			}
		}
	}
	return out
}

// ibanAt reads the IBAN that starts s: exactly as many characters as its
// country's length, single spaces allowed between them, and no letter or
// digit glued on after it.
func ibanAt(s string) (string, bool) {
	country := strings.ToUpper(s[:2])
	n, ok := ibanLengths[country]
	if !ok {
		return "", false
	}
	var b strings.Builder
	i, space := 0, false
	for ; i < len(s) && b.Len() < n; i++ {
		c := s[i]
		switch {
		case isAlnum(c):
			b.WriteByte(c)
			space = false
		case c == ' ' && !space && b.Len() > 0:
			space = true
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0 && !space: // no-break space
			space = true
			i++
		default:
			return "", false
		}
	}
	if b.Len() != n || (i < len(s) && isAlnum(s[i])) {
		return "", false
	}
	iban := strings.ToUpper(b.String())
	return iban, ValidIBAN(iban)
}

// IBAN normalises an IBAN written with spaces or in lower case and
// reports whether it is valid.
func IBAN(s string) (string, bool) {
	iban := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	return iban, ValidIBAN(iban)
}

// ValidIBAN checks a compact upper-case IBAN: its country's length, check
// digits 02–98, ISO 7064 MOD 97-10 and, for Dutch IBANs, the national
// form (four letters of the bank, ten digits).
func ValidIBAN(iban string) bool {
	if len(iban) < 15 {
		return false
	}
	n, ok := ibanLengths[iban[:2]]
	if !ok || len(iban) != n || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return false
	}
	if check := iban[2:4]; check == "00" || check == "01" || check == "99" {
		return false
	}
	if iban[:2] == "NL" {
		for i := 4; i < 8; i++ {
			if iban[i] < 'A' || iban[i] > 'Z' {
				return false
			}
		}
		if digitsOnly(iban[8:]) != iban[8:] {
			return false
		}
	}
	return mod97(iban[4:]+iban[:4]) == 1
}
