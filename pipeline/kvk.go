package pipeline

import (
	"fmt"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// Normalisers for the kvk source. One Company per KvK number, keyed on it;
// one Address per visible Dutch address, keyed on AddressKey so it merges
// with BAG's; shielded addresses (indAfgeschermd "Ja", usually someone's
// home) leave no trace beyond the city.

// CompanyID is the entity id of the Company with a KvK number.
func CompanyID(kvkNumber string) string {
	return entity.MakeID(entity.SchemaCompany, "kvkNumber", kvkNumber)
}

// company returns the Company for a KvK number, or nil when the number is
// not one (nothing to key it on).
func (b *builder) company(kvkNumber text) *entity.Entity {
	n := fixedDigits(kvkNumber.String(), 8)
	if n == "" {
		return nil
	}
	c := b.get(entity.SchemaCompany, CompanyID(n))
	c.Add("kvkNumber", n)
	c.Add("country", "nl")
	return c
}

func normalizeKvKZoeken(ev sources.Evidence) ([]entity.Entity, error) {
	var z kvkZoeken
	if err := decodeObject(ev.Body, &z); err != nil {
		return nil, fmt.Errorf("reading kvk zoeken: %w", err)
	}
	b := newBuilder(ev)
	branchNames := map[*entity.Entity][]string{}
	for _, r := range z.Resultaten {
		c := b.company(r.KvkNummer)
		if c == nil {
			continue
		}
		ves := r.Vestigingsnummer.String()
		if ves == "" {
			ves = lastSegment(mergeLinks(r.Links, r.HalLinks)["vestigingsprofiel"])
		}
		c.Add("vestigingsnummer", fixedDigits(ves, 12))
		c.Add("rsin", fixedDigits(r.Rsin.String(), 9))
		if r.Type == "nevenvestiging" {
			branchNames[c] = append(branchNames[c], r.Naam.String())
		} else {
			c.Add("name", r.Naam.String())
			if c.Caption == "" {
				c.Caption = r.Naam.String()
			}
		}
		c.Add("previousName", r.VervallenNaam.String())
		c.Add("status", activeStatus(r.Actief.String()))
		if a := r.Adres.Binnenlands; a != nil {
			b.kvkAddress(c, *a, false)
		}
		if a := r.Adres.Buitenlands; a != nil {
			b.kvkAddress(c, *a, true)
		}
	}
	// A branch's name is an alias of the company, unless the answer held
	// no other name for it.
	for c, names := range branchNames {
		if len(c.Properties["name"]) == 0 {
			c.Add("name", names...)
		} else {
			addAliases(c, names...)
		}
	}
	return b.entities(), nil
}

func normalizeKvKBasisprofiel(ev sources.Evidence) ([]entity.Entity, error) {
	var p kvkBasisprofiel
	if err := decodeObject(ev.Body, &p); err != nil {
		return nil, fmt.Errorf("reading kvk basisprofiel: %w", err)
	}
	b := newBuilder(ev)
	c := b.company(p.KvkNummer)
	if c == nil {
		return nil, nil
	}
	c.Caption = p.Naam.String()
	c.Add("name", p.Naam.String())
	addAliases(c, p.StatutaireNaam.String())
	addAliases(c, tradeNames(p.Handelsnamen)...)
	c.Add("incorporationDate", isoDate(p.FormeleRegistratiedatum.String()))
	end := isoDate(p.MaterieleRegistratie.DatumEinde.String())
	c.Add("dissolutionDate", end)
	if end != "" {
		c.Add("status", "inactive")
	} else {
		c.Add("status", "active")
	}
	c.Add("employees", string(p.TotaalWerkzamePersonen))
	addSBI(c, p.SbiActiviteiten)
	if h := p.Embedded.Hoofdvestiging; h != nil {
		b.kvkVestiging(c, *h, true)
	}
	if o := p.Embedded.Eigenaar; o != nil {
		c.Add("rsin", fixedDigits(o.Rsin.String(), 9))
		c.Add("legalForm", o.Rechtsvorm.String(), o.UitgebreideRechtsvorm.String())
		addWebsites(c, o.Websites)
		for _, a := range o.Adressen {
			b.kvkAddress(c, a, false)
		}
	}
	return b.entities(), nil
}

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
	name := v.StatutaireNaam.String()
	if name == "" {
		name = v.EersteHandelsnaam.String()
	}
	c.Caption = name
	c.Add("name", name)
	addAliases(c, v.EersteHandelsnaam.String())
	b.kvkVestiging(c, v, false)
	return b.entities(), nil
}

// kvkVestiging adds what a vestiging tells about its company. The
// vestiging's own registration dates are not the company's and are left out.
func (b *builder) kvkVestiging(c *entity.Entity, v kvkVestiging, embedded bool) {
	ves := v.Vestigingsnummer.String()
	if ves == "" {
		ves = lastSegment(mergeLinks(v.Links, v.HalLinks)["vestigingsprofiel"])
	}
	c.Add("vestigingsnummer", fixedDigits(ves, 12))
	c.Add("rsin", fixedDigits(v.Rsin.String(), 9))
	addAliases(c, tradeNames(v.Handelsnamen)...)
	if embedded {
		addAliases(c, v.EersteHandelsnaam.String())
	} else {
		addSBI(c, v.SbiActiviteiten)
		c.Add("employees", string(v.TotaalWerkzamePersonen))
	}
	addWebsites(c, v.Websites)
	for _, a := range v.Adressen {
		b.kvkAddress(c, a, false)
	}
}

// kvkAddress links an address to the company: its text on the company,
// and an Address entity when the address can be keyed.
func (b *builder) kvkAddress(c *entity.Entity, a kvkAdres, foreign bool) {
	c.Add("city", a.Plaats.String())
	if strings.EqualFold(a.IndAfgeschermd.String(), "Ja") {
		return // shielded: the city is all that may be kept
	}
	land := a.Land.String()
	if foreign || (land != "" && !strings.EqualFold(land, "Nederland")) {
		b.kvkForeignAddress(c, a)
		return
	}
	if pb := a.Postbusnummer.Int(); pb > 0 {
		c.Add("address", joinNonEmpty(", ", fmt.Sprintf("Postbus %d", pb), a.Postcode.String()+" "+a.Plaats.String()))
		return
	}
	d := dutchAddress{
		street: a.Straatnaam.String(), number: a.Huisnummer.Int(), letter: a.Huisletter.String(),
		addition: a.HuisnummerToevoeging.String(), postcode: a.Postcode.String(), city: a.Plaats.String(),
	}
	// KvK often files the letter as a toevoeging ("3 A"): a single letter
	// without a huisletter is read as the letter, as BAG records it.
	if d.letter == "" && len(d.addition) == 1 && isASCIILetter(d.addition[0]) {
		d.letter, d.addition = d.addition, ""
	}
	key := d.key()
	if key == "" {
		c.Add("address", joinNonEmpty(" ", a.VolledigAdres.String()))
		return
	}
	addr := b.get(entity.SchemaAddress, AddressID(key))
	d.addTo(addr)
	if g := a.GeoData; g != nil {
		addr.Add("bagId", g.NummerAanduidingID.String())
		addr.Add("adresseerbaarObjectId", g.AdresseerbaarObjectID.String())
		if g.GpsLatitude != "" && g.GpsLongitude != "" {
			addr.Add("latitude", string(g.GpsLatitude))
			addr.Add("longitude", string(g.GpsLongitude))
		}
	}
	c.Add("address", d.full())
	c.Add("addressEntity", addr.ID)
}

func (b *builder) kvkForeignAddress(c *entity.Entity, a kvkAdres) {
	line1 := a.StraatHuisnummer.String()
	if line1 == "" {
		line1 = joinNonEmpty(" ", a.Straatnaam.String(), string(a.Huisnummer), a.Huisletter.String(), a.HuisnummerToevoeging.String())
	}
	line2 := a.PostcodeWoonplaats.String()
	if line2 == "" {
		line2 = joinNonEmpty(" ", a.Postcode.String(), a.Plaats.String())
	}
	full := joinNonEmpty(", ", line1, line2, a.Land.String())
	if line1 == "" && line2 == "" {
		return
	}
	addr := b.get(entity.SchemaAddress, entity.MakeID(entity.SchemaAddress, "full", full))
	addr.Add("full", full)
	addr.Add("street", line1)
	addr.Add("city", a.Plaats.String())
	addr.Add("country", countryCode(a.Land.String()))
	c.Add("address", full)
	c.Add("addressEntity", addr.ID)
}
