package pipeline

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/extract"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Normalisers for the website source. Each crawled page (website.page)
// adds to one Website entity per site, keyed on the registrable domain so
// that every page and host (www., shop.) of the site merges into it; on a
// shared host (sharedHosts) the site is the customer's host or path. What
// a page says is kept on the Website with the page as provenance, so each
// value can be traced to the page it came from. Identifiers strong enough
// to key an entity also become one, with the same id their register
// gives them, so they merge: a Company per KvK number (CompanyID), an
// Address per Dutch address (AddressID) and a SocialProfile per profile
// link (SocialProfileID). The Website points at them in company,
// addressEntity and socialProfileEntity.

// Caps on the entities one page derives. A company's own pages name its
// number, perhaps a holding's; a page naming more is a directory or a
// branch list, whose values stay on the Website without an entity (and a
// follow-up lookup) each.
const (
	websiteMaxCompanies = 3
	websiteMaxAddresses = 10
	websiteMaxProfiles  = 12
)

// WebsiteID is the entity id of the Website of a site, given its key
// (siteOf): the registrable domain, or for a site on a shared host the
// host name or host and path.
func WebsiteID(siteKey string) string {
	return entity.MakeID(entity.SchemaWebsite, "url", siteKey)
}

// SocialProfileID is the entity id of a profile, from its platform and
// handle (case does not matter).
func SocialProfileID(platform, handle string) string {
	return entity.MakeID(entity.SchemaSocialProfile, "handle", platform+"/"+handle)
}

// sharedHosts are hosts that give each customer a site of their own but
// are not on the public-suffix list, so the registrable domain would merge
// all their customers into one Website. The number is how many path
// segments name the site: 0 when each site has its own host name
// ("bakkerij.jouwweb.nl"), more for sites that live under a path
// ("sites.google.com/view/bakkerij", "linktr.ee/bakkerij").
var sharedHosts = map[string]int{
	"jouwweb.nl": 0, "webnode.nl": 0, "webnode.page": 0, "webnode.com": 0, "wordpress.com": 0,
	"weebly.com": 0, "strikingly.com": 0, "mystrikingly.com": 0, "jimdosite.com": 0, "jimdofree.com": 0,
	"jimdo.com": 0, "mijnwebwinkel.nl": 0, "business.site": 0, "company.site": 0, "site123.me": 0,
	"squarespace.com": 0, "webador.nl": 0, "webador.com": 0, "godaddysites.com": 0, "yolasite.com": 0,
	"tumblr.com": 0, "ghost.io": 0, "carrd.co": 0, "hostingersite.com": 0,
	"sites.google.com": 2, "linktr.ee": 1,
}

// siteOf returns the root URL of the site a page belongs to
// ("https://www.example.nl/"), the key its Website is made from, and its
// domain: the registrable domain, the host of a site on a shared host, the
// address of a site on an IP address, or "" for a site under a path.
func siteOf(pageURL string) (root, key, domain string, ok bool) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", "", "", false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip := net.ParseIP(host); ip != nil {
		domain = ip.String()
	} else if domain, err = subject.RegistrableDomain(host); err != nil {
		return "", "", "", false
	}
	rootURL := url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: "/"}
	if n, ok := sharedHosts[host]; ok && n > 0 {
		segs := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
		if len(segs) < n {
			return "", "", "", false // the host's own pages, no customer's site
		}
		rootURL.Path = "/" + strings.Join(segs[:n], "/") + "/"
		return rootURL.String(), host + rootURL.Path, "", true
	}
	if _, ok := sharedHosts[domain]; ok {
		domain = host
	}
	return rootURL.String(), domain, domain, true
}

// isHomePage reports whether a page URL is a site's home page, whose
// title names the site.
func isHomePage(pageURL string) bool {
	u, err := url.Parse(pageURL)
	if err != nil || u.RawQuery != "" {
		return false
	}
	switch u.Path {
	case "", "/", "/index.html", "/index.htm", "/index.php":
		return true
	}
	return false
}

// website returns the Website of the site a URL belongs to, or nil when
// the URL names no site.
func (b *builder) website(siteURL string) *entity.Entity {
	root, key, domain, ok := siteOf(siteURL)
	if !ok {
		return nil
	}
	w := b.get(entity.SchemaWebsite, WebsiteID(key))
	w.Caption = key
	w.Add("url", root)
	w.Add("domain", domain)
	return w
}

// socialProfile returns the SocialProfile of a profile link.
func (b *builder) socialProfile(p extract.Profile) *entity.Entity {
	sp := b.get(entity.SchemaSocialProfile, SocialProfileID(p.Platform, p.Handle))
	sp.Caption = p.Subject()
	sp.Add("platform", p.Platform)
	sp.Add("handle", p.Handle)
	sp.Add("url", p.URL)
	return sp
}

func normalizeWebsitePage(ev sources.Evidence) ([]entity.Entity, error) {
	page, err := extract.ReadPage(ev.URL, ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading website page %.200q: %w", ev.URL, err)
	}
	b := newBuilder(ev)
	site := b.website(ev.URL)
	if site == nil {
		return nil, fmt.Errorf("reading website page %.200q: the URL names no site", ev.URL)
	}
	site.Add("pages", page.URL)
	if isHomePage(page.URL) {
		site.Add("title", page.Title)
	}
	site.Add("language", page.Language)
	site.Add("generator", page.Generator)
	for _, o := range page.Organizations {
		site.Add("name", o.Name)
		site.Add("legalName", o.LegalName)
	}
	site.Add("email", valuesOf(page.Emails)...)
	site.Add("phone", valuesOf(page.Phones)...)
	site.Add("iban", valuesOf(page.IBANs)...)
	site.Add("vatCode", valuesOf(page.VATIDs)...)
	for i, n := range page.KvKNumbers {
		site.Add("kvkNumber", n.Value)
		if i < websiteMaxCompanies {
			if c := b.company(text(n.Value)); c != nil {
				site.Add("company", c.ID)
			}
		}
	}
	for i, a := range page.Addresses {
		d := dutchAddress{street: a.Street, number: a.HouseNumber, letter: a.Letter,
			addition: a.Addition, postcode: a.Postcode, city: a.City}
		site.Add("address", d.full())
		if i < websiteMaxAddresses {
			addr := b.get(entity.SchemaAddress, AddressID(d.key()))
			d.addTo(addr)
			site.Add("addressEntity", addr.ID)
		}
	}
	for i, p := range page.Profiles {
		site.Add("socialProfile", p.URL)
		if i < websiteMaxProfiles {
			site.Add("socialProfileEntity", b.socialProfile(p).ID)
		}
	}
	return clipped(b.entities()), nil
}

func valuesOf(vs []extract.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Value
	}
	return out
}
