package indicators

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

// now is the evaluation moment of the table tests: 15 March 2026, so 12
// months ago is 15 March 2025, 6 months ago 15 September 2025 and 24
// months ago 15 March 2024.
var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// ent builds an entity from "property", "value" pairs; every value is
// provenanced to one kvk-like answer named after the entity.
func ent(schema, id string, kv ...string) entity.Entity {
	e := entity.Entity{ID: id, Schema: schema, Caption: id}
	var props []string
	for i := 0; i+1 < len(kv); i += 2 {
		e.Add(kv[i], kv[i+1])
		if !contains(props, kv[i]) {
			props = append(props, kv[i])
		}
	}
	e.Provenance = []entity.Provenance{{Source: "test", URL: "https://evidence.invalid/" + id, SHA256: "sha-" + id,
		FetchedAt: now.Add(-time.Hour), Properties: props}}
	return e
}

func companies(n int, kv ...string) []entity.Entity {
	var out []entity.Entity
	for i := range n {
		out = append(out, ent("Company", fmt.Sprintf("company-%d", i), kv...))
	}
	return out
}

type ruleCase struct {
	name string
	ents []entity.Entity // the first is the entity under test
	hit  bool
	// values, when set, are the values the hit must show.
	values map[string][]string
}

// shippedCases are the table tests of configs/indicators.yaml, per rule:
// a hit and a near miss at every boundary the rule has.
var shippedCases = map[string][]ruleCase{
	"recent-ingeschreven": {
		{"a day less than 12 months", []entity.Entity{ent("Company", "c", "incorporationDate", "2025-03-16")}, true,
			map[string][]string{"incorporationDate": {"2025-03-16"}}},
		{"today, as a timestamp", []entity.Entity{ent("Company", "c", "incorporationDate", "2026-03-15T00:00:00Z")}, true, nil},
		{"exactly 12 months", []entity.Entity{ent("Company", "c", "incorporationDate", "2025-03-15")}, false, nil},
		{"years ago", []entity.Entity{ent("Company", "c", "incorporationDate", "2017-05-19")}, false, nil},
		{"in the future", []entity.Entity{ent("Company", "c", "incorporationDate", "2026-04-01")}, false, nil},
		{"not a date", []entity.Entity{ent("Company", "c", "incorporationDate", "16-03-2025")}, false, nil},
		{"unknown", []entity.Entity{ent("Company", "c", "name", "X")}, false, nil},
	},
	"kasintensieve-branche": {
		{"nail salon", []entity.Entity{ent("Company", "c", "sbiCode", "01241", "sbiCode", "96022")}, true,
			map[string][]string{"sbiCode": {"96022"}}},
		{"restaurant", []entity.Entity{ent("Company", "c", "sbiCode", "5610")}, true, nil},
		{"car wash", []entity.Entity{ent("Company", "c", "sbiCode", "45205")}, true, nil},
		{"real estate", []entity.Entity{ent("Company", "c", "sbiCode", "68204")}, true, nil},
		{"garage next to the car wash code", []entity.Entity{ent("Company", "c", "sbiCode", "45201")}, false, nil},
		{"funeral services next to the salons", []entity.Entity{ent("Company", "c", "sbiCode", "9603")}, false, nil},
		{"fruit growing", []entity.Entity{ent("Company", "c", "sbiCode", "01241")}, false, nil},
		{"a branch counts with its company", []entity.Entity{ent("Company", "c", "sbiCode", "5610", "isBranch", "true")}, false, nil},
	},
	"veel-inschrijvingen-op-adres": {
		{"five companies", append([]entity.Entity{ent("Address", "a")}, companies(5, "addressEntity", "a")...), true,
			map[string][]string{"Company": {"company-0", "company-1", "company-2", "company-3", "company-4"}}},
		{"four companies", append([]entity.Entity{ent("Address", "a")}, companies(4, "addressEntity", "a")...), false, nil},
		{"four companies and a branch of one of them", append(append([]entity.Entity{ent("Address", "a")},
			companies(4, "addressEntity", "a")...), ent("Company", "branch", "addressEntity", "a", "parent", "company-0")), false, nil},
		{"four companies and another company's branch", append(append([]entity.Entity{ent("Address", "a")},
			companies(4, "addressEntity", "a")...), ent("Company", "branch", "addressEntity", "a", "parent", "elsewhere")), true, nil},
		{"five companies elsewhere", append([]entity.Entity{ent("Address", "a")}, companies(5, "addressEntity", "b")...), false, nil},
	},
	"afgeschermd-adres": {
		{"shielded", []entity.Entity{ent("Company", "c", "addressShielded", "true")}, true,
			map[string][]string{"addressShielded": {"true"}}},
		{"not shielded", []entity.Entity{ent("Company", "c", "addressShielded", "false")}, false, nil},
		{"unknown", []entity.Entity{ent("Company", "c", "city", "Lochem")}, false, nil},
	},
	"frequente-wijzigingen": {
		{"three changes in two years", []entity.Entity{ent("Company", "c", "nameChangeDate", "2024-03-16",
			"addressChangeDate", "2025-01-10", "ownerChangeDate", "2026-02-01")}, true,
			map[string][]string{"nameChangeDate": {"2024-03-16"}, "addressChangeDate": {"2025-01-10"}, "ownerChangeDate": {"2026-02-01"}}},
		{"three name changes", []entity.Entity{ent("Company", "c", "nameChangeDate", "2025-01-01",
			"nameChangeDate", "2025-06-01", "nameChangeDate", "2025-12-01")}, true, nil},
		{"the third exactly 24 months ago", []entity.Entity{ent("Company", "c", "nameChangeDate", "2024-03-15",
			"addressChangeDate", "2025-01-10", "ownerChangeDate", "2026-02-01")}, false, nil},
		{"two changes", []entity.Entity{ent("Company", "c", "addressChangeDate", "2025-01-10", "ownerChangeDate", "2026-02-01")}, false, nil},
	},
	"geen-personeel-wel-vestigingen": {
		{"no staff, two branches counted by KvK", []entity.Entity{ent("Company", "c", "employees", "0", "branchCount", "2")}, true,
			map[string][]string{"employees": {"0"}, "branchCount": {"2"}}},
		{"no staff, two branches found", []entity.Entity{ent("Company", "c", "employees", "0"),
			ent("Company", "b1", "isBranch", "true", "parent", "c"), ent("Company", "b2", "isBranch", "true", "parent", "c")}, true,
			map[string][]string{"employees": {"0"}, "Company": {"b1", "b2"}}},
		{"one employee", []entity.Entity{ent("Company", "c", "employees", "1", "branchCount", "2")}, false, nil},
		{"one branch", []entity.Entity{ent("Company", "c", "employees", "0", "branchCount", "1"),
			ent("Company", "b1", "isBranch", "true", "parent", "c")}, false, nil},
		{"staff unknown", []entity.Entity{ent("Company", "c", "branchCount", "3")}, false, nil},
		{"a branch itself", []entity.Entity{ent("Company", "c", "employees", "0", "branchCount", "2", "isBranch", "true")}, false, nil},
	},
	"woonadres-met-bedrijf": {
		{"business at a home", []entity.Entity{ent("Address", "a", "gebruiksdoel", "woonfunctie"),
			ent("Company", "c", "addressEntity", "a")}, true,
			map[string][]string{"gebruiksdoel": {"woonfunctie"}, "Company": {"c"}}},
		{"home with a shop", []entity.Entity{ent("Address", "a", "gebruiksdoel", "woonfunctie", "gebruiksdoel", "winkelfunctie"),
			ent("Company", "c", "addressEntity", "a")}, false, nil},
		{"home without a business", []entity.Entity{ent("Address", "a", "gebruiksdoel", "woonfunctie")}, false, nil},
		{"use unknown", []entity.Entity{ent("Address", "a", "city", "Lollum"), ent("Company", "c", "addressEntity", "a")}, false, nil},
	},
	"duur-voertuig-klein-bedrijf": {
		{"75,000 euro and two employees", []entity.Entity{ent("Vehicle", "v", "cataloguePrice", "75000"),
			ent("Company", "c", "employees", "2")}, true,
			map[string][]string{"cataloguePrice": {"75000"}, "Company": {"c"}, "Company.employees": {"2"}}},
		{"a euro less", []entity.Entity{ent("Vehicle", "v", "cataloguePrice", "74999"), ent("Company", "c", "employees", "0")}, false, nil},
		{"three employees", []entity.Entity{ent("Vehicle", "v", "cataloguePrice", "125000"), ent("Company", "c", "employees", "3")}, false, nil},
		{"no company in the signal", []entity.Entity{ent("Vehicle", "v", "cataloguePrice", "125000")}, false, nil},
		{"only a branch", []entity.Entity{ent("Vehicle", "v", "cataloguePrice", "125000"),
			ent("Company", "b", "employees", "0", "isBranch", "true")}, false, nil},
	},
	"publicatie-13b-sluiting": {
		{"closure in the title", []entity.Entity{ent("Publication", "p",
			"title", "Besluit tot tijdelijke sluiting op grond van artikel 13b Opiumwet")}, true,
			map[string][]string{"title": {"Besluit tot tijdelijke sluiting op grond van artikel 13b Opiumwet"}}},
		{"closure in the summary", []entity.Entity{ent("Publication", "p", "title", "Besluit burgemeester",
			"summary", "Sluiting (art. 13b) van de woning")}, true, map[string][]string{"summary": {"Sluiting (art. 13b) van de woning"}}},
		{"another article", []entity.Entity{ent("Publication", "p", "title", "Besluit op grond van artikel 13ba")}, false, nil},
		{"the act alone", []entity.Entity{ent("Publication", "p", "title", "Wijziging Opiumwet")}, false, nil},
	},
	"publicatie-bibob-of-weigering": {
		{"bibob advice", []entity.Entity{ent("Publication", "p", "title", "Bibob-advies exploitatievergunning")}, true, nil},
		{"refusal", []entity.Entity{ent("Publication", "p", "summary", "Weigering exploitatievergunning horecabedrijf")}, true,
			map[string][]string{"summary": {"Weigering exploitatievergunning horecabedrijf"}}},
		{"a permit granted", []entity.Entity{ent("Publication", "p", "title", "Verleende exploitatievergunning horecabedrijf")}, false, nil},
		{"not a whole word", []entity.Entity{ent("Publication", "p", "title", "Bibobtoetsing gemeentebreed")}, false, nil},
	},
	"sanctielijst-treffer": {
		{"sanctioned", []entity.Entity{ent("Sanction", "s", "topics", "sanction")}, true, map[string][]string{"topics": {"sanction"}}},
		{"fraud", []entity.Entity{ent("Sanction", "s", "topics", "role.pep", "topics", "crime.fraud")}, true,
			map[string][]string{"topics": {"crime.fraud"}}},
		{"counter-sanctions", []entity.Entity{ent("Sanction", "s", "topics", "sanction.counter")}, false, nil},
		{"a PEP", []entity.Entity{ent("Sanction", "s", "topics", "role.pep")}, false, nil},
	},
	"pep-treffer": {
		{"a PEP", []entity.Entity{ent("Sanction", "s", "topics", "role.pep")}, true, nil},
		{"a PEP's associate", []entity.Entity{ent("Sanction", "s", "topics", "role.rca")}, true, nil},
		{"sanctioned", []entity.Entity{ent("Sanction", "s", "topics", "sanction")}, false, nil},
	},
	"nieuwe-website": {
		{"registered last month", []entity.Entity{ent("Domain", "d", "registrationDate", "2026-02-14")}, true,
			map[string][]string{"registrationDate": {"2026-02-14"}}},
		{"first archived a day less than 6 months ago", []entity.Entity{ent("Domain", "d", "registrationDate", "2010-01-01",
			"archiveFirstCapture", "2025-09-16T08:00:00Z")}, true, map[string][]string{"archiveFirstCapture": {"2025-09-16T08:00:00Z"}}},
		{"exactly 6 months", []entity.Entity{ent("Domain", "d", "registrationDate", "2025-09-15")}, false, nil},
		{"old", []entity.Entity{ent("Domain", "d", "registrationDate", "2016-03-09", "archiveFirstCapture", "2016-03-12T09:45:12Z")}, false, nil},
	},
	"geen-website-publieksgericht": {
		{"a mini-market without a website", []entity.Entity{ent("Company", "c", "sbiCode", "4711")}, true,
			map[string][]string{"sbiCode": {"4711"}, "website": {}}},
		{"with a website", []entity.Entity{ent("Company", "c", "sbiCode", "4711", "website", "www.example.nl")}, false, nil},
		{"not public-facing", []entity.Entity{ent("Company", "c", "sbiCode", "01241")}, false, nil},
		{"a branch", []entity.Entity{ent("Company", "c", "sbiCode", "4711", "isBranch", "true")}, false, nil},
	},
}

func shippedRules(t *testing.T) *Rules {
	t.Helper()
	rs, err := LoadFile("../configs/indicators.yaml")
	if err != nil {
		t.Fatalf("shipped rules: %v", err)
	}
	return rs
}

func TestShippedRules(t *testing.T) {
	rs := shippedRules(t)
	for _, r := range rs.Rules {
		cases := shippedCases[r.ID]
		hits, misses := 0, 0
		for _, tc := range cases {
			if tc.hit {
				hits++
			} else {
				misses++
			}
		}
		if hits == 0 || misses == 0 {
			t.Errorf("rule %s has %d hit and %d no-hit cases; want both", r.ID, hits, misses)
		}
		for _, tc := range cases {
			t.Run(r.ID+"/"+tc.name, func(t *testing.T) {
				one := &Rules{Version: rs.Version, Lists: rs.Lists, Rules: []Rule{r}}
				var got *Hit
				for _, h := range one.Evaluate(tc.ents, now) {
					if h.EntityID == tc.ents[0].ID {
						got = &h
					}
				}
				if (got != nil) != tc.hit {
					t.Fatalf("hit = %v, want %v", got != nil, tc.hit)
				}
				if got == nil {
					return
				}
				if tc.values != nil && !reflect.DeepEqual(got.Values, tc.values) {
					t.Errorf("values = %v, want %v", got.Values, tc.values)
				}
				if got.RuleVersion != rs.Version || got.Weight != r.Weight || got.Title != r.Title || len(got.Evidence) == 0 {
					t.Errorf("hit %+v lacks version, weight, title or evidence", got)
				}
			})
		}
	}
	for id := range shippedCases {
		if !slicesContainsRule(rs.Rules, id) {
			t.Errorf("cases for %s, which configs/indicators.yaml does not have", id)
		}
	}
}

func slicesContainsRule(rules []Rule, id string) bool {
	for _, r := range rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

// TestEvidenceNamesTheAnswers: a hit points at the raw answers its values
// were read from, related entities' included, and an absence at every
// answer read on the entity.
func TestEvidenceNamesTheAnswers(t *testing.T) {
	rs := shippedRules(t)
	v := ent("Vehicle", "v", "cataloguePrice", "125000", "make", "PORSCHE")
	c := ent("Company", "c", "employees", "0", "name", "Glans B.V.")
	c.Provenance = append(c.Provenance, entity.Provenance{Source: "kvk", URL: "https://api.kvk.nl/other", SHA256: "other",
		Properties: []string{"name"}})
	var hit *Hit
	for _, h := range rs.Evaluate([]entity.Entity{v, c}, now) {
		if h.RuleID == "duur-voertuig-klein-bedrijf" {
			hit = &h
		}
	}
	if hit == nil {
		t.Fatal("no hit")
	}
	if len(hit.Evidence) != 2 || hit.Evidence[0].EntityID != "v" || hit.Evidence[0].SHA256 != "sha-v" ||
		!reflect.DeepEqual(hit.Evidence[0].Properties, []string{"cataloguePrice"}) ||
		hit.Evidence[1].EntityID != "c" || hit.Evidence[1].SHA256 != "sha-c" ||
		!reflect.DeepEqual(hit.Evidence[1].Properties, []string{"employees"}) {
		t.Errorf("evidence = %+v; want the vehicle's price and the company's staff answers only", hit.Evidence)
	}

	m := ent("Company", "m", "sbiCode", "4711")
	m.Provenance = append(m.Provenance, entity.Provenance{Source: "kvk", URL: "u2", SHA256: "zoeken", Properties: []string{"name"}})
	for _, h := range rs.Evaluate([]entity.Entity{m}, now) {
		if h.RuleID == "geen-website-publieksgericht" && len(h.Evidence) != 2 {
			t.Errorf("absent website: evidence %+v, want both answers read on the company", h.Evidence)
		}
	}
}

func TestHitsAreSortedByWeight(t *testing.T) {
	rs := shippedRules(t)
	hits := rs.Evaluate([]entity.Entity{
		ent("Company", "c", "incorporationDate", "2026-01-01", "sbiCode", "5610", "website", "x.nl"),
		ent("Sanction", "s", "topics", "sanction"),
	}, now)
	var got []string
	for _, h := range hits {
		got = append(got, fmt.Sprintf("%d %s", h.Weight, h.RuleID))
	}
	want := []string{"5 sanctielijst-treffer", "2 kasintensieve-branche", "2 recent-ingeschreven"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestContainsWords(t *testing.T) {
	for _, tc := range []struct {
		text, term string
		want       bool
	}{
		{"artikel 13b  Opiumwet", "13b opiumwet", true},
		{"Bibob-toets", "bibob", true},
		{"sluitingstijden", "sluiting", false},
		{"(art. 13b)", "art. 13b", true},
		{"art. 13ba", "art. 13b", false},
		{"weigering", "", false},
		{"ééntje weigering", "weigering", true},
		{"xbibob bibob", "bibob", true},
	} {
		if got := containsWords(tc.text, tc.term); got != tc.want {
			t.Errorf("containsWords(%q, %q) = %v, want %v", tc.text, tc.term, got, tc.want)
		}
	}
}
