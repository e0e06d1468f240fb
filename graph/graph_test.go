package graph

import (
	"bytes"
	"cmp"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Ids of the fixture: a company with a branch, two addresses, its domain,
// a publication mentioning it, a screening hit on it, a vehicle it owns,
// a person related to nothing and a social account (a schema FtM export
// does not know).
var (
	company     = entity.MakeID(entity.SchemaCompany, "kvkNumber", "68750110")
	branch      = entity.MakeID(entity.SchemaCompany, "vestigingsnummer", "000037178598")
	address     = entity.MakeID(entity.SchemaAddress, "postcodeHouseNumber", "8823SJ 3A")
	address2    = entity.MakeID(entity.SchemaAddress, "postcodeHouseNumber", "1000AE 1")
	domain      = entity.MakeID(entity.SchemaDomain, "domain", "testbvdonald.nl")
	publication = entity.MakeID(entity.SchemaPublication, "identifier", "gmb-2024-1")
	sanction    = entity.MakeID(entity.SchemaSanction, "opensanctionsId", "NK-1")
	vehicle     = entity.MakeID(entity.SchemaVehicle, "registrationNumber", "6TJR64")
	person      = entity.MakeID(entity.SchemaPerson, "test", "jan")
	account     = entity.MakeID("UserAccount", "social", "instagram/donald")
	website     = entity.MakeID(entity.SchemaWebsite, "url", "testbvdonald.nl")
	profile     = entity.MakeID(entity.SchemaSocialProfile, "handle", "instagram/testbvdonald")
)

func mk(schema, id, caption string, props map[string][]string) entity.Entity {
	e := entity.Entity{ID: id, Schema: schema, Caption: caption}
	for _, k := range sortedKeys(props) {
		e.Add(k, props[k]...)
	}
	return e
}

func sortedKeys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func fixture() []entity.Entity {
	return []entity.Entity{
		mk(entity.SchemaCompany, company, "Test BV <Donald> & Zn", map[string][]string{"name": {"Test BV <Donald> & Zn"},
			"kvkNumber": {"68750110"}, "rsin": {"857587973"}, "addressEntity": {address}, "address": {"Hizzaarderlaan 3A, 8823SJ Lollum"},
			"legalForm": {"Besloten vennootschap"}, "employees": {"1"}, "website": {"www.testbvdonald.nl"}}),
		mk(entity.SchemaCompany, branch, "Test BV Donald\tNevenvestiging", map[string][]string{"name": {"Test BV Donald Nevenvestiging"},
			"vestigingsnummer": {"000037178598"}, "isBranch": {"true"}, "parent": {company}, "addressEntity": {address2}}),
		mk(entity.SchemaAddress, address, "Hizzaarderlaan 3A, 8823SJ Lollum", map[string][]string{"full": {"Hizzaarderlaan 3A, 8823SJ Lollum"},
			"postalCode": {"8823SJ"}, "houseNumber": {"3A"}, "city": {"Lollum"}, "country": {"nl"}, "bagId": {"1900200000012345"}}),
		mk(entity.SchemaAddress, address2, "", map[string][]string{"full": {"Dam 1, 1000AE Rommeldam"}}),
		mk(entity.SchemaDomain, domain, "testbvdonald.nl", map[string][]string{"name": {"testbvdonald.nl"}, "owner": {company},
			"registrar": {"Registrar B.V."}, "nameserver": {"ns1.example.nl", "ns2.example.nl"}, "rdapUrl": {"https://rdap.sidn.nl/domain/testbvdonald.nl"}}),
		mk(entity.SchemaPublication, publication, "Vergunning Test BV Donald", map[string][]string{"identifier": {"gmb-2024-1"},
			"title": {"Vergunning Test BV Donald"}, "publishedAt": {"2024-03-01"}, "mentions": {company, "company-000000000000000000000000"}}),
		mk(entity.SchemaSanction, sanction, "Donald Test", map[string][]string{"entity": {company}, "entityName": {"Test BV Donald"},
			"matchedName": {"Donald Test"}, "score": {"0.91"}, "datasets": {"nl_terrorism_list"}, "country": {"nl"}}),
		mk(entity.SchemaVehicle, vehicle, "VOLKSWAGEN GOLF (6-TJR-64)", map[string][]string{"registrationNumber": {"6TJR64"},
			"make": {"VOLKSWAGEN"}, "model": {"GOLF"}, "owner": {company}}),
		mk(entity.SchemaPerson, person, "Jan de Vries", map[string][]string{"name": {"Jan de Vries"}, "birthDate": {"1970-03-01"}}),
		mk("UserAccount", account, "@donald", map[string][]string{"username": {"donald"}, "owner": {company}}),
		mk(entity.SchemaWebsite, website, "testbvdonald.nl", map[string][]string{"domain": {"testbvdonald.nl"},
			"url": {"https://www.testbvdonald.nl/"}, "company": {company}, "email": {"info@testbvdonald.nl"},
			"title": {"Appels en peren"}, "socialProfileEntity": {profile}, "addressEntity": {address}}),
		mk(entity.SchemaSocialProfile, profile, "instagram/testbvdonald", map[string][]string{"platform": {"instagram"},
			"handle": {"testbvdonald"}, "url": {"https://www.instagram.com/testbvdonald/"}, "websiteEntity": {website}}),
	}
}

func TestBuild(t *testing.T) {
	g := Build(append(fixture(), fixture()[0])) // a repeated entity is one node
	if len(g.Nodes) != 12 || g.Nodes[0].ID != company || g.Nodes[0].Schema != entity.SchemaCompany || g.Nodes[0].Caption != "Test BV <Donald> & Zn" {
		t.Fatalf("nodes = %+v", g.Nodes)
	}
	want := []Edge{
		{branch, address2, LocatedAt},
		{company, address, LocatedAt},
		{company, branch, HasBranch},
		{company, publication, MentionedIn},
		{company, vehicle, Owns},
		{company, domain, RegisteredDomain},
		{company, sanction, ScreenedAgainst},
		{company, website, RegisteredDomain},
		{website, address, LocatedAt},
		{website, profile, LinksTo},
		{profile, website, LinksTo},
	}
	slices.SortFunc(want, func(a, b Edge) int { return compareEdges(a, b) })
	if !slices.Equal(g.Edges, want) {
		t.Errorf("edges =\n%v\nwant\n%v", g.Edges, want)
	}
	// Only the company and its address: the one edge between them.
	small := Build([]entity.Entity{fixture()[0], fixture()[2]})
	if !slices.Equal(small.Edges, []Edge{{company, address, LocatedAt}}) {
		t.Errorf("edges of a part = %v; want the edges to absent entities left out", small.Edges)
	}
	if empty := Build(nil); empty.Nodes == nil || empty.Edges == nil {
		t.Error("an empty graph has nil lists (null in JSON)")
	}
}

func compareEdges(a, b Edge) int {
	return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Label, b.Label), strings.Compare(a.Target, b.Target))
}

func TestNeighbours(t *testing.T) {
	f := fixture()
	if got := Neighbours(f[1]); !slices.Equal(got, []string{company, address2}) {
		t.Errorf("Neighbours(branch) = %v", got)
	}
	if got := Neighbours(f[8]); len(got) != 0 {
		t.Errorf("Neighbours(person) = %v", got)
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-update rewrites it):\n%s", name, got)
	}
}
