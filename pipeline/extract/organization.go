package extract

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// orgTypes are schema.org's Organization and LocalBusiness types whose
// names the suffix rule below does not catch.
var orgTypes = set("Organization", "Corporation", "NGO", "LocalBusiness", "OnlineBusiness", "Airline",
	"Consortium", "Cooperative", "PoliticalParty", "WorkersUnion", "LibrarySystem", "PerformingGroup",
	"ProfessionalService", "LegalService", "AccountingService", "FinancialService", "EmergencyService",
	"Attorney", "Notary", "Dentist", "Physician", "Pharmacy", "Optician", "Hospital", "MedicalClinic",
	"Bakery", "BarOrPub", "Brewery", "CafeOrCoffeeShop", "Distillery", "Winery", "Plumber", "Electrician",
	"Locksmith", "MovingCompany", "HousePainter", "HVACBusiness", "AutoRepair", "AutoWash", "AutoRental",
	"AutoBodyShop", "GasStation", "MotorcycleRepair", "AutoDealer", "MotorcycleDealer", "Hotel", "Motel",
	"Hostel", "BedAndBreakfast", "Campground", "Resort", "NightClub", "Casino", "ComedyClub",
	"AdultEntertainment", "ExerciseGym", "HealthClub", "DaySpa", "TattooParlor", "ChildCare",
	"DryCleaningOrLaundry", "RealEstateAgent", "BankOrCreditUnion", "Library", "RecyclingCenter",
	"SelfStorage", "ShoppingCenter", "TouristInformationCenter", "Florist", "FastFoodRestaurant",
	"IceCreamShop", "Caterer", "GolfCourse", "SportsClub", "BowlingAlley", "StadiumOrArena")

// orgSuffixes catch the rest of the LocalBusiness tree: "HairSalon",
// "ClothingStore", "GeneralContractor", "TravelAgency", "PawnShop" …
var orgSuffixes = []string{"Business", "Store", "Organization", "Shop", "Restaurant", "Salon", "Contractor", "Agency"}

func isOrgType(t string) bool {
	if orgTypes[t] {
		return true
	}
	for _, s := range orgSuffixes {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

func (n node) isOrganization() bool {
	for _, t := range n.types() {
		if isOrgType(t) {
			return true
		}
	}
	return false
}

// organizations reads the JSON-LD organisations of a page.
func (d *document) organizations(source string) []Organization {
	var out []Organization
	for _, block := range d.jsonLD {
		for _, n := range jsonLDNodes(block) {
			if n.isOrganization() && len(out) < MaxValues {
				out = append(out, organization(n, d.base, source))
			}
		}
	}
	return out
}

// organization reads one JSON-LD organisation, keeping only values that
// validate.
func organization(n node, base *url.URL, source string) Organization {
	o := Organization{
		Types: n.types(), Name: n.str("name"), LegalName: n.str("legalName"),
		URL: absoluteURL(base, n.str("url")), Description: n.str("description"), Source: source,
	}
	contacts := append([]node{n}, n.nodes("contactPoint")...)
	for _, c := range contacts {
		for _, v := range c.strs("telephone") {
			if p, ok := Phone(v); ok {
				o.Phones = appendNew(o.Phones, p)
			}
		}
		for _, v := range c.strs("email") {
			if e, ok := Email(v); ok {
				o.Emails = appendNew(o.Emails, e)
			}
		}
	}
	for _, key := range []string{"vatID", "taxID"} {
		for _, v := range n.strs(key) {
			if id, ok := VATID(v); ok {
				o.VATIDs = appendNew(o.VATIDs, id)
			}
		}
	}
	o.KvKNumbers, o.LEICodes = registrations(n)
	places := append([]node{n}, n.nodes("location")...)
	for _, pl := range places {
		for _, a := range pl.nodes("address") {
			if addr, ok := postalAddress(a); ok {
				o.Addresses = append(o.Addresses, addr)
			}
		}
	}
	for _, s := range plainStrings(n["address"]) { // an address written as one string
		o.Addresses = append(o.Addresses, DutchAddresses(s)...)
	}
	if len(o.Addresses) > MaxValues {
		o.Addresses = o.Addresses[:MaxValues]
	}
	for i := range o.Addresses {
		o.Addresses[i].Source = source
	}
	for _, v := range n.strs("sameAs") {
		if u := absoluteURL(base, v); u != "" {
			o.SameAs = appendNew(o.SameAs, u)
		}
	}
	return o
}

// registrations reads KvK numbers and LEI codes. Sites put the KvK number
// in "identifier" (a string or a PropertyValue named "KvK"), in
// "iso6523Code" as ICD 0106 ("0106:68750110"), and sometimes, wrongly, in
// "leiCode"; a real LEI there is kept as one.
func registrations(n node) (kvk, lei []string) {
	for _, v := range n.strs("identifier") {
		if len(v) == 8 && digitsOnly(v) == v {
			kvk = appendNew(kvk, v)
		}
		for _, k := range KvKNumbers(v) {
			kvk = appendNew(kvk, k)
		}
	}
	for _, pv := range n.nodes("identifier") {
		label := strings.ToLower(pv.str("propertyID") + " " + pv.str("name"))
		v := strings.ReplaceAll(pv.str("value"), " ", "")
		if containsAny(label, []string{"kvk", "coc", "kamer", "chamber", "handelsregister"}) && len(v) == 8 && digitsOnly(v) == v {
			kvk = appendNew(kvk, v)
		}
	}
	for _, v := range n.strs("iso6523Code") {
		if code, ok := strings.CutPrefix(v, "0106:"); ok && len(code) == 8 && digitsOnly(code) == code {
			kvk = appendNew(kvk, code)
		}
	}
	for _, v := range n.strs("leiCode") {
		v = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
		switch {
		case len(v) == 8 && digitsOnly(v) == v:
			kvk = appendNew(kvk, v)
		case ValidLEI(v):
			lei = appendNew(lei, v)
		}
	}
	return kvk, lei
}

// ValidLEI checks an ISO 17442 Legal Entity Identifier: 20 letters and
// digits whose ISO 7064 MOD 97-10 remainder is 1.
func ValidLEI(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && (s[i] < 'A' || s[i] > 'Z') {
			return false
		}
	}
	return mod97(s) == 1
}

// plainStrings are the string values of a property, not those inside
// objects.
func plainStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{clean(x)}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && len(out) < MaxValues {
				out = append(out, clean(s))
			}
		}
		return out
	}
	return nil
}

// absoluteURL resolves v against the page and keeps it when it is http(s).
func absoluteURL(base *url.URL, v string) string {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxValueBytes {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	// A host that is not valid UTF-8 once unescaped ("%85") is no name.
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || !utf8.ValidString(u.Hostname()) {
		return ""
	}
	return u.String()
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	if len(list) >= MaxValues {
		return list
	}
	return append(list, v)
}
