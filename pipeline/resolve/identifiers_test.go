package resolve

import "testing"

func TestIdentifierNotation(t *testing.T) {
	cases := []struct {
		name  string
		parse func(string) (string, bool)
		in    string
		want  string // "" for not an identifier
	}{
		{"kvk", KvKNumber, "68750110", "68750110"},
		{"kvk", KvKNumber, "6875 0110", "68750110"},
		{"kvk", KvKNumber, "68.75.01.10", "68750110"},
		{"kvk", KvKNumber, "KvK-nummer: 6875-0110", "68750110"},
		{"kvk", KvKNumber, "KvK 68750110", "68750110"},
		{"kvk", KvKNumber, "6875011", ""},
		{"kvk", KvKNumber, "68750110 (Lollum)", ""},
		{"kvk", KvKNumber, "€68750110", ""},
		{"vestiging", Vestigingsnummer, "Vestigingsnr. 0000 3717 8598", "000037178598"},
		{"vestiging", Vestigingsnummer, "37178598", ""},
		{"rsin", RSIN, "8575.87.973", "857587973"},
		{"rsin", RSIN, "RSIN 857587974", ""}, // fails the eleven-test
		{"plate", Plate, "6-tjr-64", "6TJR64"},
		{"plate", Plate, "ABCDEFG", ""},
		{"bag", BAGID, "0363200000123456", "0363200000123456"},
		{"bag", BAGID, "363200000123456", "0363200000123456"},
		{"bag", BAGID, "NL.IMBAG.NUMMERAANDUIDING.0363200000123456", "0363200000123456"},
		{"bag", BAGID, "0363-2000-0012", ""},
		{"domain", Domain, "https://www.TestBVDonald.nl/contact?x=1", "testbvdonald.nl"},
		{"domain", Domain, "www.testbvdonald.nl", "testbvdonald.nl"},
		{"domain", Domain, "testbvdonald.nl.", "testbvdonald.nl"},
		{"domain", Domain, "shop.example.co.uk:8443", "example.co.uk"},
		{"domain", Domain, "not a domain", ""},
		{"domain", Domain, "localhost", ""},
		{"domain", Domain, "javascript:alert(1)", ""},
	}
	for _, c := range cases {
		got, ok := c.parse(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("%s(%q) = %q, %v; want %q", c.name, c.in, got, ok, c.want)
		}
	}
}

func TestIsEntityID(t *testing.T) {
	for v, want := range map[string]bool{
		"company-b71ccca64ee6ecee1c29af39": true,
		"address-47fb25ebd7aa8f7e913c7346": true,
		"company-B71CCCA64EE6ECEE1C29AF39": false,
		"company-b71ccca64ee6ecee1c29af3":  false,
		"-b71ccca64ee6ecee1c29af39b":       false,
		"Test BV Donald":                   false,
		"co2-b71ccca64ee6ecee1c29af39":     false,
	} {
		if got := IsEntityID(v); got != want {
			t.Errorf("IsEntityID(%q) = %v, want %v", v, got, want)
		}
	}
}
