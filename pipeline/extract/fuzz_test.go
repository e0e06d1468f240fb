package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"verrijk/pipeline/subject"
)

// Every extractor is fuzzed. The seeds are the files in testdata (text
// snippets, JSON-LD blocks, links) and the pages the pipeline's golden
// tests use; `go test -fuzz FuzzXxx` explores from there.

// seeds returns the contents of the files matching a glob under testdata
// (or, with "../", elsewhere).
func seeds(f *testing.F, globs ...string) []string {
	f.Helper()
	var out []string
	for _, g := range globs {
		paths, err := filepath.Glob(g)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, string(b))
		}
	}
	if len(out) == 0 {
		f.Fatalf("no seed files in %v", globs)
	}
	return out
}

func addTextSeeds(f *testing.F) {
	for _, s := range seeds(f, "testdata/text/*.txt") {
		f.Add(s)
	}
}

func FuzzKvKNumbers(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		got := KvKNumbers(text)
		if len(got) > MaxValues {
			t.Fatalf("%d numbers", len(got))
		}
		for _, n := range got {
			if len(n) != 8 || digitsOnly(n) != n {
				t.Fatalf("KvK number %q", n)
			}
		}
	})
}

func FuzzVATIDs(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, id := range VATIDs(text) {
			if !ValidVATID(id) {
				t.Fatalf("invalid VAT id %q", id)
			}
		}
	})
}

func FuzzIBANs(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, iban := range IBANs(text) {
			if again, ok := IBAN(iban); !ok || again != iban {
				t.Fatalf("IBAN %q does not validate again", iban)
			}
		}
	})
}

func FuzzEmails(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, e := range Emails(text) {
			if again, ok := Email(e); !ok || again != e || e != strings.ToLower(e) {
				t.Fatalf("address %q is not canonical", e)
			}
		}
	})
}

func FuzzPhones(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range Phones(maskIdentifiers(text)) {
			if again, ok := Phone(p); !ok || again != p || !strings.HasPrefix(p, "+") || digitsOnly(p[1:]) != p[1:] {
				t.Fatalf("phone %q is not E.164", p)
			}
		}
	})
}

func FuzzDutchAddresses(f *testing.F) {
	addTextSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range DutchAddresses(text) {
			s, err := subject.Parse(subject.Address, a.Key())
			if err != nil || s.Value != a.Key() {
				t.Fatalf("address %+v: key %q is no address subject (%v)", a, a.Key(), err)
			}
			if !utf8.ValidString(a.Street) || !utf8.ValidString(a.City) {
				t.Fatalf("address %+v is not UTF-8", a)
			}
		}
	})
}

func FuzzProfileFromURL(f *testing.F) {
	for _, l := range strings.Split(seeds(f, "testdata/urls/links.txt")[0], "\n") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, link string) {
		p, ok := ProfileFromURL(link)
		if !ok {
			return
		}
		s, err := subject.Parse(subject.Social, p.Subject())
		if err != nil || s.Value != p.Subject() {
			t.Fatalf("%q: %s is not a canonical social subject (%v)", link, p.Subject(), err)
		}
		again, ok := ProfileFromURL(p.URL)
		if !ok || again != p {
			t.Fatalf("%q: the profile URL %s reads as %+v", link, p.URL, again)
		}
	})
}

func FuzzJSONLD(f *testing.F) {
	for _, s := range seeds(f, "testdata/jsonld/*.json") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, block string) {
		if n := len(jsonLDNodes(block)); n > maxJSONObjects {
			t.Fatalf("%d objects", n)
		}
		for _, o := range orgsIn(t, block) {
			for _, id := range o.VATIDs {
				if !ValidVATID(id) {
					t.Fatalf("VAT id %q", id)
				}
			}
			for _, n := range o.KvKNumbers {
				if len(n) != 8 || digitsOnly(n) != n {
					t.Fatalf("KvK number %q", n)
				}
			}
		}
	})
}

func FuzzReadPage(f *testing.F) {
	for _, s := range seeds(f, "../testdata/website/*.html") {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		const u = "https://www.testbvdonald.nl/"
		p, err := ReadPage(u, body)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range [][]Value{p.KvKNumbers, p.VATIDs, p.IBANs, p.Emails, p.Phones} {
			if len(l) > MaxValues {
				t.Fatalf("%d values", len(l))
			}
			for _, v := range l {
				if v.Source != u || !utf8.ValidString(v.Value) {
					t.Fatalf("value %+v", v)
				}
			}
		}
		if len(p.Addresses) > MaxValues || len(p.Profiles) > MaxValues || len(p.Organizations) > MaxValues {
			t.Fatalf("%d addresses, %d profiles, %d organisations", len(p.Addresses), len(p.Profiles), len(p.Organizations))
		}
		for _, s := range []string{p.Title, p.Language, p.Generator} {
			if len(s) > maxValueBytes || !utf8.ValidString(s) {
				t.Fatalf("value of %d bytes, valid UTF-8 %v", len(s), utf8.ValidString(s))
			}
		}
	})
}

func FuzzReadProfile(f *testing.F) {
	for _, s := range seeds(f, "../testdata/social/*.html") {
		f.Add([]byte(s), "https://www.instagram.com/testbvdonald/")
	}
	f.Add([]byte(`<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{}}</script>`), "https://www.tiktok.com/@x")
	f.Add([]byte(`"subscriberCountText":{"simpleText":"1,2K abonnees"} https:\/\/www.youtube.com\/redirect?q=https%3A%2F%2Fx.nl%2F`), "https://www.youtube.com/@x")
	f.Fuzz(func(t *testing.T, body []byte, pageURL string) {
		p, err := ReadProfile(pageURL, body)
		if err != nil {
			return
		}
		if _, err := subject.Parse(subject.Social, p.Subject()); err != nil {
			t.Fatalf("profile %s: %v", p.Subject(), err)
		}
		if p.Followers < -1 || p.Followers > maxCount || len(p.Websites) > MaxValues || len(p.Profiles) > MaxValues {
			t.Fatalf("%+v", p)
		}
		for _, w := range p.Websites {
			if s, err := subject.Parse(subject.URL, w); err != nil || s.Value != w {
				t.Fatalf("website %q is not a canonical URL (%v)", w, err)
			}
		}
		for _, s := range []string{p.Name, p.Description, p.Image} {
			if len(s) > maxValueBytes || !utf8.ValidString(s) {
				t.Fatalf("value of %d bytes", len(s))
			}
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"1,234 followers", "12.3K volgers", "1,2 mln. volgers", "307M Followers", "9.9.9.9 abonnees"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c := followersIn(s); c < -1 || c > maxCount {
			t.Fatalf("followersIn(%q) = %d", s, c)
		}
	})
}
