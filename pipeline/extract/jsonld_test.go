package extract

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readSeed(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func orgsIn(t *testing.T, block string) []Organization {
	t.Helper()
	base, _ := url.Parse("https://www.testbvdonald.nl/contact/")
	d := &document{base: base, jsonLD: []string{block}}
	return d.organizations(base.String())
}

func TestJSONLDOrganizations(t *testing.T) {
	cases := []struct {
		file  string
		check func(t *testing.T, orgs []Organization)
	}{
		{"yoast-graph.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 1 || orgs[0].Name != "Fruitteelt Donald" || len(orgs[0].SameAs) != 2 {
				t.Errorf("%+v", orgs)
			}
		}},
		{"localbusiness-array.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 1 {
				t.Fatalf("%+v", orgs)
			}
			o := orgs[0]
			if !slices.Equal(o.Types, []string{"LocalBusiness", "Store"}) || o.LegalName != "Test BV Donald" ||
				!slices.Equal(o.Phones, []string{"+31515234567", "+31612345678"}) ||
				!slices.Equal(o.Emails, []string{"info@testbvdonald.nl", "verkoop@testbvdonald.nl"}) ||
				!slices.Equal(o.VATIDs, []string{"NL857587973B01"}) || !slices.Equal(o.KvKNumbers, []string{"68750110"}) ||
				len(o.Addresses) != 1 || o.Addresses[0].Key() != "8823SJ 3A" || o.Addresses[0].City != "Lollum" {
				t.Errorf("%+v", o)
			}
		}},
		{"nested-publisher.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 2 || !slices.Equal(orgs[0].KvKNumbers, []string{"68750110"}) ||
				!slices.Equal(orgs[1].KvKNumbers, []string{"69599084"}) || !slices.Equal(orgs[1].LEICodes, []string{"894500VERRIJKTEST090"}) {
				t.Errorf("%+v", orgs)
			}
		}},
		{"wrapped-comments.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 1 || orgs[0].Name != "Kapsalon Knip" || len(orgs[0].Addresses) != 1 || orgs[0].Addresses[0].Key() != "1012LG 1" {
				t.Errorf("%+v", orgs)
			}
		}},
		{"broken.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 0 {
				t.Errorf("broken JSON gave %+v", orgs)
			}
		}},
		{"concatenated.json", func(t *testing.T, orgs []Organization) {
			var names []string
			for _, o := range orgs {
				names = append(names, o.Name)
			}
			if !slices.Equal(names, []string{"Een", "Twee", "Nagels"}) || !slices.Equal(orgs[1].KvKNumbers, []string{"69599084"}) {
				t.Errorf("%+v", orgs)
			}
		}},
		{"wrong-types.json", func(t *testing.T, orgs []Organization) {
			if len(orgs) != 1 {
				t.Fatalf("%+v", orgs)
			}
			o := orgs[0]
			var keys []string
			for _, a := range o.Addresses {
				keys = append(keys, a.Key())
			}
			if o.Name != "42" || o.URL != "" || len(o.Phones) != 0 || !slices.Equal(o.Emails, []string{"info@testbvdonald.nl"}) ||
				len(o.KvKNumbers) != 0 || !slices.Equal(keys, []string{"3011AD 40"}) ||
				!slices.Equal(o.SameAs, []string{"https://www.instagram.com/testbvdonald/"}) {
				t.Errorf("%+v", o)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) { c.check(t, orgsIn(t, readSeed(t, "jsonld/"+c.file))) })
	}
}

func TestJSONLDCaps(t *testing.T) {
	deep := strings.Repeat(`{"@type":"Organization","name":"n","x":`, 200) + "1" + strings.Repeat("}", 200)
	if n := len(jsonLDNodes(deep)); n == 0 || n > maxJSONDepth+1 {
		t.Errorf("%d objects from a 200-deep nest; want at most %d", n, maxJSONDepth+1)
	}
	wide := "[" + strings.Repeat(`{"@type":"Organization","name":"n"},`, 5000) + "{}]"
	if n := len(jsonLDNodes(wide)); n != maxJSONObjects {
		t.Errorf("%d objects from 5000; want the cap %d", n, maxJSONObjects)
	}
	if n := len(jsonLDNodes(strings.Repeat("[", 100000))); n != 0 {
		t.Errorf("%d objects from brackets", n)
	}
}

// TestJSONLDOtherParties: the brand of a product on the page, a seller or
// a reviewer is not the site's owner.
func TestJSONLDOtherParties(t *testing.T) {
	block := `{"@context":"https://schema.org","@graph":[
	  {"@type":"Product","name":"Elstar 5 kg","brand":{"@type":"Organization","name":"Merk","identifier":"69599084"},
	   "offers":{"@type":"Offer","seller":{"@type":"Organization","name":"Verkoper"}},
	   "review":{"@type":"Review","author":{"@type":"Organization","name":"Recensent"}}},
	  {"@type":"Organization","name":"Fruitteelt Donald","identifier":"68750110"}]}`
	orgs := orgsIn(t, block)
	if len(orgs) != 1 || orgs[0].Name != "Fruitteelt Donald" {
		t.Errorf("%+v", orgs)
	}
}
