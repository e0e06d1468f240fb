// Package extract reads identifiers out of scraped web pages: KvK numbers,
// Dutch VAT ids, IBANs, e-mail addresses, phone numbers, Dutch postal
// addresses, social-media profile links and JSON-LD organisations from a
// company's own site (ReadPage), and the public facts of a social-media
// profile page (ReadProfile).
//
// Pages are hostile input. The input is cut at MaxInputBytes, every list
// at MaxValues, every value at maxValueBytes; identifiers are kept only
// when they validate (checksums, phone-number metadata, postcode rules),
// and KvK numbers only next to a KvK label, since a bare eight-digit number
// could be anything. Every value keeps the URL of the page it was read
// from.
//
// The page is read with the streaming tokenizer of golang.org/x/net/html
// rather than a parsed tree (goquery): the tree parser refuses documents
// nested deeper than 512 elements, which a hostile or merely sloppy page
// reaches easily, and the tokenizer's cost stays linear in the input.
package extract

import (
	"errors"
	"net/url"
	"strings"
)

// Caps on what one page may contribute.
const (
	// MaxInputBytes is how much of a page is read; the rest is ignored.
	// Real pages, inline scripts included, stay well below it.
	MaxInputBytes = 4 << 20
	// MaxValues caps each kind of value found on one page.
	MaxValues = 50
	// maxValueBytes caps one value (a title, a description, a URL).
	maxValueBytes = 2048
)

// Value is one identifier in canonical form with the page it came from.
type Value struct {
	Value  string `json:"value"`
	Source string `json:"source"` // URL of the page it was read from
}

// Address is a Dutch postal address: a postcode with a house number, as
// BAG and KvK key them, plus the street and city as the page wrote them.
type Address struct {
	Street      string `json:"street"`
	HouseNumber int    `json:"houseNumber"`
	Letter      string `json:"letter,omitempty"`   // huisletter, upper case
	Addition    string `json:"addition,omitempty"` // huisnummertoevoeging, upper case
	Postcode    string `json:"postcode"`           // "1234AB"
	City        string `json:"city,omitempty"`
	Source      string `json:"source"`
}

// Organization is a JSON-LD Organization, LocalBusiness or one of their
// subtypes, with its values validated like those read from the text.
type Organization struct {
	Types       []string  `json:"types"` // schema.org types, e.g. "Bakery"
	Name        string    `json:"name,omitempty"`
	LegalName   string    `json:"legalName,omitempty"`
	URL         string    `json:"url,omitempty"`
	Description string    `json:"description,omitempty"`
	Phones      []string  `json:"phones,omitempty"` // E.164
	Emails      []string  `json:"emails,omitempty"`
	VATIDs      []string  `json:"vatIds,omitempty"`
	KvKNumbers  []string  `json:"kvkNumbers,omitempty"`
	LEICodes    []string  `json:"leiCodes,omitempty"`
	Addresses   []Address `json:"addresses,omitempty"`
	SameAs      []string  `json:"sameAs,omitempty"`
	Source      string    `json:"source"`
}

// Page is what one page of a website says about its owner.
type Page struct {
	URL           string         `json:"url"`
	Title         string         `json:"title,omitempty"`
	Language      string         `json:"language,omitempty"`  // <html lang>, lower case
	Generator     string         `json:"generator,omitempty"` // <meta name=generator>
	KvKNumbers    []Value        `json:"kvkNumbers,omitempty"`
	VATIDs        []Value        `json:"vatIds,omitempty"` // "NL123456789B01"
	IBANs         []Value        `json:"ibans,omitempty"`  // without spaces
	Emails        []Value        `json:"emails,omitempty"`
	Phones        []Value        `json:"phones,omitempty"` // E.164
	Addresses     []Address      `json:"addresses,omitempty"`
	Profiles      []Profile      `json:"profiles,omitempty"`
	Organizations []Organization `json:"organizations,omitempty"`
}

// ErrNotWebPage is returned for a page URL that is not absolute http(s).
var ErrNotWebPage = errors.New("page URL must be an absolute http or https URL")

// pageBase parses the URL a page was fetched from.
func pageBase(pageURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, ErrNotWebPage
	}
	return u, nil
}

// ReadPage reads the identifiers on one page of a website. The page's own
// values come first in each list, then those of its JSON-LD; duplicates
// are dropped. It fails only when pageURL is not an http(s) URL.
func ReadPage(pageURL string, body []byte) (*Page, error) {
	base, err := pageBase(pageURL)
	if err != nil {
		return nil, err
	}
	d := scan(base, body)
	p := &Page{
		URL:       pageURL,
		Title:     d.title,
		Language:  strings.ToLower(d.lang),
		Generator: d.meta("generator"),
	}
	orgs := d.organizations(pageURL)

	// Values in link targets (tel:, mailto:, kvk.nl links) are as strong
	// as the text; values from the JSON-LD follow.
	var kvk, vat, iban, mail, phone []string
	kvk = append(kvk, KvKNumbers(d.text)...)
	kvk = append(kvk, d.kvkLinks()...)
	vat = append(vat, VATIDs(d.text)...)
	iban = append(iban, IBANs(d.text)...)
	mail = append(mail, d.emails...)
	mail = append(mail, Emails(d.text)...)
	phone = append(phone, d.phones...)
	phone = append(phone, Phones(maskIdentifiers(d.text))...)
	addrs := DutchAddresses(d.text)
	for _, o := range orgs {
		kvk = append(kvk, o.KvKNumbers...)
		vat = append(vat, o.VATIDs...)
		mail = append(mail, o.Emails...)
		phone = append(phone, o.Phones...)
		addrs = append(addrs, o.Addresses...)
	}
	p.KvKNumbers = values(kvk, pageURL)
	p.VATIDs = values(vat, pageURL)
	p.IBANs = values(iban, pageURL)
	p.Emails = values(mail, pageURL)
	p.Phones = values(phone, pageURL)
	p.Addresses = uniqueAddresses(addrs, pageURL)
	p.Profiles = d.profiles(orgs, pageURL)
	p.Organizations = orgs
	return p, nil
}

// values turns found strings into Values, once each, at most MaxValues.
func values(found []string, source string) []Value {
	var out []Value
	seen := map[string]bool{}
	for _, v := range found {
		if v == "" || seen[v] || len(out) == MaxValues {
			continue
		}
		seen[v] = true
		out = append(out, Value{Value: v, Source: source})
	}
	return out
}

// uniqueAddresses keeps the first of each postcode and house number: the
// text's spelling wins over the JSON-LD's.
func uniqueAddresses(found []Address, source string) []Address {
	var out []Address
	seen := map[string]bool{}
	for _, a := range found {
		k := a.Key()
		if seen[k] || len(out) == MaxValues {
			continue
		}
		seen[k] = true
		a.Source = source
		out = append(out, a)
	}
	return out
}
