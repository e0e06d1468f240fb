package subject

import (
	"strconv"
	"strings"
)

// An address subject is a BAG nummeraanduiding written the way people type
// it: postcode, house number, then an optional huisletter and an optional
// huisnummertoevoeging. The canonical form is "8823SJ 3", "8823SJ 3A",
// "8823SJ 3-BIS" or "8823SJ 12A-2": postcode without a space, a single space,
// the number, the letter directly after it and the toevoeging after a '-'.
//
// Letter and toevoeging are upper-cased. BAG stores toevoegingen in mixed
// case ("bis", "II", "h") but does not distinguish two addresses by case
// alone, so upper case makes "3-bis" and "3-BIS" the same subject; sources
// that match against BAG must compare case-insensitively.
//
// How the part after the number is read:
//
//	"3A", "3 A", "3a"        → letter A
//	"3-A", "3-bis", "3 - 2"  → toevoeging A, BIS, 2 (a '-' right after the
//	                           number always starts a toevoeging)
//	"3 bis", "3bis"          → toevoeging BIS (two letters are no huisletter)
//	"12a-2", "12a 2", "12a2" → letter A, toevoeging 2
//	"3 2"                    → toevoeging 2

// maxAddress is far longer than any real postcode plus house number.
const maxAddress = 64

// Key returns the canonical address string, the Value of an Address subject.
func (p AddressParts) Key() string {
	var b strings.Builder
	b.WriteString(p.Postcode)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(p.HouseNumber))
	b.WriteString(p.Letter)
	if p.Addition != "" {
		b.WriteByte('-')
		b.WriteString(p.Addition)
	}
	return b.String()
}

func parseAddressValue(value string) (string, error) {
	p, err := ParseAddress(value)
	if err != nil {
		return "", err
	}
	return p.Key(), nil
}

// ParseAddress parses a Dutch postcode and house number, e.g. "8823 sj, 3a".
// Errors are *Error.
func ParseAddress(value string) (AddressParts, error) {
	fail := func(problem string) (AddressParts, error) {
		return AddressParts{}, errorf(Address, value, "%s", problem)
	}
	if len(value) > maxAddress {
		return fail("is too long for a postcode and house number")
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; !isAlnum(c) && c != ' ' && c != ',' && c != '-' {
			return fail("may contain only letters, digits, spaces, '-' and ','")
		}
	}
	s := strings.Join(strings.Fields(value), " ")
	const example = "must be a postcode and house number, e.g. 8823SJ 3A"

	// Postcode: 4 digits, optional space, 2 letters.
	if len(s) < 4 || !isDigits(s[:4]) {
		return fail(example)
	}
	if s[0] == '0' {
		return fail("has a postcode starting with 0, which does not exist")
	}
	digits, s := s[:4], strings.TrimPrefix(s[4:], " ")
	if len(s) < 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return fail(example)
	}
	letters := strings.ToUpper(s[:2])
	if letters == "SA" || letters == "SD" || letters == "SS" {
		return fail("has postcode letters " + letters + ", which are never used")
	}
	s = strings.TrimLeft(s[2:], " ,")

	// House number: 1 to 99999.
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == 0 {
		return fail("has no house number after the postcode, e.g. 8823SJ 3A")
	}
	num, err := strconv.Atoi(s[:n])
	if n > 5 || err != nil || num < 1 || num > 99999 {
		return fail("has a house number outside 1 to 99999")
	}
	letter, addition, ok := splitHouseSuffix(s[n:])
	if !ok {
		return fail("has an invalid huisletter or huisnummertoevoeging (a single letter and/or up to 4 letters or digits, e.g. 3A, 3-bis, 12a-2)")
	}
	return AddressParts{
		Postcode:    digits + letters,
		HouseNumber: num,
		Letter:      strings.ToUpper(letter),
		Addition:    strings.ToUpper(addition),
	}, nil
}

// splitHouseSuffix reads what follows the house number; the rules are in
// the comment at the top of this file. Spaces in r are already single.
func splitHouseSuffix(r string) (letter, addition string, ok bool) {
	r = strings.TrimPrefix(r, " ")
	switch {
	case r == "":
		return "", "", true
	case r[0] == '-':
		add := skipSeparator(r)
		return "", add, validAddition(add)
	case !isLetter(r[0]) || (len(r) > 1 && isLetter(r[1])):
		return "", r, validAddition(r)
	}
	// r starts with a single letter: the huisletter.
	letter, r = r[:1], r[1:]
	if r == "" {
		return letter, "", true
	}
	add := skipSeparator(r)
	return letter, add, validAddition(add)
}

// skipSeparator drops one separator between huisletter and toevoeging:
// " ", "-", " -", "- " or " - ".
func skipSeparator(r string) string {
	r = strings.TrimPrefix(r, " ")
	r = strings.TrimPrefix(r, "-")
	return strings.TrimPrefix(r, " ")
}

// validAddition: BAG allows up to 4 alphanumerics in a huisnummertoevoeging.
func validAddition(s string) bool {
	if len(s) < 1 || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
