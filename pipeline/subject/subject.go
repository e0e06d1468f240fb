// Package subject validates and normalises the identifiers an analyst adds to
// a signal (a KvK number, an address, a licence plate, …). A subject that
// passes Parse is in one canonical form, so the same identifier typed two
// ways is the same subject.
package subject

// Type names a kind of identifier. The names are part of the external
// contract (`kvk:68750110` on the command line, `{"type":"kvk"}` in the API).
type Type string

const (
	KvK       Type = "kvk"       // KvK number, 8 digits
	Vestiging Type = "vestiging" // vestigingsnummer, 12 digits
	RSIN      Type = "rsin"      // RSIN, 9 digits passing the eleven-test
	Address   Type = "address"   // Dutch postcode + house number (+ letter/addition)
	Plate     Type = "plate"     // Dutch licence plate
	Domain    Type = "domain"    // registrable domain name
	URL       Type = "url"       // http(s) URL
	Name      Type = "name"      // company or person name
	Social    Type = "social"    // platform/handle
)

// Subject is a validated identifier in canonical form.
type Subject struct {
	Type  Type   `json:"type"`
	Value string `json:"value"`
}

// String renders the subject as on the command line: "type:value".
func (s Subject) String() string { return string(s.Type) + ":" + s.Value }

// AddressParts is the structured form of an Address subject.
type AddressParts struct {
	Postcode    string // "8823SJ"
	HouseNumber int    // 3
	Letter      string // "A" (huisletter), may be empty
	Addition    string // huisnummertoevoeging, may be empty
}
