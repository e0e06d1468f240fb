package web

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Everything the API says in codes and English is put into Dutch words
// here, for people who are not engineers.

// apiCodeText is the Dutch sentence for each API error code.
var apiCodeText = map[string]string{
	"unauthorized":           "Je sessie is verlopen of je token is ingetrokken. Log opnieuw in.",
	"forbidden":              "Je hebt hier geen toegang toe.",
	"not_found":              "Niet gevonden, of niet verzameld onder het gekozen doel.",
	"purpose_required":       "Kies eerst een doel (doelbinding).",
	"purpose_unknown":        "Dit doel bestaat niet (meer).",
	"purpose_retired":        "Dit doel is ingetrokken: onder dit doel mag geen nieuw werk beginnen.",
	"source_not_allowed":     "Het gekozen doel staat een van de gekozen bronnen niet toe.",
	"source_disabled":        "Een gekozen bron is uitgeschakeld of door een beheerder gepauzeerd. Laat die bron weg of probeer het later.",
	"unknown_source":         "Een gekozen bron bestaat niet.",
	"justification_required": "Schrijf een onderbouwing van minstens 10 tekens: waarom is deze verrijking nodig en proportioneel?",
	"nothing_to_enrich":      "Geen van de subjecten van dit signaal kan door de gekozen bronnen worden opgezocht. Voeg een subject toe of kies andere bronnen.",
	"invalid_subject":        "Dit subject is niet geldig.",
	"invalid_purpose":        "Het doel is niet volledig of niet geldig.",
	"bad_request":            "De invoer is niet geldig.",
	"conflict":               "Dit bestaat al, of kan nu niet worden gewijzigd.",
	"rate_limited":           "Te veel verzoeken achter elkaar; probeer het zo opnieuw.",
	"internal":               "Er ging iets mis op de server. De beheerder kan het serverlog inzien.",
	"not_ready":              "De dienst is nog niet klaar; probeer het zo opnieuw.",
}

// errorText is the Dutch message for any error of an API call.
func errorText(err error) string {
	var ae *apiError
	if !errors.As(err, &ae) {
		return "Er ging iets mis bij het verwerken van je verzoek."
	}
	if ae.Code == "forbidden" && strings.Contains(ae.Message, "another team") {
		return "Dit hoort bij een signaal van een ander team; je hebt er geen toegang toe."
	}
	if ae.Code == "forbidden" && strings.Contains(ae.Message, "role") {
		return "Je rol heeft geen toegang tot dit onderdeel."
	}
	if t, ok := apiCodeText[ae.Code]; ok {
		return t
	}
	if ae.Status == 429 {
		return apiCodeText["rate_limited"]
	}
	return "Er ging iets mis (" + strconv.Itoa(ae.Status) + ")."
}

// fieldProblems maps phrases of the API's English validation messages to
// the form field they concern and a Dutch message for next to it.
var fieldProblems = []struct{ phrase, field, text string }{
	{"title is required", "title", "Geef het signaal een titel."},
	{"title is longer", "title", "De titel is te lang (hoogstens 300 tekens)."},
	{"description is longer", "description", "De omschrijving is te lang (hoogstens 10.000 tekens)."},
	{"external_ref is longer", "external_ref", "Het kenmerk is te lang (hoogstens 200 tekens)."},
	{"justification", "justification", "Schrijf een onderbouwing van minstens 10 en hoogstens 5000 tekens."},
	{"id must be", "id", "Gebruik 2 tot 63 kleine letters, cijfers en streepjes."},
	{"name is required", "name", "Geef het doel een naam."},
	{"legal_basis is required", "legal_basis", "Noem de grondslag."},
	{"retention", "retention", "Schrijf de bewaartermijn als ISO 8601-duur, bijvoorbeeld P1Y of P30D."},
	{"criminal-offence", "allowed_sources", "Deze bron levert strafrechtelijke gegevens (AVG art. 10); sta die alleen toe als het doel dat uitdrukkelijk toestaat."},
	{"allowed_sources", "allowed_sources", "Kies minstens één bestaande bron."},
	{"description is longer", "description", "De omschrijving is te lang."},
	{"rate", "rate", "Schrijf de snelheid als aantal per seconde, minuut of uur, bijvoorbeeld 10/s of 30/m."},
	{"concurrency", "concurrency", "Kies een aantal gelijktijdige verzoeken van 1 tot 256."},
	{"--user", "user", "Geef een gebruikersnaam."},
	{"user", "user", "Geef een geldige gebruikersnaam."},
	{"role", "role", "Kies een rol: analist, coördinator, beheerder of auditor."},
	{"expires", "expires", "Kies een geldigheid van 1 dag tot 10 jaar."},
}

// fieldErrors splits an API validation message into Dutch messages per
// form field; what matches no field comes back under "".
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var ae *apiError
	if !errors.As(err, &ae) {
		out[""] = errorText(err)
		return out
	}
	for _, part := range strings.Split(ae.Message, "; ") {
		matched := false
		for _, p := range fieldProblems {
			if strings.Contains(part, p.phrase) {
				if _, dup := out[p.field]; !dup {
					out[p.field] = p.text
				}
				matched = true
				break
			}
		}
		if !matched && out[""] == "" {
			out[""] = errorText(err)
		}
	}
	return out
}

// subjectHints explain each subject type in Dutch, shown when a value is
// refused; subjectProblems name the specific problem where we know it.
var subjectHints = map[string]string{
	"kvk":       "Een KvK-nummer bestaat uit 8 cijfers, bijvoorbeeld 68750110.",
	"vestiging": "Een vestigingsnummer bestaat uit 12 cijfers.",
	"rsin":      "Een RSIN bestaat uit 9 cijfers en moet de elfproef doorstaan.",
	"address":   "Schrijf een postcode en huisnummer, bijvoorbeeld 8823SJ 3A.",
	"plate":     "Schrijf een Nederlands kenteken, bijvoorbeeld 6-TJR-64.",
	"domain":    "Schrijf alleen een domeinnaam, bijvoorbeeld voorbeeld.nl (zonder http:// of pad).",
	"url":       "Schrijf een volledig webadres dat begint met http:// of https://.",
	"name":      "Een naam heeft 2 tot 200 tekens, met minstens één letter of cijfer.",
	"social":    "Schrijf platform/gebruikersnaam, bijvoorbeeld instagram/voorbeeld.",
}

var subjectProblems = []struct{ phrase, text string }{
	{"unknown subject type", "Kies een soort subject uit de lijst."},
	{"value is empty", "Vul een waarde in."},
	{"is too long", "De waarde is te lang."},
	{"not valid UTF-8", "De waarde bevat ongeldige tekens."},
	{"fails the eleven-test", "Dit nummer doorstaat de elfproef niet; waarschijnlijk zit er een tikfout in."},
	{"all zeros", "Alleen nullen is geen geldig nummer."},
	{"postcode starting with 0", "Een postcode begint nooit met 0."},
	{"never used", "Deze postcodeletters (SA, SD, SS) worden nooit gebruikt."},
	{"no house number", "Na de postcode ontbreekt het huisnummer, bijvoorbeeld 8823SJ 3A."},
	{"outside 1 to 99999", "Het huisnummer moet tussen 1 en 99999 liggen."},
	{"huisletter", "De huisletter of toevoeging klopt niet, bijvoorbeeld 3A, 3-bis of 12a-2."},
	{"sidecode", "Dit lijkt geen Nederlands kenteken (geen bekende sidecode)."},
	{"unknown platform", "Onbekend platform."},
	{"user name or password", "Een webadres mag geen gebruikersnaam of wachtwoord bevatten."},
	{"without http://", "Gebruik hier alleen de domeinnaam, zonder http://; kies soort ‘website’ voor een webadres."},
}

// subjectError is the Dutch message for a refused subject.
func subjectError(typ string, err error) string {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code != "invalid_subject" {
		return errorText(err)
	}
	for _, p := range subjectProblems {
		if strings.Contains(ae.Message, p.phrase) {
			if hint := subjectHints[typ]; hint != "" && p.phrase != "unknown subject type" {
				return p.text + " " + hint
			}
			return p.text
		}
	}
	if hint, ok := subjectHints[typ]; ok {
		return "Dit is geen geldige waarde. " + hint
	}
	return apiCodeText["invalid_subject"]
}

// subjectTypeNames are the Dutch labels of the subject types, in the
// order the form offers them.
var subjectTypeNames = []struct{ Value, Label string }{
	{"kvk", "KvK-nummer"},
	{"vestiging", "Vestigingsnummer"},
	{"rsin", "RSIN"},
	{"address", "Adres (postcode en huisnummer)"},
	{"plate", "Kenteken"},
	{"name", "Naam (bedrijf of persoon)"},
	{"domain", "Domeinnaam"},
	{"url", "Website (webadres)"},
	{"social", "Sociaal-mediaprofiel"},
}

func subjectTypeName(t string) string {
	for _, s := range subjectTypeNames {
		if s.Value == t {
			return s.Label
		}
	}
	return t
}

var statusNames = map[string]string{
	"queued":  "in de wachtrij",
	"running": "bezig",
	"done":    "klaar",
	"partial": "deels gelukt",
	"failed":  "mislukt",
	"skipped": "overgeslagen",
	"open":    "open",
	"closed":  "gesloten",
}

func statusName(s string) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return s
}

var roleNames = map[string]string{
	"analyst":     "analist",
	"coordinator": "coördinator",
	"admin":       "beheerder",
	"auditor":     "auditor (privacy)",
}

func roleName(r string) string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return r
}

var retryIn = regexp.MustCompile(`retry in ([0-9.]+(?:ms|s|m|h)[0-9.msh]*)`)

// waitText renders "retry in 2.5s" as Dutch words.
func waitText(msg string) string {
	m := retryIn.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		return ""
	}
	return "; nieuwe poging over " + durationText(d)
}

// durationText renders a duration as Dutch words: "3 seconden", "2 minuten".
func durationText(d time.Duration) string {
	switch {
	case d < 2*time.Second:
		return "1 seconde"
	case d < 2*time.Minute:
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " seconden"
	case d < 2*time.Hour:
		return strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " minuten"
	default:
		return strconv.Itoa(int(d.Round(time.Hour)/time.Hour)) + " uur"
	}
}

var attemptFailed = regexp.MustCompile(`^attempt (\d+) failed, will retry: (.*)$`)

// taskText explains a task's state in Dutch words: retries, waits for rate
// limits, and failures, never bare codes.
func taskText(status string, errText string) string {
	switch {
	case errText == "" && status == "running":
		return "De bron wordt nu gevraagd."
	case errText == "" && status == "queued":
		return "Wacht op zijn beurt."
	case errText == "" && status == "done":
		return "Gegevens ontvangen."
	case errText == "no match":
		return "Niets gevonden bij deze bron."
	case strings.HasPrefix(errText, "held: "):
		switch {
		case strings.Contains(errText, "(paused)"):
			return "Wacht: een beheerder heeft deze bron gepauzeerd" + waitText(errText) + "."
		case strings.Contains(errText, "circuit"):
			return "Wacht: de bron gaf steeds fouten en krijgt even rust" + waitText(errText) + "."
		default:
			return "Wacht op de snelheidslimiet van de bron" + waitText(errText) + "."
		}
	case status == "skipped" && strings.HasPrefix(errText, "not publicly available: "):
		return "Niet openbaar beschikbaar: " + unavailableText(strings.TrimPrefix(errText, "not publicly available: ")) +
			". verrijk logt nooit in en doet niets op de pagina; er volgt geen nieuwe poging."
	case status == "skipped":
		return "Overgeslagen: de bron is uitgeschakeld of niet meer toegestaan onder dit doel."
	}
	if m := attemptFailed.FindStringSubmatch(errText); m != nil {
		return "Poging " + m[1] + " mislukt: " + causeText(m[2]) + ". Er volgt een nieuwe poging."
	}
	if status == "failed" {
		return "Mislukt: " + causeText(errText) + "."
	}
	return causeText(errText) + "."
}

// unavailableText says in Dutch why a page was not publicly available
// (the reasons of sources.NotAvailableError).
func unavailableText(reason string) string {
	switch reason {
	case "login required":
		return "het platform vraagt om in te loggen"
	case "captcha":
		return "het platform toont een captcha"
	case "blocked by the platform":
		return "het platform blokkeert het verzoek"
	case "consent wall":
		return "het platform vraagt eerst om toestemming (cookiemuur)"
	case "the page shows no public profile":
		return "de pagina toont geen openbaar profiel"
	case "robots.txt disallows crawling the site":
		return "de website verbiedt automatisch bezoek (robots.txt)"
	}
	return "de pagina is afgeschermd"
}

// causeText names what went wrong with a source in plain words.
func causeText(cause string) string {
	c := strings.ToLower(cause)
	switch {
	case strings.Contains(c, "rate limited"):
		return "de bron vroeg om minder verzoeken" + waitText(cause)
	case strings.Contains(c, "status 401"), strings.Contains(c, "status 403"):
		return "de bron weigert de toegang (sleutel ontbreekt of is ongeldig)"
	case strings.Contains(c, "status 404"):
		return "de bron kent dit gegeven niet"
	case strings.Contains(c, "status 5"):
		return "de bron heeft een storing"
	case strings.Contains(c, "status 4"):
		return "de bron weigerde het verzoek"
	case strings.Contains(c, "deadline exceeded"), strings.Contains(c, "timeout"):
		return "de bron antwoordde niet op tijd"
	case strings.Contains(c, "blocked"):
		return "de verbinding is geweigerd door de beveiliging (intern netwerkadres)"
	case strings.Contains(c, "exceeds"):
		return "het antwoord van de bron was te groot"
	case strings.Contains(c, "malformed"), strings.Contains(c, "decoding"), strings.Contains(c, "parsing"):
		return "het antwoord van de bron was onleesbaar"
	case strings.Contains(c, "refused"), strings.Contains(c, "no such host"), strings.Contains(c, "dial"),
		strings.Contains(c, "connection reset"), strings.Contains(c, "eof"):
		return "de bron is niet bereikbaar"
	case strings.Contains(c, "gave up"):
		return "de wachtrij heeft het opgegeven na herhaalde fouten"
	case strings.Contains(c, "canceled"), strings.Contains(c, "cancelled"):
		return "de opdracht werd onderbroken"
	case c == "":
		return "onbekende oorzaak"
	}
	return "onverwachte fout bij de bron"
}
