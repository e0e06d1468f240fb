package subject

import "strings"

// digitsOnly strips the spaces and dots people use to group long numbers
// ("6875 0110", "68.75.01.10") and reports whether exactly n ASCII digits
// remain. Only ASCII digits count: unicode.IsDigit would accept Arabic-Indic
// or full-width digits that no register uses.
func digitsOnly(value string, n int) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == ' ' || c == '.':
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			return "", false
		}
		if b.Len() > n {
			return "", false
		}
	}
	return b.String(), b.Len() == n
}

// parseKvK keeps leading zeros: "01234567" is a valid KvK number and the
// KvK APIs expect all 8 digits.
func parseKvK(value string) (string, error) {
	v, ok := digitsOnly(value, 8)
	if !ok {
		return "", errorf(KvK, value, "must be 8 digits")
	}
	return v, nil
}

func parseVestiging(value string) (string, error) {
	v, ok := digitsOnly(value, 12)
	if !ok {
		return "", errorf(Vestiging, value, "must be 12 digits")
	}
	return v, nil
}

func parseRSIN(value string) (string, error) {
	v, ok := digitsOnly(value, 9)
	if !ok {
		return "", errorf(RSIN, value, "must be 9 digits")
	}
	if strings.Trim(v, "0") == "" {
		return "", errorf(RSIN, value, "is all zeros, which is a placeholder, not an RSIN")
	}
	if !elevenTest(v) {
		return "", errorf(RSIN, value, "fails the eleven-test (elfproef), so it has a typo")
	}
	return v, nil
}

// elevenTest is the elfproef used for RSIN and BSN: 9*d1 + 8*d2 + … + 2*d8
// - 1*d9 must be divisible by 11. It catches every single-digit typo and
// most swaps of adjacent digits.
func elevenTest(nine string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(nine[i]-'0')
	}
	sum -= int(nine[8] - '0')
	return sum%11 == 0
}
