package resolve

import (
	"testing"

	"verrijk/pipeline/entity"
)

func TestAddressText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hizzaarderlaan 3A, 8823SJ Lollum", "8823SJ 3A"},
		{"Hizzaarderlaan 3 A, 8823 SJ  Lollum", "8823SJ 3A"},
		{"hizzaarderlaan 3a 8823sj lollum", "8823SJ 3A"},
		{"Hoofdstraat 12-bis, 1234 AB Dorp", "1234AB 12-BIS"},
		{"Hoofdstraat 12 bis\n1234AB Dorp", "1234AB 12-BIS"},
		{"8823SJ 3A", "8823SJ 3A"},
		{"8823 sj, 3a, Lollum", "8823SJ 3A"},
		{"Laan 1940-1945 nr 12, 1234AB Dorp", "1234AB 12"}, // "1945 nr" looks like a postcode too
		{"Postbus 200, 1000AE Rommeldam", ""},
		{"Antwoordnummer 1234, 1000 AE Rommeldam", ""},
		{"Lollum", ""},
		{"0123AB 3", ""},
	}
	for _, c := range cases {
		got, ok := AddressText(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("AddressText(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestAddressKey(t *testing.T) {
	addr := func(props map[string][]string) entity.Entity {
		return entity.Entity{Schema: entity.SchemaAddress, Properties: props}
	}
	cases := []struct {
		name string
		e    entity.Entity
		want string
	}{
		{"kvk/bag form", addr(map[string][]string{"postalCode": {"8823SJ"}, "houseNumber": {"3A"}, "houseLetter": {"A"}}), "8823SJ 3A"},
		{"parts apart", addr(map[string][]string{"postalCode": {"8823 sj"}, "houseNumber": {"3"}, "houseLetter": {"a"}, "houseNumberAddition": {"2"}}), "8823SJ 3A-2"},
		{"addition only", addr(map[string][]string{"postalCode": {"1234AB"}, "houseNumber": {"12"}, "houseNumberAddition": {"bis"}}), "1234AB 12-BIS"},
		{"full only", addr(map[string][]string{"full": {"Hizzaarderlaan 3 A, 8823 SJ Lollum"}}), "8823SJ 3A"},
		{"foreign", addr(map[string][]string{"full": {"Rue X 3, 1000 AB Bruxelles"}, "country": {"be"}}), ""},
		{"nothing", addr(map[string][]string{"city": {"Lollum"}}), ""},
	}
	for _, c := range cases {
		got, ok := AddressKey(c.e)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("%s: AddressKey = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
}
