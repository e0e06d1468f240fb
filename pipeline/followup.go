package pipeline

import (
	"net/url"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// MaxFollowUps caps the new subjects one lookup can start: a name search
// can return a hundred companies, and each profile call may cost money.
const MaxFollowUps = 20

// FollowUp is a new subject found in an entity, with the entity it came
// from so that what the next lookup finds can be related to it.
type FollowUp struct {
	Subject subject.Subject
	Origin  string // entity id
}

// followUpRule says which property of which schema holds an identifier a
// source can look up. notFrom skips entities found by that source: KvK
// already knows the names it returned, so they go to publications and
// screening, not back to KvK.
type followUpRule struct {
	schema   string
	property string
	to       subject.Type
	notFrom  string
}

// followUpRules is the one table of follow-up planning. Branch numbers are
// deliberately absent: every Vestigingsprofiel call is billed, and the
// branch list of the Basisprofiel already gives their addresses; an analyst
// who needs one adds it as a vestiging subject. KvK numbers and addresses
// found on a website arrive as Company and Address entities, so the first
// rules cover them too. A profile is not looked up again by the social
// source that read it; the home page it links to is.
var followUpRules = []followUpRule{
	{entity.SchemaCompany, "kvkNumber", subject.KvK, ""},
	{entity.SchemaCompany, "website", subject.Domain, ""},
	{entity.SchemaCompany, "name", subject.Name, "kvk"},
	{entity.SchemaAddress, "postalCode", subject.Address, ""},
	{entity.SchemaSocialProfile, "handle", subject.Social, "social"},
	{entity.SchemaSocialProfile, "website", subject.URL, ""},
}

// FollowUps returns the new subjects in entities found by source: strong
// identifiers, company names, website domains, Dutch addresses, social
// profiles and the websites they link to. Values that do not validate as
// subjects are dropped, since scraped data is hostile input.
func FollowUps(found []entity.Entity, source string) []FollowUp {
	seen := map[subject.Subject]bool{}
	var out []FollowUp
	for _, e := range found {
		for _, r := range followUpRules {
			if e.Schema != r.schema || r.notFrom == source {
				continue
			}
			for _, v := range ruleValues(e, r) {
				s, err := subject.Parse(r.to, v)
				if err != nil || seen[s] || len(out) == MaxFollowUps {
					continue
				}
				seen[s] = true
				out = append(out, FollowUp{Subject: s, Origin: e.ID})
			}
		}
	}
	return out
}

// ruleValues reads the values a rule turns into subjects.
func ruleValues(e entity.Entity, r followUpRule) []string {
	switch r.to {
	case subject.Address:
		if e.First("country") != "nl" {
			return nil
		}
		return []string{e.First("postalCode") + " " + e.First("houseNumber")}
	case subject.Social:
		return []string{e.First("platform") + "/" + e.First("handle")}
	case subject.Domain:
		var hosts []string
		for _, v := range e.Properties[r.property] {
			if d, ok := websiteDomain(v); ok {
				hosts = append(hosts, d)
			}
		}
		return hosts
	default:
		return e.Properties[r.property]
	}
}

// websiteDomain turns "www.example.nl" or "https://www.example.nl/x" into
// the registrable domain "example.nl".
func websiteDomain(site string) (string, bool) {
	u, err := url.Parse(site)
	if err != nil || u.Host == "" {
		u, err = url.Parse("https://" + site)
	}
	if err != nil || u.Hostname() == "" {
		return "", false
	}
	d, err := subject.RegistrableDomain(u.Hostname())
	return d, err == nil
}

// relationProperty names, per schema, the property that points at the
// entity a follow-up lookup started from.
var relationProperty = map[string]string{
	entity.SchemaPublication: "mentions", // the publication mentions the company or address
	entity.SchemaSanction:    "entity",   // FtM: the sanctioned (screened) entity
	entity.SchemaDomain:      "owner",    // the company whose website is on this domain
}

// Relate points what a follow-up lookup found at the entity it started
// from.
func Relate(found []entity.Entity, origin string) {
	if origin == "" {
		return
	}
	for i := range found {
		if prop, ok := relationProperty[found[i].Schema]; ok && found[i].ID != origin {
			found[i].Add(prop, origin)
		}
	}
}
