package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"verrijk/pipeline/entity"
)

// FollowTheMoney (https://followthemoney.tech), the model Aleph loads:
// one entity a line, {"id", "schema", "properties": {name: [values]}}.
//
// Our schemas map onto FtM's as ftmSchemas says; only properties FtM
// has are written. Relations become what FtM models them as: a located_at
// edge is the addressEntity property, screened_against the Sanction's
// entity, owns an Ownership, mentioned_in a Documentation, has_branch and
// links_to an UnknownLink (FtM has no branches). FtM has no Domain or
// Website: each becomes a Note on its company, and the company's website.
// A social profile is a UserAccount. References to entities not in the
// export are dropped, so Aleph finds no dangling ids.

// ftmMapping is the FtM schema of one of ours and, per our property, the
// FtM property it goes to.
type ftmMapping struct {
	schema string
	props  map[string]string
}

var ftmSchemas = map[string]ftmMapping{
	entity.SchemaCompany: {"Company", map[string]string{
		"name": "name", "alias": "alias", "tradeName": "alias", "statutoryName": "alias", "previousName": "previousName",
		"kvkNumber": "registrationNumber", "vestigingsnummer": "idNumber", "rsin": "taxNumber",
		"legalForm": "legalForm", "incorporationDate": "incorporationDate", "dissolutionDate": "dissolutionDate",
		"status": "status", "sector": "sector", "sbiCode": "classification", "website": "website", "email": "email",
		"phone": "phone", "country": "country", "address": "address", "addressEntity": "addressEntity",
	}},
	entity.SchemaAddress: {"Address", map[string]string{
		"full": "full", "street": "street", "postalCode": "postalCode", "city": "city", "country": "country",
		"region": "region", "latitude": "latitude", "longitude": "longitude",
	}},
	entity.SchemaPerson: {"Person", map[string]string{
		"name": "name", "alias": "alias", "firstName": "firstName", "lastName": "lastName", "birthDate": "birthDate",
		"birthPlace": "birthPlace", "nationality": "nationality", "country": "country", "gender": "gender",
		"email": "email", "phone": "phone", "website": "website", "address": "address", "addressEntity": "addressEntity",
	}},
	entity.SchemaVehicle: {"Vehicle", map[string]string{
		"registrationNumber": "registrationNumber", "type": "type", "model": "model", "buildDate": "buildDate",
		"registrationDate": "registrationDate", "country": "country", "owner": "owner", "operator": "operator",
	}},
	entity.SchemaPublication: {"Document", map[string]string{
		"title": "title", "publishedAt": "publishedAt", "publisher": "publisher", "sourceUrl": "sourceUrl",
		"summary": "summary", "identifier": "fileName", "publicationType": "keywords", "documentType": "keywords",
	}},
	entity.SchemaSanction: {"Sanction", map[string]string{
		"entity": "entity", "program": "program", "country": "country", "sourceUrl": "sourceUrl",
	}},
	entity.SchemaDomain: {"Note", map[string]string{
		"name": "name", "owner": "entity", "rdapUrl": "sourceUrl",
	}},
	entity.SchemaWebsite: {"Note", map[string]string{
		"domain": "name", "company": "entity", "url": "sourceUrl", "email": "emailMentioned", "phone": "phoneMentioned",
		"iban": "ibanMentioned", "address": "address", "addressEntity": "addressEntity",
	}},
	entity.SchemaSocialProfile: {"UserAccount", map[string]string{
		"handle": "username", "platform": "service", "name": "name", "url": "sourceUrl", "description": "description",
	}},
}

// ftmReferences are the FtM properties that hold entity ids.
var ftmReferences = map[string]bool{"addressEntity": true, "owner": true, "operator": true, "entity": true}

// ftmEntity is one line of the export.
type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// WriteFtM writes ents as FollowTheMoney JSON lines and returns how many
// it left out: entities of a schema FtM has no counterpart for, and
// screening hits whose screened entity is not in the export (an FtM
// Sanction must name its entity).
func WriteFtM(w io.Writer, ents []entity.Entity) (skipped int, err error) {
	in := make(map[string]bool, len(ents))
	for _, e := range ents {
		in[e.ID] = true
	}
	websites := map[string][]string{} // company id → its domains
	for _, e := range ents {
		switch e.Schema {
		case entity.SchemaDomain:
			for _, owner := range e.Properties["owner"] {
				websites[owner] = append(websites[owner], e.Properties["name"]...)
			}
		case entity.SchemaWebsite:
			for _, c := range e.Properties["company"] {
				websites[c] = append(websites[c], e.Properties["domain"]...)
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	written := map[string]bool{}
	for _, e := range ents {
		m, ok := ftmSchemas[e.Schema]
		if !ok || written[e.ID] {
			skipped += btoi(!ok)
			continue
		}
		out := ftmEntity{ID: e.ID, Schema: m.schema, Properties: map[string][]string{}}
		for _, name := range e.PropertyNames() {
			to, ok := m.props[name]
			if !ok {
				continue
			}
			for _, v := range e.Properties[name] {
				if !ftmReferences[to] || in[v] {
					addValue(out.Properties, to, v)
				}
			}
		}
		addFtMExtras(&out, e, websites[e.ID])
		if out.Schema == "Sanction" && len(out.Properties["entity"]) == 0 {
			skipped++
			continue
		}
		written[e.ID] = true
		if err := enc.Encode(out); err != nil {
			return skipped, fmt.Errorf("writing FtM entity %s: %w", e.ID, err)
		}
	}
	for _, link := range ftmLinks(ents, in) {
		if err := enc.Encode(link); err != nil {
			return skipped, fmt.Errorf("writing FtM link %s: %w", link.ID, err)
		}
	}
	return skipped, nil
}

// addFtMExtras adds what is not a property-to-property copy: a name where
// FtM wants one, the jurisdiction of a Dutch registration, a Document's
// required file name, what a screening hit and a domain say in words.
func addFtMExtras(out *ftmEntity, e entity.Entity, domains []string) {
	p := out.Properties
	switch out.Schema {
	case "Company":
		for _, d := range domains {
			addValue(p, "website", d)
		}
		if len(e.Properties["kvkNumber"]) > 0 || len(e.Properties["vestigingsnummer"]) > 0 {
			addValue(p, "jurisdiction", "nl")
		}
		if e.First("isBranch") == "true" {
			addValue(p, "classification", "KvK-vestiging (branch)")
		}
	case "Address":
		for _, id := range e.Properties["bagId"] {
			addValue(p, "remarks", "BAG nummeraanduiding "+id)
		}
	case "Vehicle":
		addValue(p, "name", e.Caption)
		if brand, model := e.First("make"), e.First("model"); brand != "" && !strings.HasPrefix(strings.ToUpper(model), strings.ToUpper(brand)) {
			p["model"] = []string{strings.TrimSpace(brand + " " + model)}
		}
	case "Document":
		if len(p["fileName"]) == 0 {
			addValue(p, "fileName", e.ID)
		}
		addValue(p, "title", e.Caption)
	case "Sanction":
		addValue(p, "status", "possible match, not confirmed")
		addValue(p, "summary", fmt.Sprintf("Screening of %s matched %s (score %s) in OpenSanctions datasets %s.",
			listOr(e.Properties["entityName"]), listOr(e.Properties["matchedName"]), e.First("score"),
			listOr(e.Properties["datasets"])))
		addValue(p, "publisher", "OpenSanctions")
	case "Note":
		addValue(p, "description", noteText(e))
	}
}

// noteFields are what a Note says of a domain or a website, in words:
// FtM has no schema whose properties would hold them.
var noteFields = map[string][]struct{ prop, label string }{
	entity.SchemaDomain: {
		{"registrar", "registrar"}, {"registrant", "registrant"}, {"status", "status"}, {"nameserver", "name servers"},
		{"archiveFirstCapture", "first archived"}, {"archiveLastCapture", "last archived"},
	},
	entity.SchemaWebsite: {
		{"title", "title"}, {"name", "organisation"}, {"legalName", "legal name"}, {"kvkNumber", "KvK number"},
		{"vatCode", "VAT number"}, {"generator", "made with"}, {"socialProfile", "profiles"},
	},
}

// noteText describes a domain or website in one paragraph.
func noteText(e entity.Entity) string {
	label, name := "Domain", e.First("name")
	if e.Schema == entity.SchemaWebsite {
		label, name = "Website", e.First("domain")
	}
	parts := []string{label + " " + name}
	for _, f := range noteFields[e.Schema] {
		if vs := e.Properties[f.prop]; len(vs) > 0 {
			parts = append(parts, f.label+": "+strings.Join(vs, ", "))
		}
	}
	return strings.Join(parts, "; ") + "."
}

// ftmLinks returns the FtM entities for the relations FtM models as
// entities of their own, between entities both in the export.
func ftmLinks(ents []entity.Entity, in map[string]bool) []ftmEntity {
	var out []ftmEntity
	seen := map[string]bool{}
	for _, e := range ents {
		for _, edge := range EdgesOf(e) {
			if !in[edge.Source] || !in[edge.Target] {
				continue
			}
			var link ftmEntity
			switch edge.Label {
			case Owns:
				link = ftmLink("Ownership", edge, map[string][]string{"owner": {edge.Source}, "asset": {edge.Target}, "role": {"owner"}})
			case MentionedIn:
				link = ftmLink("Documentation", edge, map[string][]string{"document": {edge.Target}, "entity": {edge.Source},
					"role": {"mentioned in"}})
			case HasBranch:
				link = ftmLink("UnknownLink", edge, map[string][]string{"subject": {edge.Source}, "object": {edge.Target},
					"role": {"has branch (KvK-vestiging)"}})
			case LinksTo:
				link = ftmLink("UnknownLink", edge, map[string][]string{"subject": {edge.Source}, "object": {edge.Target},
					"role": {"links to"}})
			default:
				continue // a property of the entity itself (see ftmSchemas)
			}
			if !seen[link.ID] {
				seen[link.ID] = true
				out = append(out, link)
			}
		}
	}
	slices.SortFunc(out, func(a, b ftmEntity) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func ftmLink(schema string, e Edge, props map[string][]string) ftmEntity {
	return ftmEntity{ID: entity.MakeID(schema, e.Label, e.Source+"\x00"+e.Target), Schema: schema, Properties: props}
}

func addValue(p map[string][]string, prop, v string) {
	if v = strings.TrimSpace(v); v != "" && !slices.Contains(p[prop], v) {
		p[prop] = append(p[prop], v)
	}
}

func listOr(vs []string) string {
	if len(vs) == 0 {
		return "(unknown)"
	}
	return strings.Join(vs, ", ")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
