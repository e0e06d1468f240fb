package subject

import "strings"

// sidecodes are the RDW patterns for six-character Dutch plates, written as
// groups: 'X' a letter, '9' a digit. Sidecodes 1–6 date from 1951–1999,
// 7–14 from 1999 on. Each has a distinct letter/digit sequence, so the
// dashes can be put back from the characters alone.
var sidecodes = []string{
	"XX-99-99", // 1
	"99-99-XX", // 2
	"99-XX-99", // 3
	"XX-99-XX", // 4
	"XX-XX-99", // 5
	"99-XX-XX", // 6
	"99-XXX-9", // 7
	"9-XXX-99", // 8
	"XX-999-X", // 9
	"X-999-XX", // 10
	"XXX-99-X", // 11
	"X-99-XXX", // 12
	"9-XX-999", // 13
	"999-XX-9", // 14
}

// parsePlate strips dashes and spaces and upper-cases: "6-tjr-64" becomes
// "6TJR64", the form RDW's open data uses as kenteken.
func parsePlate(value string) (string, error) {
	if len(value) > 32 {
		return "", errorf(Plate, value, "is too long for a licence plate")
	}
	var b strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '-' || c == ' ':
		case isAlnum(c):
			b.WriteByte(c)
		default:
			return "", errorf(Plate, value, "may contain only letters, digits, '-' and spaces")
		}
	}
	v := strings.ToUpper(b.String())
	if len(v) != 6 {
		return "", errorf(Plate, value, "must be 6 letters and digits, e.g. 6-TJR-64")
	}
	if sidecode(v) == "" {
		return "", errorf(Plate, value, "does not match any Dutch sidecode (e.g. 6-TJR-64, 12-AB-34)")
	}
	return v, nil
}

// sidecode returns the pattern a canonical plate matches, or "".
func sidecode(plate string) string {
	for _, sc := range sidecodes {
		if matchesSidecode(plate, sc) {
			return sc
		}
	}
	return ""
}

func matchesSidecode(plate, sc string) bool {
	i := 0
	for j := 0; j < len(sc); j++ {
		switch sc[j] {
		case '-':
			continue
		case 'X':
			if i >= len(plate) || !isLetter(plate[i]) {
				return false
			}
		case '9':
			if i >= len(plate) || !isDigit(plate[i]) {
				return false
			}
		}
		i++
	}
	return i == len(plate)
}

// FormatPlate renders a plate with the dashes of its sidecode, for display:
// "6TJR64" becomes "6-TJR-64". Input it cannot parse is returned unchanged.
func FormatPlate(plate string) string {
	v, err := parsePlate(plate)
	if err != nil {
		return plate
	}
	sc := sidecode(v)
	var b strings.Builder
	i := 0
	for j := 0; j < len(sc); j++ {
		if sc[j] == '-' {
			b.WriteByte('-')
			continue
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}
