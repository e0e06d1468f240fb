package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// The generated entities look like what the normalisers store: companies
// with KvK and RSIN numbers, branches, Dutch addresses, persons, vehicles
// and domains, each with one provenance record and links to one to three
// signals under the bench purpose (a few also under another purpose).
// Entity i is the same in every run, so both indexes get the same
// documents without holding a million of them in memory.

const (
	benchPurpose = "bench-onderzoek"
	otherPurpose = "bench-ander-doel"
	// signals and teams: signal n belongs to team n%teams, so each team
	// owns signals/teams signals; every search carries the team filter
	// (need-to-know).
	signals = 2000
	teams   = 10
)

var (
	firstNames = []string{"Jan", "Piet", "Kees", "Anna", "Fatima", "Mohamed", "Sanne", "Eva", "Daan", "Lotte", "Ahmet", "Sophie",
		"Thijs", "Noor", "Bram", "Emma", "Yusuf", "Iris", "Ruben", "Julia", "Mehmet", "Fleur", "Sem", "Zoë"}
	lastNames = []string{"de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
		"Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Yılmaz", "El Amrani", "Kaya", "Öztürk", "van der Berg", "Willems",
		"Dekker", "van Leeuwen", "Brouwer", "Janssens", "Schouten", "Verbeek", "Kok", "Prins", "Huisman"}
	trades = []string{"Bakkerij", "Kapsalon", "Nagelstudio", "Autobedrijf", "Shisha Lounge", "Belwinkel", "Café", "Snackbar",
		"Transport", "Bouwbedrijf", "Schoonmaakbedrijf", "Vastgoed", "Holding", "Import Export", "Barbershop", "Minimarkt",
		"Loodgietersbedrijf", "Taxicentrale", "Koeriersdienst", "Cateringbedrijf", "Fruitteelt", "Tuincentrum"}
	words = []string{"De Zon", "Het Anker", "Noord", "De Gouden Leeuw", "Amstel", "Maas", "Centrum", "De Hoek", "Oost",
		"Royal", "Express", "Premium", "Star", "De Molen", "Orion", "Atlas", "Phoenix", "Delta", "Benelux", "Euro"}
	forms   = []string{"B.V.", "B.V.", "B.V.", "V.O.F.", "", "Holding B.V.", "N.V."}
	cities  = []string{"Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Tilburg", "Groningen", "Almere", "Breda", "Nijmegen", "Lollum", "Zwolle", "Leeuwarden", "Maastricht", "Arnhem", "Enschede"}
	streets = []string{"Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Industrieweg",
		"Marktplein", "Hizzaarderlaan", "Julianalaan", "Wilhelminastraat", "Nieuwe Binnenweg", "Damrak", "Beukenlaan"}
	makes       = []string{"VOLKSWAGEN", "TOYOTA", "BMW", "MERCEDES-BENZ", "AUDI", "PEUGEOT", "RENAULT", "KIA", "TESLA"}
	models      = []string{"GOLF", "YARIS", "X5", "C-KLASSE", "A6", "208", "CLIO", "PICANTO", "MODEL 3"}
	plateLetter = "BDFGHJKLNPRSTVXZ"
)

// kind of entity i: 40% companies (a quarter of them branches), 25%
// addresses, 15% persons, 12% vehicles, 8% domains.
func kindOf(i int) string {
	switch r := i % 100; {
	case r < 30:
		return "company"
	case r < 40:
		return "branch"
	case r < 65:
		return entity.SchemaAddress
	case r < 80:
		return entity.SchemaPerson
	case r < 92:
		return entity.SchemaVehicle
	default:
		return entity.SchemaDomain
	}
}

var fetched = time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)

// generate returns entity i.
func generate(i int) entity.Entity {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	var e entity.Entity
	source := "kvk"
	switch kindOf(i) {
	case "company", "branch":
		name := strings.TrimSpace(pick(trades) + " " + pick(words) + " " + pick(forms))
		kvk := fmt.Sprintf("%08d", 10000000+i)
		if kindOf(i) == "branch" {
			e = newEntity(entity.SchemaCompany, "vestigingsnummer", fmt.Sprintf("%012d", 100000000000+i), name)
			e.Add("vestigingsnummer", fmt.Sprintf("%012d", 100000000000+i))
			e.Add("isBranch", "true")
			e.Add("parent", entity.MakeID(entity.SchemaCompany, "kvkNumber", kvk))
		} else {
			e = newEntity(entity.SchemaCompany, "kvkNumber", kvk, name)
			e.Add("kvkNumber", kvk)
			e.Add("rsin", fmt.Sprintf("%09d", 800000000+i))
			e.Add("legalForm", "Besloten vennootschap met gewone structuur")
			e.Add("incorporationDate", fmt.Sprintf("%d-%02d-%02d", 1990+r.IntN(35), 1+r.IntN(12), 1+r.IntN(28)))
			e.Add("sbiCode", fmt.Sprintf("%05d", r.IntN(99999)))
			e.Add("website", "www."+domainOf(i))
		}
		e.Add("name", name)
		e.Add("city", pick(cities))
		e.Add("address", addressText(r, i))
		e.Add("addressEntity", entity.MakeID(entity.SchemaAddress, "postcodeHouseNumber", postcode(i)))
	case entity.SchemaAddress:
		full := addressText(r, i)
		e = newEntity(entity.SchemaAddress, "postcodeHouseNumber", postcode(i), full)
		pc, house, _ := strings.Cut(postcode(i), " ")
		e.Add("full", full)
		e.Add("postalCode", pc)
		e.Add("houseNumber", house)
		e.Add("city", pick(cities))
		e.Add("country", "nl")
		e.Add("bagId", fmt.Sprintf("%016d", 363200000000000+i))
		source = "bag"
	case entity.SchemaPerson:
		name := pick(firstNames) + " " + pick(lastNames)
		e = newEntity(entity.SchemaPerson, "bench", fmt.Sprint(i), name)
		e.Add("name", name)
		e.Add("birthDate", fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28)))
		e.Add("nationality", "nl")
		source = "opensanctions"
	case entity.SchemaVehicle:
		plate := plateOf(i)
		brand, model := pick(makes), pick(models)
		e = newEntity(entity.SchemaVehicle, "registrationNumber", plate, fmt.Sprintf("%s %s (%s)", brand, model, plate))
		e.Add("registrationNumber", plate)
		e.Add("make", brand)
		e.Add("model", model)
		e.Add("color", "ZWART")
		e.Add("registrationDate", fmt.Sprintf("%d-%02d-%02d", 2000+r.IntN(25), 1+r.IntN(12), 1+r.IntN(28)))
		source = "rdw"
	default:
		d := domainOf(i)
		e = newEntity(entity.SchemaDomain, "domain", d, d)
		e.Add("name", d)
		e.Add("registrar", "Registrar "+pick(words)+" B.V.")
		e.Add("nameserver", "ns1."+d, "ns2."+d)
		e.Add("status", "active")
		source = "rdap"
	}
	e.Provenance = []entity.Provenance{{Source: source, URL: "https://" + source + ".invalid/" + e.ID, FetchedAt: fetched,
		SHA256: fmt.Sprintf("%064x", i), Properties: e.PropertyNames()}}
	e.FirstSeen, e.LastSeen = fetched, fetched
	for n := 0; n <= r.IntN(3); n++ {
		sig := r.IntN(signals)
		e.Signals = append(e.Signals, entity.Link{SignalID: signalID(sig), PurposeID: benchPurpose, Team: teamName(sig % teams),
			JobID: fmt.Sprintf("job-%d", i), PurposeVersion: 1, LinkedAt: fetched, ExpiresAt: fetched.AddDate(1, 0, 0)})
	}
	if i%20 == 0 {
		sig := r.IntN(signals)
		e.Signals = append(e.Signals, entity.Link{SignalID: signalID(sig), PurposeID: otherPurpose, Team: teamName(sig % teams),
			JobID: fmt.Sprintf("job-%d-b", i), PurposeVersion: 1, LinkedAt: fetched, ExpiresAt: fetched.AddDate(0, 6, 0)})
	}
	return e
}

func newEntity(schema, idType, idValue, caption string) entity.Entity {
	return entity.Entity{ID: entity.MakeID(schema, idType, idValue), Schema: schema, Caption: caption,
		Properties: map[string][]string{}}
}

func signalID(n int) string { return fmt.Sprintf("signal-%04d", n) }

func teamName(team int) string { return fmt.Sprintf("team-%d", team) }

// postcode is entity i's address key, distinct for every i below 9000×676×99.
func postcode(i int) string {
	digits := 1000 + i%9000
	letters := (i / 9000) % 676
	house := 1 + (i/9000/676)%99
	return fmt.Sprintf("%04d%c%c %d", digits, 'A'+letters/26, 'A'+letters%26, house)
}

func addressText(r *rand.Rand, i int) string {
	pc, house, _ := strings.Cut(postcode(i), " ")
	return fmt.Sprintf("%s %s, %s %s", streets[r.IntN(len(streets))], house, pc, cities[r.IntN(len(cities))])
}

// plateOf is a sidecode-3 plate (99-XX-99), distinct for i below 2,560,000.
func plateOf(i int) string {
	n := len(plateLetter)
	tail, rest := i%100, i/100
	l2, rest := rest%n, rest/n
	l1, head := rest%n, rest/n
	return fmt.Sprintf("%02d%c%c%02d", head%100, plateLetter[l1], plateLetter[l2], tail)
}

func domainOf(i int) string { return fmt.Sprintf("bedrijf-%d.nl", i) }
