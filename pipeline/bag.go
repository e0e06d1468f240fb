package pipeline

import (
	"fmt"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// bagFree is PDOK Locatieserver's Solr answer, as far as it is read.
type bagFree struct {
	Response struct {
		Docs []bagDoc `json:"docs"`
	} `json:"response"`
}

type bagDoc struct {
	Type                  text   `json:"type"`
	Weergavenaam          text   `json:"weergavenaam"`
	Straatnaam            text   `json:"straatnaam"`
	Huisnummer            num    `json:"huisnummer"`
	Huisletter            text   `json:"huisletter"`
	Huisnummertoevoeging  text   `json:"huisnummertoevoeging"`
	Postcode              text   `json:"postcode"`
	Woonplaatsnaam        text   `json:"woonplaatsnaam"`
	Gemeentenaam          text   `json:"gemeentenaam"`
	Gemeentecode          text   `json:"gemeentecode"`
	Provincienaam         text   `json:"provincienaam"`
	NummeraanduidingID    text   `json:"nummeraanduiding_id"`
	AdresseerbaarobjectID text   `json:"adresseerbaarobject_id"`
	CentroideLL           text   `json:"centroide_ll"`
	Buurtnaam             text   `json:"buurtnaam"`
	Buurtcode             text   `json:"buurtcode"`
	Wijknaam              text   `json:"wijknaam"`
	Wijkcode              text   `json:"wijkcode"`
	GekoppeldPerceel      []text `json:"gekoppeld_perceel"`
}

// normalizeBAGFree makes one Address per address doc, keyed like KvK's so
// the two merge. Docs of other types (streets, postcodes, places) and docs
// without postcode or number are skipped: nothing strong to key them on.
// It reads /lookup answers too (bag.lookup): the same Solr shape.
func normalizeBAGFree(ev sources.Evidence) ([]entity.Entity, error) {
	var f bagFree
	if err := decodeObject(ev.Body, &f); err != nil {
		return nil, fmt.Errorf("reading bag free: %w", err)
	}
	b := newBuilder(ev)
	for _, d := range capList(f.Response.Docs) {
		if d.Type != "adres" {
			continue
		}
		a := dutchAddress{
			street: d.Straatnaam.String(), number: d.Huisnummer.Int(), letter: d.Huisletter.String(),
			addition: d.Huisnummertoevoeging.String(), postcode: d.Postcode.String(), city: d.Woonplaatsnaam.String(),
		}
		key := a.key()
		if key == "" {
			continue
		}
		e := b.get(entity.SchemaAddress, AddressID(key))
		a.addTo(e)
		if e.First("full") == "" {
			e.Add("full", d.Weergavenaam.String())
		}
		e.Add("bagId", d.NummeraanduidingID.String())
		e.Add("adresseerbaarObjectId", d.AdresseerbaarobjectID.String())
		e.Add("municipality", d.Gemeentenaam.String())
		e.Add("gemeentecode", d.Gemeentecode.String())
		e.Add("region", d.Provincienaam.String())
		e.Add("neighbourhood", d.Buurtnaam.String())
		e.Add("neighbourhoodCode", d.Buurtcode.String())
		e.Add("district", d.Wijknaam.String())
		e.Add("districtCode", d.Wijkcode.String())
		for _, p := range capList(d.GekoppeldPerceel) {
			e.Add("parcel", p.String())
		}
		if lat, lon, ok := pointLL(d.CentroideLL.String()); ok {
			e.Add("latitude", lat)
			e.Add("longitude", lon)
		}
	}
	return clipped(b.entities()), nil
}
