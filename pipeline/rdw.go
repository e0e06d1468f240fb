package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Caps on RDW answers: one plate has one vehicle row and at most a few
// fuel rows, so anything beyond these is not an answer about one plate.
const (
	rdwMaxRows  = 50
	rdwMaxValue = 200 // bytes per property value
)

// rdwVoertuig is a row of m9d7-ebf2 (Gekentekende voertuigen), as far as
// it is read. All of Socrata's values are strings.
type rdwVoertuig struct {
	Kenteken                  text `json:"kenteken"`
	Voertuigsoort             text `json:"voertuigsoort"`
	Merk                      text `json:"merk"`
	Handelsbenaming           text `json:"handelsbenaming"`
	EersteKleur               text `json:"eerste_kleur"`
	DatumEersteToelating      text `json:"datum_eerste_toelating"`
	DatumEersteToelatingDT    text `json:"datum_eerste_toelating_dt"`
	DatumTenaamstelling       text `json:"datum_tenaamstelling"`
	DatumTenaamstellingDT     text `json:"datum_tenaamstelling_dt"`
	DatumEersteNL             text `json:"datum_eerste_tenaamstelling_in_nederland"`
	DatumEersteNLDT           text `json:"datum_eerste_tenaamstelling_in_nederland_dt"`
	VervaldatumAPK            text `json:"vervaldatum_apk"`
	VervaldatumAPKDT          text `json:"vervaldatum_apk_dt"`
	WAMVerzekerd              text `json:"wam_verzekerd"`
	ExportIndicator           text `json:"export_indicator"`
	TaxiIndicator             text `json:"taxi_indicator"`
	Catalogusprijs            text `json:"catalogusprijs"`
	EuropeseVoertuigcategorie text `json:"europese_voertuigcategorie"`
}

// rdwBrandstof is a row of 8ys7-d773 (Gekentekende voertuigen brandstof).
type rdwBrandstof struct {
	Kenteken              text `json:"kenteken"`
	BrandstofOmschrijving text `json:"brandstof_omschrijving"`
}

// normalizeRDWVoertuig makes one Vehicle per row, keyed on the plate so
// the fuel answer and every later lookup land on the same entity. RDW has
// no owner data; nothing here names a person or company.
func normalizeRDWVoertuig(ev sources.Evidence) ([]entity.Entity, error) {
	rows, err := decodeRDWRows[rdwVoertuig](ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading rdw voertuig: %w", err)
	}
	b := newBuilder(ev)
	for _, r := range rows {
		e, plate := rdwVehicle(b, r.Kenteken)
		if e == nil {
			continue
		}
		if e.Caption == "" {
			e.Caption = vehicleCaption(rdwValue(r.Merk), rdwValue(r.Handelsbenaming), plate)
		}
		e.Add("type", rdwValue(r.Voertuigsoort))
		e.Add("make", rdwValue(r.Merk))
		e.Add("model", rdwValue(r.Handelsbenaming))
		e.Add("color", rdwValue(r.EersteKleur))
		first := rdwDate(r.DatumEersteToelating, r.DatumEersteToelatingDT)
		// FtM has no "first admitted" date: the first admission anywhere
		// is the nearest to a build date, and RDW's registration date.
		e.Add("buildDate", first)
		e.Add("registrationDate", first)
		e.Add("firstRegistrationNlDate", rdwDate(r.DatumEersteNL, r.DatumEersteNLDT))
		e.Add("lastRegistrationDate", rdwDate(r.DatumTenaamstelling, r.DatumTenaamstellingDT))
		e.Add("apkExpiryDate", rdwDate(r.VervaldatumAPK, r.VervaldatumAPKDT))
		e.Add("insured", yesNo(r.WAMVerzekerd))
		e.Add("exported", yesNo(r.ExportIndicator))
		e.Add("taxi", yesNo(r.TaxiIndicator))
		e.Add("cataloguePrice", euros(r.Catalogusprijs))
		e.Add("vehicleCategory", rdwValue(r.EuropeseVoertuigcategorie))
	}
	return b.entities(), nil
}

// normalizeRDWBrandstof adds the fuels to the plate's Vehicle; a hybrid
// has one row, and so one fuelType value, per fuel.
func normalizeRDWBrandstof(ev sources.Evidence) ([]entity.Entity, error) {
	rows, err := decodeRDWRows[rdwBrandstof](ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading rdw brandstof: %w", err)
	}
	b := newBuilder(ev)
	for _, r := range rows {
		e, plate := rdwVehicle(b, r.Kenteken)
		if e == nil {
			continue
		}
		if e.Caption == "" {
			// The vehicle answer's caption wins on merge (it is stored
			// first); this one only shows if the fuel answer stands alone.
			e.Caption = subject.FormatPlate(plate)
		}
		e.Add("fuelType", rdwValue(r.BrandstofOmschrijving))
	}
	return b.entities(), nil
}

// rdwVehicle returns the Vehicle for a row's kenteken, or nil when the
// kenteken is not a Dutch plate: without it there is nothing to key on.
func rdwVehicle(b *builder, kenteken text) (*entity.Entity, string) {
	s, err := subject.Parse(subject.Plate, kenteken.String())
	if err != nil {
		return nil, ""
	}
	e := b.get(entity.SchemaVehicle, VehicleID(s.Value))
	e.Add("registrationNumber", s.Value)
	e.Add("country", "nl")
	return e, s.Value
}

// VehicleID is the id of the Vehicle with a canonical Dutch plate.
func VehicleID(plate string) string {
	return entity.MakeID(entity.SchemaVehicle, "registrationNumber", plate)
}

// vehicleCaption is "VOLKSWAGEN GOLF (6-TJR-64)". RDW often repeats the
// make in the trade name ("NISSAN NOTE"), which is then not doubled.
func vehicleCaption(brand, model, plate string) string {
	name := model
	if brand != "" && !strings.HasPrefix(strings.ToUpper(model), strings.ToUpper(brand)) {
		name = strings.TrimSpace(brand + " " + model)
	}
	if name == "" {
		return subject.FormatPlate(plate)
	}
	return name + " (" + subject.FormatPlate(plate) + ")"
}

// decodeRDWRows reads Socrata's array of row objects. Elements that are not
// objects are skipped and fields of a wrong type left empty (see text);
// broken JSON or a body that is not an array is an error.
func decodeRDWRows[T any](body []byte) ([]T, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, errors.New("answer is not a JSON array")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, err
	}
	if len(raws) > rdwMaxRows {
		raws = raws[:rdwMaxRows]
	}
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		if r := bytes.TrimSpace(raw); len(r) == 0 || r[0] != '{' {
			continue
		}
		var row T
		var te *json.UnmarshalTypeError
		if err := json.Unmarshal(raw, &row); err != nil && !errors.As(err, &te) {
			continue
		}
		out = append(out, row)
	}
	return out, nil
}

// rdwValue is a value fit to keep: RDW's placeholders for "no value"
// dropped, and capped in size since the answer is hostile input.
func rdwValue(t text) string {
	v := strings.Join(strings.Fields(t.String()), " ")
	switch strings.ToLower(v) {
	case "niet geregistreerd", "n.v.t.", "onbekend", "geen verstrekking in open data":
		return ""
	}
	if len(v) > rdwMaxValue {
		v = v[:rdwMaxValue]
		for !utf8.ValidString(v) {
			v = v[:len(v)-1]
		}
	}
	return v
}

// rdwDate reads YYYYMMDD, or else the floating timestamp of the *_dt twin
// ("2014-03-06T00:00:00.000"), as YYYY-MM-DD.
func rdwDate(plain, dt text) string {
	if d := isoDate(plain.String()); len(d) == len("2006-01-02") {
		if _, err := time.Parse(time.DateOnly, d); err == nil {
			return d
		}
	}
	s := dt.String()
	if len(s) < len("2006-01-02") {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, s[:10]); err != nil {
		return ""
	}
	return s[:10]
}

// yesNo maps RDW's Ja/Nee flags; anything else is not a fact about the flag.
func yesNo(t text) string {
	switch strings.ToLower(t.String()) {
	case "ja":
		return "yes"
	case "nee":
		return "no"
	}
	return ""
}

// euros keeps a catalogue price that is a whole, positive number of euros.
func euros(t text) string {
	v := strings.TrimLeft(t.String(), "0")
	if v == "" || len(v) > 9 {
		return ""
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return v
}
