package subject

import "testing"

func TestParsePlate(t *testing.T) {
	runParseCases(t, Plate, []parseCase{
		{in: "6-TJR-64", want: "6TJR64"}, // sidecode 8
		{in: "6 tjr 64", want: "6TJR64"}, //
		{in: "AB-12-34", want: "AB1234"}, // 1
		{in: "12-34-AB", want: "1234AB"}, // 2
		{in: "12-AB-34", want: "12AB34"}, // 3
		{in: "AB-12-CD", want: "AB12CD"}, // 4
		{in: "AB-CD-12", want: "ABCD12"}, // 5
		{in: "12-AB-CD", want: "12ABCD"}, // 6
		{in: "12-ABC-3", want: "12ABC3"}, // 7
		{in: "AB-123-C", want: "AB123C"}, // 9
		{in: "A-123-BC", want: "A123BC"}, // 10
		{in: "ABC-12-D", want: "ABC12D"}, // 11
		{in: "A-12-BCD", want: "A12BCD"}, // 12
		{in: "1-AB-234", want: "1AB234"}, // 13
		{in: "123-AB-4", want: "123AB4"}, // 14
		{in: "123456", problem: "sidecode"},
		{in: "ABCDEF", problem: "sidecode"},
		{in: "A1B2C3", problem: "sidecode"},
		{in: "6-TJR-6", problem: "6 letters and digits"},
		{in: "6-TJR-645", problem: "6 letters and digits"},
		{in: "6.TJR.64", problem: "only letters, digits"},
		{in: "6-TJR-6\u0664", problem: "only letters, digits"}, // Arabic-Indic 4
		{in: "6-ТJR-64", problem: "only letters, digits"},      // Cyrillic Т
		{in: "6TJR64______________________________", problem: "too long"},
	})
}

func TestFormatPlate(t *testing.T) {
	for in, want := range map[string]string{
		"6TJR64":  "6-TJR-64",
		"6-tjr64": "6-TJR-64",
		"AB1234":  "AB-12-34",
		"12ABC3":  "12-ABC-3",
		"123AB4":  "123-AB-4",
		"A12BCD":  "A-12-BCD",
		"123456":  "123456", // not a plate: unchanged
		"":        "",
	} {
		if got := FormatPlate(in); got != want {
			t.Errorf("FormatPlate(%q) = %q, want %q", in, got, want)
		}
	}
}

// The sidecodes must stay distinguishable by their letter/digit sequence,
// or FormatPlate would have to guess.
func TestSidecodesDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range sidecodes {
		shape := ""
		for i := 0; i < len(sc); i++ {
			if sc[i] != '-' {
				shape += string(sc[i])
			}
		}
		if len(shape) != 6 || seen[shape] {
			t.Errorf("sidecode %s: shape %s is not 6 long or not unique", sc, shape)
		}
		seen[shape] = true
	}
}
