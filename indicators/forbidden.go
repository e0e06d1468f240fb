package indicators

import (
	"strings"
	"unicode"
)

// Rules may not use nationality, ethnicity, religion or anything that
// stands in for them. A risk model that counted them would discriminate
// (Grondwet art. 1; Algemene wet gelijke behandeling) and process special
// categories of personal data that the AVG (art. 9) forbids here; the
// Dutch childcare benefits scandal (toeslagenaffaire), in which the Tax
// Administration's risk selection used nationality, is the example every
// municipality knows. The lists below are enforced by the validator and
// cannot be changed by configuration. They are a safety net, not a
// guarantee: rule changes still need a second pair of eyes.

const (
	whyNationality = "nationality may not count towards a risk indicator (Grondwet art. 1; AWGB; the toeslagenaffaire)"
	whyEthnicity   = "racial or ethnic origin is special category data (AVG art. 9) and a prohibited ground of distinction (Grondwet art. 1)"
	whyReligion    = "religion or belief is special category data (AVG art. 9) and a prohibited ground of distinction (Grondwet art. 1)"
	whyBirth       = "place or country of birth is a proxy for nationality and ethnic origin"
	whyLanguage    = "a person's language is a proxy for ethnic origin and nationality"
	whyName        = "a person's name (its origin, spelling or form) is a proxy for ethnic origin"
	whySpecial     = "special category data (AVG art. 9) may not feed a risk indicator"
	whySex         = "sex and gender are prohibited grounds of distinction (Grondwet art. 1; AWGB)"
)

// forbiddenEverywhere are property names (compared in lower case) no rule
// may read, on any schema.
var forbiddenEverywhere = map[string]string{
	"nationality": whyNationality, "citizenship": whyNationality, "nationalities": whyNationality,
	"ethnicity": whyEthnicity, "ethnicorigin": whyEthnicity, "race": whyEthnicity, "migrationbackground": whyEthnicity,
	"religion": whyReligion, "belief": whyReligion, "religiousaffiliation": whyReligion,
	"birthplace": whyBirth, "placeofbirth": whyBirth, "birthcountry": whyBirth, "countryofbirth": whyBirth,
	"language": whyLanguage, "languages": whyLanguage, "mothertongue": whyLanguage, "spokenlanguage": whyLanguage,
	"nameorigin": whyName, "nameetymology": whyName,
	"political": whySpecial, "politicalaffiliation": whySpecial, "sexualorientation": whySpecial,
	"health": whySpecial, "biometric": whySpecial, "genetic": whySpecial, "tradeunion": whySpecial,
	"gender": whySex, "sex": whySex,
}

// forbiddenOn are property names forbidden on one schema only: a person's
// names and country say where they or their family come from; a
// company's name or country of registration does not.
var forbiddenOn = map[string]map[string]string{
	"Person": {
		"name": whyName, "firstname": whyName, "lastname": whyName, "middlename": whyName,
		"secondname": whyName, "fathername": whyName, "mothername": whyName, "alias": whyName,
		"weakalias": whyName, "previousname": whyName, "title": whyName,
		"country": whyNationality, "birthdate": "a person's age says nothing about undermining and invites profiling",
	},
	// A screening hit on a person carries that person's country.
	"Sanction": {"country": whyNationality, "matchedname": whyName, "entityname": whyName},
}

// forbiddenProperty returns why a rule may not read prop on schema, or "".
func forbiddenProperty(schema, prop string) string {
	p := strings.ToLower(prop)
	if why := forbiddenEverywhere[p]; why != "" {
		return why
	}
	return forbiddenOn[schema][p]
}

// Terms a rule may not look for in text: words naming a nationality,
// origin or religion. A word matches when it starts with a stem (long
// stems only, to spare unrelated words) or equals one of the short words.
var (
	forbiddenStems = []string{
		"nationalit", "etnisch", "etniciteit", "afkomst", "herkomst", "allochto", "autochto",
		"migratieachtergrond", "religi", "gelovig", "moslim", "islam", "christelijk", "christen",
		"katholiek", "protestant", "hindoe", "boeddhis", "moskee", "synagoge", "marokka",
		"antillia", "surinam", "surinaam", "roemeen", "bulgaar", "afghaan", "eritre", "somali", "nigeriaan",
		"albane", "koerd", "arabisch", "arabier", "afrikaan", "aziatisch", "nationality", "ethnic",
		"religio", "muslim", "jewish", "mosque", "moroccan", "turkish", "polish",
	}
	forbiddenWords = map[string]bool{
		"jood": true, "joods": true, "joodse": true, "joden": true, "turk": true, "turks": true,
		"turkse": true, "turken": true, "pools": true, "poolse": true, "polen": true,
		"syrisch": true, "syrische": true, "syriër": true, "syriers": true, "chinees": true, "chinese": true,
		"roma": true, "sinti": true, "halal": true, "koosjer": true, "kosher": true, "geloof": true,
		"ras": true, "etnie": true,
	}
)

// forbiddenTerm returns the word of term that names a nationality, origin
// or religion, or "".
func forbiddenTerm(term string) string {
	words := strings.FieldsFunc(strings.ToLower(term), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		if forbiddenWords[w] {
			return w
		}
		for _, s := range forbiddenStems {
			if strings.HasPrefix(w, s) {
				return w
			}
		}
	}
	return ""
}
