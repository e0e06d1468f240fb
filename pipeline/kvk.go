package pipeline

import (
	"fmt"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// Normalisers for the kvk source.
//
// The legal entity is a Company keyed on its KvK number (CompanyID). Each
// vestiging (branch) is a Company of its own keyed on its vestigingsnummer
// (BranchID), with isBranch "true" and parent → the legal entity's id, as
// FollowTheMoney has no Branch schema. Addresses are Address entities keyed
// on AddressKey, so they merge with BAG's; shielded addresses
// (indAfgeschermd "Ja", usually someone's home) leave no trace beyond the
// city.

// CompanyID is the entity id of the Company with a KvK number.
func CompanyID(kvkNumber string) string {
	return entity.MakeID(entity.SchemaCompany, "kvkNumber", kvkNumber)
}

// BranchID is the entity id of the vestiging with a vestigingsnummer.
func BranchID(vestigingsnummer string) string {
	return entity.MakeID(entity.SchemaCompany, "vestigingsnummer", vestigingsnummer)
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

// branch returns the vestiging with number ves, linked to owner when
// known, or nil when ves is not a vestigingsnummer.
func (b *builder) branch(ves string, owner *entity.Entity) *entity.Entity {
	n := fixedDigits(ves, 12)
	if n == "" {
		return nil
	}
	br := b.get(entity.SchemaCompany, BranchID(n))
	br.Add("vestigingsnummer", n)
	br.Add("isBranch", "true")
	br.Add("country", "nl")
	if owner != nil {
		br.Add("parent", owner.ID)
	}
	return br
}

func normalizeKvKZoeken(ev sources.Evidence) ([]entity.Entity, error) {
	var z kvkZoeken
	if err := decodeObject(ev.Body, &z); err != nil {
		return nil, fmt.Errorf("reading kvk zoeken: %w", err)
	}
	b := newBuilder(ev)
	branchNames := map[*entity.Entity][]string{}
	for _, r := range capList(z.Resultaten) {
		c := b.company(r.KvkNummer)
		if c == nil {
			continue
		}
		c.Add("rsin", fixedDigits(r.Rsin.String(), 9))
		ves := r.Vestigingsnummer.String()
		if ves == "" {
			ves = lastSegment(mergeLinks(r.Links, r.HalLinks)["vestigingsprofiel"])
		}
		neven := r.Type == "nevenvestiging"
		if br := b.branch(ves, c); br != nil {
			setCaption(br, r.Naam.String())
			br.Add("name", r.Naam.String())
			br.Add("previousName", r.VervallenNaam.String())
			br.Add("status", activeStatus(r.Actief.String()))
			switch r.Type {
			case "hoofdvestiging", "nevenvestiging":
				br.Add("isMainBranch", boolText(!neven))
			}
			b.zoekenAddress(br, r)
		}
		if neven {
			branchNames[c] = append(branchNames[c], r.Naam.String())
			continue
		}
		// A rechtspersoon or a hoofdvestiging speaks for the company
		// itself: an eenmanszaak has no other registration.
		c.Add("name", r.Naam.String())
		setCaption(c, r.Naam.String())
		c.Add("previousName", r.VervallenNaam.String())
		c.Add("status", activeStatus(r.Actief.String()))
		b.zoekenAddress(c, r)
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
	return clipped(b.entities()), nil
}

func (b *builder) zoekenAddress(e *entity.Entity, r kvkResultaat) {
	if a := r.Adres.Binnenlands; a != nil {
		b.kvkAddress(e, *a, false)
	}
	if a := r.Adres.Buitenlands; a != nil {
		b.kvkAddress(e, *a, true)
	}
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
	c.Add("statutoryName", p.StatutaireNaam.String())
	addAliases(c, p.StatutaireNaam.String())
	names := tradeNames(p.Handelsnamen)
	c.Add("tradeName", names...)
	addAliases(c, names...)
	c.Add("incorporationDate", isoDate(p.FormeleRegistratiedatum.String()))
	c.Add("startDate", isoDate(p.MaterieleRegistratie.DatumAanvang.String()))
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
		b.kvkBranch(c, *h, true)
	}
	if o := p.Embedded.Eigenaar; o != nil {
		b.kvkEigenaar(c, *o)
	}
	return clipped(b.entities()), nil
}

// normalizeKvKEigenaar reads /basisprofielen/{n}/eigenaar. The answer has
// no kvkNummer field: the number is read from its links, or else from the
// URL it was fetched from.
func normalizeKvKEigenaar(ev sources.Evidence) ([]entity.Entity, error) {
	var o kvkEigenaar
	if err := decodeObject(ev.Body, &o); err != nil {
		return nil, fmt.Errorf("reading kvk eigenaar: %w", err)
	}
	l := mergeLinks(o.Links, o.HalLinks)
	n := lastSegment(l["basisprofiel"])
	if fixedDigits(n, 8) == "" {
		n = profileNumber(l["self"])
	}
	if fixedDigits(n, 8) == "" {
		n = profileNumber(ev.URL)
	}
	b := newBuilder(ev)
	if c := b.company(text(n)); c != nil {
		b.kvkEigenaar(c, o)
	}
	return clipped(b.entities()), nil
}

// profileNumber is the KvK number in a ".../basisprofielen/{n}/..." URL.
func profileNumber(u string) string {
	_, rest, ok := strings.Cut(u, "/basisprofielen/")
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, "/")
	n, _, _ = strings.Cut(n, "?")
	return n
}

// kvkEigenaar adds the owner part of a profile: RSIN, legal form, the
// date the owner was deregistered, its websites and addresses.
func (b *builder) kvkEigenaar(c *entity.Entity, o kvkEigenaar) {
	c.Add("rsin", fixedDigits(o.Rsin.String(), 9))
	c.Add("legalForm", o.Rechtsvorm.String(), o.UitgebreideRechtsvorm.String())
	if end := isoDate(o.DatumUitschrijving.String()); end != "" {
		c.Add("dissolutionDate", end)
		c.Add("status", "inactive")
	}
	addWebsites(c, o.Websites)
	for _, a := range capList(o.Adressen) {
		b.kvkAddress(c, a, false)
	}
}

// kvkAddress links an address to an entity: its text on the entity, and
// an Address entity when the address can be keyed.
func (b *builder) kvkAddress(c *entity.Entity, a kvkAdres, foreign bool) {
	c.Add("city", a.Plaats.String())
	if strings.EqualFold(a.IndAfgeschermd.String(), "Ja") {
		// Shielded: the city and the fact of shielding are all that may be
		// kept (the latter is an indicator an analyst looks at).
		c.Add("addressShielded", "true")
		return
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
