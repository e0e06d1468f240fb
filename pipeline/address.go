package pipeline

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// AddressKey is the canonical form of a Dutch address — "8823SJ 3",
// "8823SJ 3A", "8823SJ 3-BIS", "8823SJ 3A-2" — exactly the Value of an
// address subject (subject.AddressParts.Key). Address entities are keyed on
// it, so KvK, BAG and a subject typed by an analyst name the same address
// the same way. It is "" when postcode or number is missing.
func AddressKey(postcode string, number int, letter, addition string) string {
	postcode = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(postcode), " ", ""))
	if postcode == "" || number <= 0 {
		return ""
	}
	return subject.AddressParts{
		Postcode:    postcode,
		HouseNumber: number,
		Letter:      strings.ToUpper(strings.TrimSpace(letter)),
		Addition:    strings.ToUpper(strings.TrimSpace(addition)),
	}.Key()
}

// AddressID is the entity id of the Address with that key.
func AddressID(key string) string {
	return entity.MakeID(entity.SchemaAddress, "postcodeHouseNumber", key)
}

// dutchAddress is an address in the Netherlands as the sources give it.
type dutchAddress struct {
	street   string
	number   int
	letter   string
	addition string
	postcode string
	city     string
}

func (a dutchAddress) key() string {
	return AddressKey(a.postcode, a.number, a.letter, a.addition)
}

// full renders the one-line form PDOK uses for weergavenaam
// ("Hizzaarderlaan 3A, 8823SJ Lollum"); both KvK and BAG addresses are
// rendered here so a merged Address has one value.
func (a dutchAddress) full() string {
	key := a.key()
	if key == "" {
		return ""
	}
	pc, house, _ := strings.Cut(key, " ")
	line1 := strings.TrimSpace(a.street + " " + house)
	return joinNonEmpty(", ", line1, strings.TrimSpace(pc+" "+a.city))
}

// addTo fills an Address entity's properties from a. houseNumber is the
// whole house designation ("3A-BIS"), so postalCode + " " + houseNumber is
// the address subject; letter and addition are also kept on their own.
func (a dutchAddress) addTo(e *entity.Entity) {
	key := a.key()
	pc, house, _ := strings.Cut(key, " ")
	e.Add("full", a.full())
	e.Add("street", a.street)
	e.Add("houseNumber", house)
	e.Add("houseLetter", strings.ToUpper(a.letter))
	e.Add("houseNumberAddition", strings.ToUpper(a.addition))
	e.Add("postalCode", pc)
	e.Add("city", a.city)
	e.Add("country", "nl")
}

// pointLL reads PDOK's centroide_ll "POINT(lon lat)".
func pointLL(s string) (lat, lon string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "POINT(") || !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	parts := strings.Fields(s[len("POINT(") : len(s)-1])
	if len(parts) != 2 {
		return "", "", false
	}
	for _, p := range parts {
		if _, err := strconv.ParseFloat(p, 64); err != nil {
			return "", "", false
		}
	}
	return parts[1], parts[0], true
}

// countries maps the Dutch country names KvK uses onto ISO 3166 codes,
// FollowTheMoney's form; an unknown name is kept as it is.
var countries = map[string]string{
	"nederland": "nl", "belgië": "be", "belgie": "be", "duitsland": "de", "frankrijk": "fr",
	"verenigd koninkrijk": "gb", "luxemburg": "lu", "spanje": "es", "italië": "it", "italie": "it",
	"polen": "pl", "turkije": "tr", "marokko": "ma", "suriname": "sr", "curaçao": "cw",
	"verenigde staten": "us", "verenigde staten van amerika": "us", "china": "cn", "oostenrijk": "at",
	"zwitserland": "ch", "portugal": "pt", "ierland": "ie", "bulgarije": "bg", "roemenië": "ro",
	"cyprus": "cy", "malta": "mt", "verenigde arabische emiraten": "ae",
}

func countryCode(name string) string {
	if c, ok := countries[strings.ToLower(strings.TrimSpace(name))]; ok {
		return c
	}
	return strings.TrimSpace(name)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// Answers are hostile input: lists are read up to maxListItems entries
// (Zoeken shows at most 1000 results; a big chain has a few thousand
// vestigingen) and every value is cut at maxValueBytes.
const (
	maxListItems  = 5000
	maxValueBytes = 1000
)

func capList[T any](l []T) []T {
	if len(l) > maxListItems {
		return l[:maxListItems]
	}
	return l
}

// clipped cuts over-long values (at a rune boundary) in place.
func clipped(ents []entity.Entity) []entity.Entity {
	for i := range ents {
		if len(ents[i].Caption) > maxValueBytes {
			ents[i].Caption = clipString(ents[i].Caption)
		}
		for _, vs := range ents[i].Properties {
			for j, v := range vs {
				if len(v) > maxValueBytes {
					vs[j] = clipString(v)
				}
			}
		}
	}
	return ents
}

func clipString(s string) string {
	cut := maxValueBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
