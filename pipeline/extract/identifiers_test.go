package extract

import (
	"slices"
	"strings"
	"testing"
)

func TestKvKNumbers(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"KvK 68750110", []string{"68750110"}},
		{"KvK-nummer: 6875 0110", []string{"68750110"}},
		{"KvK nr. 68 75 01 10 | BTW NL857587973B01", []string{"68750110"}},
		{"Ingeschreven bij de Kamer van Koophandel onder nummer 68750110.", []string{"68750110"}},
		{"K.v.K. 68750110", []string{"68750110"}},
		{"CoC no. 68750110", []string{"68750110"}},
		{"Chamber of Commerce: 68750110", []string{"68750110"}},
		{"Handelsregister 68750110", []string{"68750110"}},
		{"KvK-nummer\n68750110", []string{"68750110"}},
		{"kvk:68750110, kvk 69599084", []string{"68750110", "69599084"}},
		{"KvK 68750110 2024", []string{"68750110"}},
		{"Ordernummer 68750110", nil},                         // no label
		{"68750110 is ons KvK-nummer", nil},                   // the label after the number
		{"KvK 6875011012", nil},                               // ten digits
		{"KvK 1234 5678 9012", nil},                           // twelve digits in groups
		{"KvK vestigingsnummer 000037178598", nil},            // a branch number
		{"KvK: zie BTW NL857587973B01", nil},                  // a VAT id after the label
		{"KvK aangevraagd. Tel 0515 234567 of 12345678", nil}, // a phone number in between
		{"KvK 00000000", nil},
		{"Coca-Cola 68750110", nil},
		{"KvK 687501", nil},
		{"NKVK 68750110", nil}, // the label inside a word
	}
	for _, c := range cases {
		if got := KvKNumbers(c.text); !slices.Equal(got, c.want) {
			t.Errorf("KvKNumbers(%q) = %v; want %v", c.text, got, c.want)
		}
	}
}

func TestVATIDs(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"BTW NL857587973B01", []string{"NL857587973B01"}},                     // RSIN-based: eleven test
		{"Btw-id: NL004495445B01", []string{"NL004495445B01"}},                 // eleven test
		{"btw-identificatienummer NL002455799B11", []string{"NL002455799B11"}}, // since 2020: mod 97
		{"NL 8575.87.973.B01", []string{"NL857587973B01"}},
		{"nl857587973b01", []string{"NL857587973B01"}},
		{"Btw-nummer: 857587973B01", []string{"NL857587973B01"}}, // without NL, after a label
		{"NL857587973B00", nil},                                  // suffix 00
		{"NL123456789B01", nil},                                  // passes neither check
		{"NL000000000B01", nil},
		{"XNL857587973B01", nil},
		{"857587973B01", nil}, // no NL and no label
	}
	for _, c := range cases {
		if got := VATIDs(c.text); !slices.Equal(got, c.want) {
			t.Errorf("VATIDs(%q) = %v; want %v", c.text, got, c.want)
		}
	}
	if id, ok := VATID(" nl 0044.95.445 b01 "); !ok || id != "NL004495445B01" {
		t.Errorf("VATID = %q, %v", id, ok)
	}
}

func TestIBANs(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"IBAN NL91 ABNA 0417 1643 00 t.n.v. Donald", []string{"NL91ABNA0417164300"}},
		{"NL91ABNA0417164300", []string{"NL91ABNA0417164300"}},
		{"nl91abna0417164300", []string{"NL91ABNA0417164300"}},
		{"BE68 5390 0754 7034 en DE89 3704 0044 0532 0130 00", []string{"BE68539007547034", "DE89370400440532013000"}},
		{"GB82 WEST 1234 5698 7654 32", []string{"GB82WEST12345698765432"}},
		{"NL92ABNA0417164300", nil},  // check digits wrong
		{"NL91ABNA04171643001", nil}, // a digit glued on
		{"NL91ABNA041716430", nil},   // one short
		{"NL91 1234 0417 1643 00", nil},
		{"ZZ91ABNA0417164300", nil}, // no such country
		{"NL00ABNA0417164300", nil},
		{"NL91  ABNA 0417 1643 00", nil}, // two spaces
	}
	for _, c := range cases {
		if got := IBANs(c.text); !slices.Equal(got, c.want) {
			t.Errorf("IBANs(%q) = %v; want %v", c.text, got, c.want)
		}
	}
}

func TestEmails(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"Mail info@testbvdonald.nl of Verkoop@TestBVDonald.NL.", []string{"info@testbvdonald.nl", "verkoop@testbvdonald.nl"}},
		{"administratie [at] testbvdonald [dot] nl", []string{"administratie@testbvdonald.nl"}},
		{"administratie(at)testbvdonald.nl", []string{"administratie@testbvdonald.nl"}},
		{"jan.de-vries+shop@sub.example.co.uk", []string{"jan.de-vries+shop@sub.example.co.uk"}},
		{"logo@2x.png icon@3x.webp", nil},
		{"naam@voorbeeld.nl name@example.com user@domain.com", nil},
		{"0123456789abcdef0123456789abcdef@o123.ingest.sentry.io", nil},
		{"x@localhost root@server.intern", nil},
		{"u003einfo@testbvdonald.nl", nil},
		{"a..b@testbvdonald.nl", nil},
		{"info@@testbvdonald.nl", []string{}},
	}
	for _, c := range cases {
		got := Emails(c.text)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Emails(%q) = %v; want %v", c.text, got, c.want)
		}
	}
	if got := mailtoAddresses("mailto:info@testbvdonald.nl,%20verkoop@testbvdonald.nl?subject=Hoi"); !slices.Equal(got, []string{"info@testbvdonald.nl", "verkoop@testbvdonald.nl"}) {
		t.Errorf("mailto: %v", got)
	}
}

func TestDecodeCFEmail(t *testing.T) {
	if got := decodeCFEmail("e19784938a8e8e91a1958492958397858e8f808d85cf8f8d"); got != "verkoop@testbvdonald.nl" {
		t.Errorf("decodeCFEmail = %q", got)
	}
	for _, bad := range []string{"", "e1", "zz", "e19", strings.Repeat("ab", 300)} {
		if got := decodeCFEmail(bad); got != "" {
			if _, ok := Email(got); ok {
				t.Errorf("decodeCFEmail(%q) = %q, a valid address", bad, got)
			}
		}
	}
}

func TestPhones(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"Bel 0515 - 23 45 67", []string{"+31515234567"}},
		{"Tel: 020-1234567", []string{"+31201234567"}},
		{"T +31 (0)20 123 45 67", []string{"+31201234567"}},
		{"0031 20 1234567", []string{"+31201234567"}},
		{"06-12 34 56 78", []string{"+31612345678"}},
		{"(020) 123 45 67", []string{"+31201234567"}},
		{"+32 2 555 12 12", []string{"+3225551212"}},
		{"020-1234567 / 06-12345678", []string{"+31201234567", "+31612345678"}},
		{"Geopend 09.00 - 17.30 uur", nil},
		{"Datum 12-05-2024", nil},
		{"Order 2024000117", nil},
		{"KvK 68750110", nil},
		{"0000000000", nil},
		{"+99 123 456 789", nil},
		{"1234567890123456789", nil},
	}
	for _, c := range cases {
		if got := Phones(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Phones(%q) = %v; want %v", c.text, got, c.want)
		}
	}
	// The digits of an IBAN or a VAT id are masked before phones are read.
	if got := Phones(maskIdentifiers("IBAN NL91 ABNA 0417 1643 00, btw NL857587973B01, KvK 6875 0110")); len(got) != 0 {
		t.Errorf("phones in identifiers: %v", got)
	}
}

func TestDutchAddresses(t *testing.T) {
	cases := []struct {
		text string
		want []string // "street|key|city"
	}{
		{"Hizzaarderlaan 3A, 8823 SJ Lollum", []string{"Hizzaarderlaan|8823SJ 3A|Lollum"}},
		{"Hizzaarderlaan 3 A\n8823SJ  LOLLUM", []string{"Hizzaarderlaan|8823SJ 3A|LOLLUM"}},
		{"Bezoekadres: Laan van Meerdervoort 12-bis, 2517 AK Den Haag", []string{"Laan van Meerdervoort|2517AK 12-BIS|Den Haag"}},
		{"1e Jan Steenstraat 112 hs\n1072 NR Amsterdam", []string{"1e Jan Steenstraat|1072NR 112-HS|Amsterdam"}},
		{"'s-Gravendijkwal 10, 3014 EA Rotterdam Tel 010-1234567", []string{"'s-Gravendijkwal|3014EA 10|Rotterdam"}},
		{"Hoofdstraat 1, 2400 AA Alphen aan den Rijn", []string{"Hoofdstraat|2400AA 1|Alphen aan den Rijn"}},
		{"Adres\nDamrak 1\nPostcode\n1012 LG\nPlaats\nAmsterdam", []string{"Damrak|1012LG 1|"}},
		{"Damrak 1, 1012 LG Amsterdam | Coolsingel 40, 3011 AD Rotterdam", []string{"Damrak|1012LG 1|Amsterdam", "Coolsingel|3011AD 40|Rotterdam"}},
		{"Postbus 200, 1000 AE Rommeldam", nil},
		{"Antwoordnummer 1234, 1000 VB Amsterdam", nil},
		{"1234 AB zonder straat", nil},
		{"Opgericht in 1952 en 2024 EN verder", nil},
		{"Nergens 12, 3000 SA Rotterdam", nil}, // SA is never used
		{"Hoofdstraat 12, 0123 AB Nulstad", nil},
		{"Tel 020 1234567 1012 LG", nil},
	}
	for _, c := range cases {
		var got []string
		for _, a := range DutchAddresses(c.text) {
			got = append(got, a.Street+"|"+a.Key()+"|"+a.City)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("DutchAddresses(%q) = %v; want %v", c.text, got, c.want)
		}
	}
}

func TestParseCount(t *testing.T) {
	cases := []struct {
		num, mult string
		want      int64
		ok        bool
	}{
		{"1,234", "", 1234, true}, {"1.234", "", 1234, true}, {"1.234.567", "", 1234567, true},
		{"12.3", "K", 12300, true}, {"1,2", "K", 1200, true}, {"307", "M", 307000000, true},
		{"1,2", "mln.", 1200000, true}, {"431", "", 431, true}, {"12.3", "", 0, false},
		{"1,23", "", 0, false}, {"99999999999999", "", 0, false}, {"9", "B", 9000000000, true},
		{"", "", 0, false}, {"1e9", "K", 0, false},
	}
	for _, c := range cases {
		got, ok := parseCount(c.num, c.mult)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseCount(%q, %q) = %d, %v; want %d, %v", c.num, c.mult, got, ok, c.want, c.ok)
		}
	}
	for s, want := range map[string]int64{
		"1,736 Followers, 211 Following":              1736,
		"Fruitteelt Donald | 312 volgers op LinkedIn": 312,
		"18.4K vind-ik-leuks. 2.1K volgers.":          2100,
		"1,2K abonnees":                               1200,
		"307M Followers":                              307000000,
		"12 likes":                                    -1,
	} {
		if got := followersIn(s); got != want {
			t.Errorf("followersIn(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestValidLEI(t *testing.T) {
	if !ValidLEI("894500VERRIJKTEST090") || ValidLEI("894500VERRIJKTEST091") || ValidLEI("894500verrijktest090") {
		t.Error("LEI check")
	}
}
