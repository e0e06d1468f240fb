package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// htmlPages are the crawled pages under testdata/website and the public
// profile pages under testdata/social, with the URL each was fetched
// from: a page's URL decides its site, and a profile's its handle.
var htmlPages = map[string]string{
	"website/page-home.html":                  "https://www.testbvdonald.nl/",
	"website/page-contact.html":               "https://www.testbvdonald.nl/contact/",
	"website/page-hostile.html":               "https://www.nergens-groothandel.nl/aanbieding?id=1",
	"social/profile-facebook.html":            "https://www.facebook.com/testbvdonald/",
	"social/profile-instagram.html":           "https://www.instagram.com/testbvdonald/",
	"social/profile-instagram-loginwall.html": "https://www.instagram.com/testbvdonald/",
	"social/profile-linkedin.html":            "https://www.linkedin.com/company/test-bv-donald/",
	"social/profile-tiktok.html":              "https://www.tiktok.com/@testbvdonald",
	"social/profile-x.html":                   "https://x.com/testbvdonald",
	"social/profile-youtube.html":             "https://www.youtube.com/@testbvdonald",
}

// htmlEvidence is goldenEvidence for an HTML page: kind from the file
// name ("page-…" is website.page, "profile-…" social.profile), URL from
// htmlPages.
func htmlEvidence(t *testing.T, name string) sources.Evidence {
	t.Helper()
	ev := goldenEvidence(t, filepath.Join("testdata", name))
	kind, _, _ := strings.Cut(filepath.Base(name), "-")
	ev.Kind = ev.Source + "." + kind
	ev.URL = htmlPages[name]
	return ev
}

// TestHTMLGolden runs the pages through Normalize and compares with
// <case>.golden.json; -update rewrites them.
func TestHTMLGolden(t *testing.T) {
	var found []string
	for _, dir := range []string{"website", "social"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.html"))
		for _, p := range paths {
			found = append(found, filepath.Join(dir, filepath.Base(p)))
		}
	}
	if len(found) != len(htmlPages) {
		t.Fatalf("testdata holds %d pages, htmlPages lists %d: give every page its URL", len(found), len(htmlPages))
	}
	for _, name := range found {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, htmlEvidence(t, name), filepath.Join("testdata", strings.TrimSuffix(name, ".html")+".golden.json"))
		})
	}
}

func normalizeHTML(t *testing.T, name string) []entity.Entity {
	t.Helper()
	ents, err := Normalize(htmlEvidence(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

// TestWebsiteEntitiesMergeWithTheRegisters: the company, address and
// profiles a site names get the ids KvK, BAG and the social source give
// them, and every page of the site adds to one Website.
func TestWebsiteEntitiesMergeWithTheRegisters(t *testing.T) {
	home := normalizeHTML(t, "website/page-home.html")
	contact := normalizeHTML(t, "website/page-contact.html")

	kvkCompany := legalEntities(normalizeFile(t, "testdata/kvk/basisprofiel-68750110.json"))[0]
	if _, ok := byID(contact, kvkCompany.ID); !ok {
		t.Errorf("the contact page's company is not KvK's %s", kvkCompany.ID)
	}
	bagAddress := bySchema(normalizeFile(t, "testdata/bag/free-8823SJ-3A.json"), entity.SchemaAddress)[0]
	for name, ents := range map[string][]entity.Entity{"home": home, "contact": contact} {
		addrs := bySchema(ents, entity.SchemaAddress)
		if len(addrs) != 1 || addrs[0].ID != bagAddress.ID {
			t.Errorf("%s: addresses %v; want only BAG's %s (the Postbus is no address)", name, addrs, bagAddress.ID)
		}
	}
	sites := append(bySchema(home, entity.SchemaWebsite), bySchema(contact, entity.SchemaWebsite)...)
	if len(sites) != 2 || sites[0].ID != sites[1].ID || sites[0].ID != WebsiteID("testbvdonald.nl") {
		t.Fatalf("websites %v; want one id for both pages", sites)
	}
	merged := sites[0]
	merged.Merge(sites[1])
	if len(merged.Provenance) != 2 || merged.First("title") != "Fruitteelt Donald – Appels en peren uit Lollum" {
		t.Errorf("merged website: %d provenance records, title %q", len(merged.Provenance), merged.First("title"))
	}

	// A profile linked from the site is the profile the social source reads.
	for _, page := range []string{"facebook", "instagram", "linkedin", "tiktok", "x", "youtube"} {
		prof := bySchema(normalizeHTML(t, "social/profile-"+page+".html"), entity.SchemaSocialProfile)
		if len(prof) != 1 || !slices.Contains(merged.Properties["socialProfileEntity"], prof[0].ID) {
			t.Errorf("%s: profile %v is not among the site's %v", page, prof, merged.Properties["socialProfileEntity"])
		}
	}
}

// TestWebsiteValuesTraceToTheirPage: each page's provenance names the
// page and lists what it supplied, so every value can be traced.
func TestWebsiteValuesTraceToTheirPage(t *testing.T) {
	for _, name := range []string{"website/page-home.html", "website/page-contact.html"} {
		ev := htmlEvidence(t, name)
		for _, e := range normalizeHTML(t, name) {
			if len(e.Provenance) != 1 {
				t.Fatalf("%s: %s has %d provenance records", name, e.ID, len(e.Provenance))
			}
			p := e.Provenance[0]
			if p.URL != ev.URL || p.SHA256 != ev.SHA256 || p.Source != "website" || !slices.Equal(p.Properties, e.PropertyNames()) {
				t.Errorf("%s: %s provenance %+v", name, e.ID, p)
			}
		}
	}
	contact := bySchema(normalizeHTML(t, "website/page-contact.html"), entity.SchemaWebsite)[0]
	for prop, want := range map[string]string{"iban": "NL81RABO0312345678", "vatCode": "NL857587973B01", "kvkNumber": "68750110",
		"phone": "+31612345678", "email": "verkoop@testbvdonald.nl", "pages": "https://www.testbvdonald.nl/contact/"} {
		if !slices.Contains(contact.Properties[prop], want) {
			t.Errorf("contact page %s = %v; want %s", prop, contact.Properties[prop], want)
		}
	}
	if _, ok := contact.Properties["title"]; ok {
		t.Errorf("a page other than the home page gave the site its title %v", contact.Properties["title"])
	}
}

func TestWebsiteFollowUps(t *testing.T) {
	ents := append(normalizeHTML(t, "website/page-home.html"), normalizeHTML(t, "website/page-contact.html")...)
	got := map[string]bool{}
	for _, f := range FollowUps(ents, "website") {
		got[f.Subject.String()] = true
	}
	for _, want := range []string{"kvk:68750110", "address:8823SJ 3A", "social:instagram/testbvdonald", "social:facebook/testbvdonald",
		"social:tiktok/testbvdonald", "social:x/testbvdonald", "social:linkedin/test-bv-donald", "social:youtube/testbvdonald"} {
		if !got[want] {
			t.Errorf("no follow-up %s in %v", want, got)
		}
	}
	if got["address:1000AE 200"] || len(got) != 8 {
		t.Errorf("follow-ups %v; want exactly the eight above", got)
	}
}

func TestWebsitePageCapsDerivedEntities(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("<ul>")
	for i := 0; i < 40; i++ {
		n := 10000000 + i*1111
		b.WriteString("<li>Bedrijf " + string(rune('A'+i%26)) + " – KvK " + strconv.Itoa(n) + " – Dorpsstraat " + strconv.Itoa(i+1) + ", 1234 AB Ergens</li>")
	}
	b.WriteString("</ul>")
	ev := sources.Evidence{Source: "website", Kind: "website.page", URL: "https://gids.example.nl/bedrijven", Body: b.Bytes()}
	ents, err := Normalize(ev)
	if err != nil {
		t.Fatal(err)
	}
	site := bySchema(ents, entity.SchemaWebsite)[0]
	if n := len(bySchema(ents, entity.SchemaCompany)); n != websiteMaxCompanies {
		t.Errorf("%d companies from a directory page; want %d", n, websiteMaxCompanies)
	}
	if n := len(bySchema(ents, entity.SchemaAddress)); n != websiteMaxAddresses {
		t.Errorf("%d addresses; want %d", n, websiteMaxAddresses)
	}
	if len(site.Properties["kvkNumber"]) != 40 || len(site.Properties["address"]) != 40 {
		t.Errorf("the website keeps %d numbers and %d addresses; want all 40", len(site.Properties["kvkNumber"]), len(site.Properties["address"]))
	}
}

func TestWebsitePageErrorsAndRobots(t *testing.T) {
	for _, u := range []string{"", "ftp://example.nl/x", "https:///nohost", "https://localhost/", "not a url"} {
		_, err := Normalize(sources.Evidence{Source: "website", Kind: "website.page", URL: u, Body: []byte("<p>KvK 68750110</p>")})
		if err == nil {
			t.Errorf("page URL %q: no error", u)
		}
	}
	ents, err := Normalize(sources.Evidence{Source: "website", Kind: "website.robots", URL: "https://www.testbvdonald.nl/robots.txt",
		Body: []byte("User-agent: *\nDisallow: /wp-admin/\nSitemap: https://www.testbvdonald.nl/sitemap.xml\n")})
	if err != nil || len(ents) != 0 {
		t.Errorf("robots.txt gave %v, %v; want nothing", ents, err)
	}
}

func TestSiteOf(t *testing.T) {
	cases := []struct{ page, root, key, domain string }{
		{"https://www.testbvdonald.nl/contact/?x=1#top", "https://www.testbvdonald.nl/", "testbvdonald.nl", "testbvdonald.nl"},
		{"http://shop.testbvdonald.nl", "http://shop.testbvdonald.nl/", "testbvdonald.nl", "testbvdonald.nl"},
		{"https://WWW.Example.CO.UK:8443/a", "https://www.example.co.uk:8443/", "example.co.uk", "example.co.uk"},
		{"https://203.0.113.7/", "https://203.0.113.7/", "203.0.113.7", "203.0.113.7"},
		{"https://bakkerij.jouwweb.nl/over-ons", "https://bakkerij.jouwweb.nl/", "bakkerij.jouwweb.nl", "bakkerij.jouwweb.nl"},
		{"https://bakkerij.wixsite.com/home", "https://bakkerij.wixsite.com/", "bakkerij.wixsite.com", "bakkerij.wixsite.com"},
		{"https://sites.google.com/view/bakkerij/contact", "https://sites.google.com/view/bakkerij/", "sites.google.com/view/bakkerij/", ""},
		{"https://linktr.ee/testbvdonald", "https://linktr.ee/testbvdonald/", "linktr.ee/testbvdonald/", ""},
	}
	for _, c := range cases {
		root, key, domain, ok := siteOf(c.page)
		if !ok || root != c.root || key != c.key || domain != c.domain {
			t.Errorf("siteOf(%q) = %q, %q, %q, %v; want %q, %q, %q", c.page, root, key, domain, ok, c.root, c.key, c.domain)
		}
	}
	for _, bad := range []string{"https://sites.google.com/", "https://localhost/", "mailto:x@y.nl", "https://co.uk/"} {
		if _, _, _, ok := siteOf(bad); ok {
			t.Errorf("siteOf(%q) names a site", bad)
		}
	}
}

func FuzzWebsitePage(f *testing.F) {
	for name := range htmlPages {
		if strings.HasPrefix(name, "website/") {
			body, err := readTestdata(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(body, htmlPages[name])
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, pageURL string) {
		ents, err := Normalize(sources.Evidence{Source: "website", Kind: "website.page", URL: pageURL, Body: body})
		if err != nil {
			return
		}
		sites := 0
		for _, e := range ents {
			switch e.Schema {
			case entity.SchemaWebsite:
				sites++
			case entity.SchemaCompany, entity.SchemaAddress, entity.SchemaSocialProfile:
			default:
				t.Fatalf("unexpected entity %+v", e)
			}
			if len(e.Provenance) != 1 || e.Provenance[0].URL != pageURL {
				t.Fatalf("entity %s without the page as provenance: %+v", e.ID, e.Provenance)
			}
		}
		if sites != 1 {
			t.Fatalf("%d websites from one page", sites)
		}
	})
}

func readTestdata(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}
