package kvk

import "testing"

func TestSplitStreet(t *testing.T) {
	cases := []struct{ in, street, house, place string }{
		{"Hoofdstraat 12, Amsterdam", "Hoofdstraat", "12", "Amsterdam"},
		{"Abebe Bikilalaan 17 M, Amsterdam", "Abebe Bikilalaan", "17 M", "Amsterdam"},
		{"Kerkstraat 3-bis,Lollum", "Kerkstraat", "3-bis", "Lollum"},
		{"Laan 1940-1945 3, Ede", "Laan 1940-1945", "3", "Ede"},
		{"Laan 1940-1945, Ede", "Laan 1940-1945", "", "Ede"},
		{"  Hizzaarderlaan ,  Lollum ", "Hizzaarderlaan", "", "Lollum"},
		{"Plein 1813 2, 's-Hertogenbosch", "Plein 1813", "2", "'s-Hertogenbosch"},
	}
	for _, c := range cases {
		street, house, place, err := splitStreet(c.in)
		if err != nil || street != c.street || house != c.house || place != c.place {
			t.Errorf("splitStreet(%q) = %q %q %q %v; want %q %q %q", c.in, street, house, place, err, c.street, c.house, c.place)
		}
	}
	for _, bad := range []string{"Hoofdstraat 12 Amsterdam", "12, Amsterdam", "Hoofdstraat 12, ", ", Amsterdam", ""} {
		if _, _, _, err := splitStreet(bad); err == nil {
			t.Errorf("splitStreet(%q) gave no error", bad)
		}
	}
}
