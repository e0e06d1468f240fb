package pipeline

// The shapes of KvK's answers, as far as the normalisers read them. Field
// names are KvK's (see shared/specs/kvk).

type kvkZoeken struct {
	Resultaten []kvkResultaat `json:"resultaten"`
}

type kvkResultaat struct {
	KvkNummer        text `json:"kvkNummer"`
	Rsin             text `json:"rsin"`
	Vestigingsnummer text `json:"vestigingsnummer"`
	Naam             text `json:"naam"`
	Adres            struct {
		Binnenlands *kvkAdres `json:"binnenlandsAdres"`
		Buitenlands *kvkAdres `json:"buitenlandsAdres"`
	} `json:"adres"`
	Type          text  `json:"type"`
	Actief        text  `json:"actief"`
	VervallenNaam text  `json:"vervallenNaam"`
	Links         links `json:"links"`
	HalLinks      links `json:"_links"`
}

type kvkAdres struct {
	Type                 text    `json:"type"`
	IndAfgeschermd       text    `json:"indAfgeschermd"`
	VolledigAdres        text    `json:"volledigAdres"`
	Straatnaam           text    `json:"straatnaam"`
	Huisnummer           num     `json:"huisnummer"`
	Huisletter           text    `json:"huisletter"`
	HuisnummerToevoeging text    `json:"huisnummerToevoeging"`
	Postcode             text    `json:"postcode"`
	Postbusnummer        num     `json:"postbusnummer"`
	Plaats               text    `json:"plaats"`
	StraatHuisnummer     text    `json:"straatHuisnummer"`
	PostcodeWoonplaats   text    `json:"postcodeWoonplaats"`
	Land                 text    `json:"land"`
	GeoData              *kvkGeo `json:"geoData"`
}

type kvkGeo struct {
	AdresseerbaarObjectID text `json:"addresseerbaarObjectId"` // sic: KvK's spelling
	NummerAanduidingID    text `json:"nummerAanduidingId"`
	GpsLatitude           num  `json:"gpsLatitude"`
	GpsLongitude          num  `json:"gpsLongitude"`
}

type kvkNaam struct {
	Naam     text `json:"naam"`
	Volgorde num  `json:"volgorde"`
}

type kvkSBI struct {
	SbiCode            text `json:"sbiCode"`
	SbiOmschrijving    text `json:"sbiOmschrijving"`
	IndHoofdactiviteit text `json:"indHoofdactiviteit"`
}

type kvkRegistratie struct {
	DatumAanvang text `json:"datumAanvang"`
	DatumEinde   text `json:"datumEinde"`
}

// kvkVestiging is a Vestigingsprofiel, and the hoofdvestiging embedded in
// a Basisprofiel.
type kvkVestiging struct {
	Vestigingsnummer        text `json:"vestigingsnummer"`
	KvkNummer               text `json:"kvkNummer"`
	Rsin                    text `json:"rsin"`
	StatutaireNaam          text `json:"statutaireNaam"`
	EersteHandelsnaam       text `json:"eersteHandelsnaam"`
	IndHoofdvestiging       text `json:"indHoofdvestiging"`
	IndCommercieleVestiging text `json:"indCommercieleVestiging"`
	TotaalWerkzamePersonen  num  `json:"totaalWerkzamePersonen"`
	// IndAdresAfgeschermd and VolledigAdres are the address of a
	// vestiging in a /vestigingen list (VestigingBasis).
	IndAdresAfgeschermd  text           `json:"indAdresAfgeschermd"`
	VolledigAdres        text           `json:"volledigAdres"`
	Handelsnamen         []kvkNaam      `json:"handelsnamen"`
	Adressen             []kvkAdres     `json:"adressen"`
	Websites             []text         `json:"websites"`
	SbiActiviteiten      []kvkSBI       `json:"sbiActiviteiten"`
	MaterieleRegistratie kvkRegistratie `json:"materieleRegistratie"`
	Links                links          `json:"links"`
	HalLinks             links          `json:"_links"`
}

type kvkEigenaar struct {
	Rsin                  text       `json:"rsin"`
	Rechtsvorm            text       `json:"rechtsvorm"`
	UitgebreideRechtsvorm text       `json:"uitgebreideRechtsvorm"`
	DatumUitschrijving    text       `json:"datumUitschrijving"`
	Adressen              []kvkAdres `json:"adressen"`
	Websites              []text     `json:"websites"`
	Links                 links      `json:"links"`
	HalLinks              links      `json:"_links"`
}

// kvkVestigingen is the answer of /basisprofielen/{n}/vestigingen.
type kvkVestigingen struct {
	KvkNummer               text           `json:"kvkNummer"`
	TotaalAantalVestigingen num            `json:"totaalAantalVestigingen"`
	Vestigingen             []kvkVestiging `json:"vestigingen"`
}

type kvkBasisprofiel struct {
	KvkNummer               text           `json:"kvkNummer"`
	Naam                    text           `json:"naam"`
	FormeleRegistratiedatum text           `json:"formeleRegistratiedatum"`
	MaterieleRegistratie    kvkRegistratie `json:"materieleRegistratie"`
	TotaalWerkzamePersonen  num            `json:"totaalWerkzamePersonen"`
	StatutaireNaam          text           `json:"statutaireNaam"`
	Handelsnamen            []kvkNaam      `json:"handelsnamen"`
	SbiActiviteiten         []kvkSBI       `json:"sbiActiviteiten"`
	Embedded                struct {
		Hoofdvestiging *kvkVestiging `json:"hoofdvestiging"`
		Eigenaar       *kvkEigenaar  `json:"eigenaar"`
	} `json:"_embedded"`
}
