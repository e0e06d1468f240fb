package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"verrijk/pipeline/subject"
)

// A Dutch address on a page is a street and house number, then (on the
// same line after a comma, or on the next line) a postcode "1234 AB" and
// a city: "Hoofdstraat 12a, 3511 AB Utrecht". The postcode is found first;
// the street and number are read backwards from it and the house number
// validated as an address subject, so "1234 AB" alone is never an address.

// postcodePattern is upper case only: "2024 en" in running text is not a
// postcode.
var postcodePattern = regexp.MustCompile(`\b([1-9][0-9]{3}) ?([A-Z]{2})\b`)

// houseToken is a house number as written: "12", "12a", "12-2", "12A-bis".
var houseToken = regexp.MustCompile(`^[1-9]\d{0,4}[A-Za-z]?(?:[-/][A-Za-z0-9]{1,4})?,?$`)

// houseSuffix is what may follow the number as a separate token: "12 A",
// "12 -2", "12 2hg"; a word only when it is a usual toevoeging ("12 hs",
// "12 bis"), so "in 1952 en …" is no address.
var houseSuffix = regexp.MustCompile(`^-?(?:[A-Za-z]|[A-Za-z0-9]{0,3}\d[A-Za-z0-9]{0,2}),?$`)

var houseSuffixWords = set("hs", "h", "bis", "ter", "zw", "rd", "bg", "ii", "iii", "iv", "huis", "boven", "bov", "sous", "hg")

// addressLabels open an address line without being part of the street.
var addressLabels = set("adres", "bezoekadres", "postadres", "vestigingsadres", "correspondentieadres",
	"factuuradres", "afleveradres", "address", "visiting", "office", "locatie", "location", "kantoor",
	"hoofdkantoor", "showroom", "winkel", "magazijn", "vestiging", "bezoek", "post", "ons", "onze",
	"postcode", "plaats", "woonplaats", "straat", "huisnummer", "contact", "contactgegevens", "gegevens")

// cityStops end a city name: what commonly follows an address on a line.
var cityStops = set("tel", "tel.", "telefoon", "t", "t.", "e", "e.", "email", "e-mail", "mail", "kvk",
	"btw", "iban", "nederland", "netherlands", "the", "nl", "open", "geopend", "route", "bel", "fax",
	"info", "www", "website", "phone", "mobiel", "whatsapp", "k.v.k.", "telefoonnummer", "openingstijden")

// cityParticles may stand inside a city name ("Alphen aan den Rijn").
var cityParticles = set("aan", "den", "de", "der", "op", "bij", "van", "het", "ter", "a/d", "in")

// maxAddressLookBack is how far before a postcode its street may start.
const maxAddressLookBack = 240

// DutchAddresses returns the Dutch addresses in text.
func DutchAddresses(text string) []Address {
	var out []Address
	for _, m := range postcodePattern.FindAllStringSubmatchIndex(text, 8*MaxValues) {
		letters := text[m[4]:m[5]]
		if letters == "SA" || letters == "SD" || letters == "SS" {
			continue
		}
		if m[0] > 0 && (text[m[0]-1] == '-' && m[0] > 1 && isDigit(text[m[0]-2])) {
			continue // "020-1234 AB…": part of something else
		}
		pc := text[m[2]:m[3]] + letters
		street, house, ok := streetBefore(text, m[0])
		if !ok {
			continue
		}
		a, ok := newAddress(street, house, pc, cityAfter(text[m[1]:]))
		if ok {
			out = append(out, a)
			if len(out) == MaxValues {
				break
			}
		}
	}
	return out
}

// newAddress validates the house designation with the postcode as an
// address subject, falling back to the bare number when the suffix does
// not parse ("12 hoog").
func newAddress(street, house, postcode, city string) (Address, bool) {
	if strings.HasPrefix(strings.ToLower(street), "postbus") || strings.HasPrefix(strings.ToLower(street), "antwoordnummer") {
		return Address{}, false
	}
	parts, err := subject.ParseAddress(postcode + " " + house)
	if err != nil {
		num, _, _ := strings.Cut(house, " ")
		num = strings.TrimRight(num, ",")
		if parts, err = subject.ParseAddress(postcode + " " + leadingDigits(num)); err != nil {
			return Address{}, false
		}
	}
	return Address{
		Street: clean(street), HouseNumber: parts.HouseNumber, Letter: parts.Letter, Addition: parts.Addition,
		Postcode: parts.Postcode, City: clean(city),
	}, true
}

// Key is the address in the canonical form of an address subject,
// "1234AB 12A-2".
func (a Address) Key() string {
	return subject.AddressParts{Postcode: a.Postcode, HouseNumber: a.HouseNumber, Letter: a.Letter, Addition: a.Addition}.Key()
}

// streetBefore reads the street and house number that end just before
// position end: on the postcode's own line, or on a line above when the
// postcode starts its line. Lines that are only a label ("Postcode") are
// skipped; any other line that is not a street ends the search.
func streetBefore(text string, end int) (street, house string, ok bool) {
	start := runeBoundary(text, max(0, end-maxAddressLookBack))
	lines := strings.Split(text[start:end], "\n")
	for i, tried := len(lines)-1, 0; i >= 0 && tried < 3; i-- {
		line := strings.TrimRight(lines[i], " ,|·•–-\t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		tried++
		if street, house, ok = SplitStreet(line); ok {
			return street, house, true
		}
		if !isLabelLine(line) {
			return "", "", false
		}
	}
	return "", "", false
}

func isLabelLine(line string) bool {
	for _, f := range strings.Fields(line) {
		if !addressLabels[strings.ToLower(strings.Trim(f, ":"))] {
			return false
		}
	}
	return true
}

// SplitStreet splits "Hoofdstraat 12a" (possibly after a label or other
// text: "Bezoekadres: Hoofdstraat 12 A") into the street and the house
// designation.
func SplitStreet(line string) (street, house string, ok bool) {
	tokens := strings.Fields(line)
	if len(tokens) > 40 {
		tokens = tokens[len(tokens)-40:]
	}
	// The house number is the last token starting with a digit, followed
	// by at most two short suffix tokens.
	n := -1
	for i := len(tokens) - 1; i >= 0 && i >= len(tokens)-3; i-- {
		if houseToken.MatchString(tokens[i]) {
			n = i
			break
		}
	}
	if n <= 0 {
		return "", "", false
	}
	for _, s := range tokens[n+1:] {
		if !houseSuffix.MatchString(s) && !houseSuffixWords[strings.ToLower(strings.Trim(s, "-,"))] {
			return "", "", false
		}
	}
	house = strings.TrimRight(strings.Join(tokens[n:], " "), ",")
	// The street is the words before the number, back to a label, a colon
	// or a comma, at most six words.
	var words []string
	for i := n - 1; i >= 0 && len(words) < 6; i-- {
		t := tokens[i]
		if strings.HasSuffix(t, ":") || strings.HasSuffix(t, ",") || strings.HasSuffix(t, "|") ||
			t == "|" || t == "-" || t == "·" || t == "•" || addressLabels[strings.ToLower(t)] {
			break
		}
		words = append([]string{t}, words...)
	}
	street = strings.Join(words, " ")
	if !plausibleStreet(street) {
		return "", "", false
	}
	return street, house, true
}

// plausibleStreet wants at least three letters and a first word that
// starts with a letter, an apostrophe ("'s-Gravenweg") or an ordinal
// ("1e Jan Steenstraat").
func plausibleStreet(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 3 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	first := strings.Fields(s)[0]
	return unicode.IsLetter(r) || r == '\'' || r == '’' ||
		(len(first) >= 2 && isDigit(first[0]) && (strings.HasSuffix(first, "e") || strings.HasSuffix(first, "ste")))
}

// cityAfter reads the city that follows a postcode on its line.
func cityAfter(rest string) string {
	if i := strings.IndexAny(rest, "\n,|•·(\t;"); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) > 120 {
		rest = rest[:runeBoundary(rest, 120)]
	}
	var words []string
	for _, t := range strings.Fields(rest) {
		lower := strings.ToLower(strings.TrimRight(t, ":"))
		if cityStops[lower] || len(words) == 5 {
			break
		}
		r, _ := utf8.DecodeRuneInString(t)
		if !unicode.IsUpper(r) && !cityParticles[lower] && !strings.HasPrefix(t, "'s") && !strings.HasPrefix(t, "’s") {
			break
		}
		words = append(words, strings.TrimRight(t, ".:"))
	}
	for len(words) > 0 && cityParticles[strings.ToLower(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i]
}

// postalAddress reads a JSON-LD PostalAddress in the Netherlands.
func postalAddress(n node) (Address, bool) {
	switch strings.ToLower(n.str("addressCountry")) {
	case "", "nl", "nld", "nederland", "netherlands", "the netherlands", "holland":
	default:
		return Address{}, false
	}
	pc := strings.ToUpper(strings.ReplaceAll(n.str("postalCode"), " ", ""))
	m := postcodePattern.FindStringSubmatch(pc)
	if m == nil || m[0] != pc {
		return Address{}, false
	}
	street, house, ok := SplitStreet(n.str("streetAddress"))
	if !ok {
		return Address{}, false
	}
	return newAddress(street, house, pc, n.str("addressLocality"))
}
