package resolve

import (
	"regexp"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// AddressKey returns the canonical key of a Dutch Address entity
// ("8823SJ 3A", see pipeline.AddressKey): from postalCode and houseNumber
// (with houseLetter and houseNumberAddition when they are apart), or else
// from the one-line full form. A foreign address has none.
func AddressKey(e entity.Entity) (string, bool) {
	if c := strings.ToLower(e.First("country")); c != "" && c != "nl" {
		return "", false
	}
	if pc, hn := e.First("postalCode"), e.First("houseNumber"); pc != "" && hn != "" {
		if l := e.First("houseLetter"); l != "" && isDigits(hn) {
			hn += l
		}
		if a := e.First("houseNumberAddition"); a != "" && !strings.Contains(hn, "-") && !strings.EqualFold(a, e.First("houseLetter")) {
			hn += "-" + a
		}
		if p, err := subject.ParseAddress(pc + " " + hn); err == nil {
			return p.Key(), true
		}
	}
	for _, full := range e.Properties["full"] {
		if k, ok := AddressText(full); ok {
			return k, true
		}
	}
	return "", false
}

// postcodeRE finds a Dutch postcode in running text.
var postcodeRE = regexp.MustCompile(`(?i)\b[1-9][0-9]{3} ?[a-z]{2}\b`)

// AddressText finds the address key in a one-line Dutch address as
// people and websites write it: "Hizzaarderlaan 3 A, 8823 SJ Lollum",
// "Hoofdstraat 12-bis 1234AB Dorp" or "8823SJ 3A". A PO box ("Postbus 200,
// 1000AE Rommeldam") is no address of a building and has none.
func AddressText(s string) (string, bool) {
	s = clip(s, maxNameBytes)
	locs := postcodeRE.FindAllStringIndex(s, 4)
	// Street first, then postcode: the house designation ends the words
	// before the postcode. Every postcode-like match is tried this way
	// first, since "1940-1945 nr" in a street name looks like one too.
	for _, loc := range locs {
		if house, ok := houseBefore(s[:loc[0]]); ok {
			if p, err := subject.ParseAddress(s[loc[0]:loc[1]] + " " + house); err == nil {
				return p.Key(), true
			}
		}
	}
	// Postcode first ("8823SJ 3A"), only at the start.
	if len(locs) > 0 && strings.TrimSpace(s[:locs[0][0]]) == "" {
		rest, _, _ := strings.Cut(strings.TrimLeft(s[locs[0][1]:], " ,"), ",")
		if p, err := subject.ParseAddress(s[locs[0][0]:locs[0][1]] + " " + strings.TrimSpace(rest)); err == nil {
			return p.Key(), true
		}
	}
	return "", false
}

// houseBefore returns the house number and what follows it at the end of
// text ("Hizzaarderlaan 3 A, " → "3 A").
func houseBefore(text string) (string, bool) {
	words := strings.Fields(strings.NewReplacer(",", " ", "\n", " ").Replace(text))
	for i := len(words) - 1; i >= 0 && i >= len(words)-3; i-- {
		if w := words[i]; w[0] >= '0' && w[0] <= '9' {
			if i > 0 && poBox[strings.ToLower(strings.TrimSuffix(words[i-1], "."))] {
				return "", false
			}
			return strings.Join(words[i:], " "), true
		}
	}
	return "", false
}

// poBox are the words before a number that make it a PO box number.
var poBox = map[string]bool{"postbus": true, "pb": true, "antwoordnummer": true, "box": true}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
