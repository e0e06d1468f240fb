package extract

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReadPageRejectsNonWebURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x.nl/", "javascript:alert(1)", "/relative", "https://"} {
		if _, err := ReadPage(u, []byte("<p>KvK 68750110</p>")); !errors.Is(err, ErrNotWebPage) {
			t.Errorf("ReadPage(%q): %v", u, err)
		}
	}
}

// TestReadPageHostile: what a page hides in scripts, styles, templates
// and attributes is not read as its text, and broken markup costs nothing
// but itself.
func TestReadPageHostile(t *testing.T) {
	const u = "https://www.testbvdonald.nl/"
	cases := []struct {
		name string
		body string
		kvk  []string
	}{
		{"script", `<script>document.write("KvK 11111111")</script><p>KvK 68750110</p>`, []string{"68750110"}},
		{"style and template", `<style>/* KvK 11111111 */</style><template>KvK 22222222</template><p>KvK 68750110</p>`, []string{"68750110"}},
		{"noscript, textarea, svg", `<noscript>KvK 11111111</noscript><textarea>KvK 22222222</textarea><svg><text>KvK 33333333</text></svg><p>KvK 68750110</p>`, []string{"68750110"}},
		{"attribute", `<div title="KvK 11111111" data-x="KvK 22222222">KvK 68750110</div>`, []string{"68750110"}},
		{"huge attribute", `<div data-x="` + strings.Repeat("KvK 11111111 ", 200000) + `">KvK 68750110</div>`, []string{"68750110"}},
		{"nesting past the tree parser's limit", strings.Repeat("<div><span>", 5000) + "KvK 68750110" + strings.Repeat("</span></div>", 10), []string{"68750110"}},
		{"unclosed everything", `<p><b><i><a href="x">KvK <u>68750110<table><tr><td>`, []string{"68750110"}},
		{"invalid UTF-8", "<p>KvK\xff\xfe 68750110 \xc3\x28</p>", []string{"68750110"}},
		{"NUL bytes", "<p>KvK\x00 68750110</p>", []string{"68750110"}},
		{"comment", `<!-- KvK 11111111 --><p>KvK 68750110</p>`, []string{"68750110"}},
		{"cdata and doctype junk", `<!DOCTYPE x [<!ENTITY a "KvK 11111111">]><![CDATA[ KvK 22222222 ]]><p>KvK 68750110</p>`, []string{"68750110"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ReadPage(u, []byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := valuesOf(p.KvKNumbers); !slices.Equal(got, c.kvk) {
				t.Errorf("KvK numbers %v; want %v", got, c.kvk)
			}
		})
	}
}

func valuesOf(vs []Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Value)
	}
	return out
}

func TestReadPageCaps(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 3*MaxValues; i++ {
		b.WriteString("<p>info")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString("@testbvdonald.nl</p>")
	}
	p, err := ReadPage("https://www.testbvdonald.nl/", b.Bytes())
	if err != nil || len(p.Emails) != MaxValues {
		t.Fatalf("%d e-mail addresses, %v; want the cap %d", len(p.Emails), err, MaxValues)
	}
	// Input past MaxInputBytes is not read.
	big := append(bytes.Repeat([]byte(" "), MaxInputBytes), []byte("<p>KvK 68750110</p>")...)
	if p, _ := ReadPage("https://www.testbvdonald.nl/", big); len(p.KvKNumbers) != 0 {
		t.Errorf("read past the input cap: %v", p.KvKNumbers)
	}
	long := "<title>" + strings.Repeat("é", 5000) + "</title>"
	if p, _ := ReadPage("https://www.testbvdonald.nl/", []byte(long)); len(p.Title) > maxValueBytes || !utf8.ValidString(p.Title) {
		t.Errorf("title of %d bytes", len(p.Title))
	}
}

func TestReadPageContact(t *testing.T) {
	body, err := os.ReadFile("../testdata/website/page-contact.html")
	if err != nil {
		t.Fatal(err)
	}
	const u = "https://www.testbvdonald.nl/contact/"
	p, err := ReadPage(u, body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"kvk":   {"68750110"},
		"vat":   {"NL857587973B01"},
		"iban":  {"NL81RABO0312345678"},
		"email": {"info@testbvdonald.nl", "verkoop@testbvdonald.nl", "administratie@testbvdonald.nl"},
		"phone": {"+31515234567", "+31612345678"},
	}
	got := map[string][]string{"kvk": valuesOf(p.KvKNumbers), "vat": valuesOf(p.VATIDs), "iban": valuesOf(p.IBANs),
		"email": valuesOf(p.Emails), "phone": valuesOf(p.Phones)}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: %v; want %v", k, got[k], w)
		}
	}
	if len(p.Addresses) != 1 || p.Addresses[0].Key() != "8823SJ 3A" || p.Addresses[0].Source != u {
		t.Errorf("addresses %+v", p.Addresses)
	}
	for _, v := range append(append(p.KvKNumbers, p.Emails...), p.Phones...) {
		if v.Source != u {
			t.Errorf("%s comes from %q", v.Value, v.Source)
		}
	}
	if p.Title != "Contact – Fruitteelt Donald" || p.Language != "nl-nl" || p.Generator != "WordPress 6.5.3" {
		t.Errorf("title %q, language %q, generator %q", p.Title, p.Language, p.Generator)
	}
	if len(p.Profiles) != 5 {
		t.Errorf("profiles %+v", p.Profiles)
	}
}

// TestReadPageHome: share links are no profiles, twitter:site is one,
// and numbers that only look like identifiers stay out.
func TestReadPageHome(t *testing.T) {
	body, err := os.ReadFile("../testdata/website/page-home.html")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPage("https://www.testbvdonald.nl/", body)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, pr := range p.Profiles {
		subjects = append(subjects, pr.Subject())
	}
	slices.Sort(subjects)
	want := []string{"facebook/testbvdonald", "instagram/testbvdonald", "linkedin/test-bv-donald", "tiktok/testbvdonald", "x/testbvdonald", "youtube/testbvdonald"}
	if !slices.Equal(subjects, want) {
		t.Errorf("profiles %v; want %v", subjects, want)
	}
	if got := valuesOf(p.Phones); !slices.Equal(got, []string{"+31515234567"}) {
		t.Errorf("phones %v", got)
	}
	if got := valuesOf(p.KvKNumbers); !slices.Equal(got, []string{"68750110"}) {
		t.Errorf("KvK numbers %v (the one in a script must not count)", got)
	}
	if got := valuesOf(p.Emails); !slices.Equal(got, []string{"info@testbvdonald.nl"}) {
		t.Errorf("emails %v", got)
	}
}
