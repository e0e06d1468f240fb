package pipeline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Normalisers of the kvk answers about vestigingen: a Vestigingsprofiel,
// a Basisprofiel's /hoofdvestiging and its /vestigingen list.

func normalizeKvKVestigingsprofiel(ev sources.Evidence) ([]entity.Entity, error) {
	var v kvkVestiging
	if err := decodeObject(ev.Body, &v); err != nil {
		return nil, fmt.Errorf("reading kvk vestigingsprofiel: %w", err)
	}
	b := newBuilder(ev)
	c := b.company(v.KvkNummer)
	if c == nil {
		return nil, nil
	}
	main := jaNee(v.IndHoofdvestiging.String()) == "true"
	// A statutory name is the company's; a first trade name is only when
	// this is its hoofdvestiging, else it is one branch's name.
	name := v.StatutaireNaam.String()
	if name == "" && main {
		name = v.EersteHandelsnaam.String()
	}
	setCaption(c, name)
	c.Add("name", name)
	c.Add("rsin", fixedDigits(v.Rsin.String(), 9))
	addAliases(c, v.EersteHandelsnaam.String())
	addAliases(c, tradeNames(v.Handelsnamen)...)
	b.kvkBranch(c, v, main)
	return clipped(b.entities()), nil
}

// normalizeKvKHoofdvestiging reads /basisprofielen/{n}/hoofdvestiging,
// asked only when the Basisprofiel did not embed it.
func normalizeKvKHoofdvestiging(ev sources.Evidence) ([]entity.Entity, error) {
	var v kvkVestiging
	if err := decodeObject(ev.Body, &v); err != nil {
		return nil, fmt.Errorf("reading kvk hoofdvestiging: %w", err)
	}
	n := v.KvkNummer
	if n == "" {
		n = text(lastSegment(mergeLinks(v.Links, v.HalLinks)["basisprofiel"]))
	}
	b := newBuilder(ev)
	c := b.company(n)
	if c == nil {
		return nil, nil
	}
	c.Add("rsin", fixedDigits(v.Rsin.String(), 9))
	addAliases(c, v.EersteHandelsnaam.String())
	b.kvkBranch(c, v, true)
	return clipped(b.entities()), nil
}

// normalizeKvKVestigingen reads the list of a company's vestigingen.
func normalizeKvKVestigingen(ev sources.Evidence) ([]entity.Entity, error) {
	var l kvkVestigingen
	if err := decodeObject(ev.Body, &l); err != nil {
		return nil, fmt.Errorf("reading kvk vestigingen: %w", err)
	}
	b := newBuilder(ev)
	c := b.company(l.KvkNummer)
	if c == nil {
		return nil, nil
	}
	c.Add("branchCount", string(l.TotaalAantalVestigingen))
	for _, v := range capList(l.Vestigingen) {
		if v.KvkNummer != "" && fixedDigits(v.KvkNummer.String(), 8) != c.First("kvkNumber") {
			continue // another company's vestiging has no place in this list
		}
		addAliases(c, v.EersteHandelsnaam.String())
		b.kvkBranch(c, v, jaNee(v.IndHoofdvestiging.String()) == "true")
	}
	return clipped(b.entities()), nil
}

// kvkBranch makes the vestiging's own entity and returns it (nil without
// a vestigingsnummer). The hoofdvestiging's addresses and websites are the
// company's too; a nevenvestiging's stay on the branch.
func (b *builder) kvkBranch(owner *entity.Entity, v kvkVestiging, main bool) *entity.Entity {
	ves := v.Vestigingsnummer.String()
	if ves == "" {
		ves = lastSegment(mergeLinks(v.Links, v.HalLinks)["vestigingsprofiel"])
	}
	br := b.branch(ves, owner)
	if main {
		addWebsites(owner, v.Websites)
		for _, a := range capList(v.Adressen) {
			b.kvkAddress(owner, a, false)
		}
	}
	if br == nil {
		return nil
	}
	names := tradeNames(v.Handelsnamen)
	first := v.EersteHandelsnaam.String()
	if first == "" && len(names) > 0 {
		first = names[0]
	}
	setCaption(br, first)
	br.Add("name", first)
	br.Add("tradeName", names...)
	addAliases(br, names...)
	if ind := jaNee(v.IndHoofdvestiging.String()); ind != "" {
		br.Add("isMainBranch", ind)
	} else if main {
		br.Add("isMainBranch", "true")
	}
	br.Add("isCommercial", jaNee(v.IndCommercieleVestiging.String()))
	start := isoDate(v.MaterieleRegistratie.DatumAanvang.String())
	end := isoDate(v.MaterieleRegistratie.DatumEinde.String())
	br.Add("startDate", start)
	br.Add("dissolutionDate", end)
	switch {
	case end != "":
		br.Add("status", "inactive")
	case start != "":
		br.Add("status", "active")
	}
	br.Add("employees", string(v.TotaalWerkzamePersonen))
	addSBI(br, v.SbiActiviteiten)
	addWebsites(br, v.Websites)
	for _, a := range capList(v.Adressen) {
		b.kvkAddress(br, a, false)
	}
	if strings.EqualFold(v.IndAdresAfgeschermd.String(), "Ja") {
		br.Add("addressShielded", "true")
	}
	if a, ok := parseVolledigAdres(v); ok {
		b.kvkAddress(br, a, false)
		if main {
			b.kvkAddress(owner, a, false)
		}
	}
	return br
}

var postcodeRe = regexp.MustCompile(`\b([1-9][0-9]{3}) ?([A-Za-z]{2})\b`)

// parseVolledigAdres reads the one-line address of a /vestigingen entry,
// "Hizzaarderlaan 3 A      8823SJ Lollum", into its parts. A shielded
// address, a Postbus or anything without a Dutch postcode after a house
// number is not read (false): a guess is worse than no address.
func parseVolledigAdres(v kvkVestiging) (kvkAdres, bool) {
	full := strings.Join(strings.Fields(v.VolledigAdres.String()), " ")
	if full == "" || len(full) > 300 || strings.EqualFold(v.IndAdresAfgeschermd.String(), "Ja") {
		return kvkAdres{}, false
	}
	locs := postcodeRe.FindAllStringSubmatchIndex(full, -1)
	if len(locs) == 0 {
		return kvkAdres{}, false
	}
	loc := locs[len(locs)-1]
	postcode := full[loc[2]:loc[3]] + strings.ToUpper(full[loc[4]:loc[5]])
	city := strings.TrimSpace(full[loc[1]:])
	tokens := strings.Fields(full[:loc[0]])
	if city == "" || len(tokens) < 2 || strings.EqualFold(tokens[0], "Postbus") {
		return kvkAdres{}, false
	}
	// The house designation is at most three tokens ("12", "A", "2")
	// starting with a digit; the first that parses wins, so "12 A 2" is
	// number, letter and addition. A street ending in digits followed by
	// an addition ("Plein 1813 2") cannot be told apart; BAG, asked with
	// the key, has the last word.
	cut := -1
	var parts subject.AddressParts
	for j := max(1, len(tokens)-3); j < len(tokens); j++ {
		if c := tokens[j][0]; c < '0' || c > '9' {
			continue
		}
		p, err := subject.ParseAddress(postcode + " " + strings.Join(tokens[j:], " "))
		if err == nil {
			cut, parts = j, p
			break
		}
	}
	if cut < 0 {
		return kvkAdres{}, false
	}
	return kvkAdres{
		Straatnaam: text(strings.Join(tokens[:cut], " ")), Huisnummer: num(strconv.Itoa(parts.HouseNumber)),
		Huisletter: text(parts.Letter), HuisnummerToevoeging: text(parts.Addition),
		Postcode: text(parts.Postcode), Plaats: text(city), VolledigAdres: text(full),
	}, true
}
