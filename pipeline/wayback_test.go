package pipeline

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// waybackEvidence is CDX evidence as the adapter keeps it, with the query
// in its URL.
func waybackEvidence(kind string, q url.Values, body string) sources.Evidence {
	return sources.Evidence{
		Source: "wayback", Kind: kind, Status: 200, FetchedAt: goldenTime, SHA256: "x",
		URL:  "https://web.archive.org/cdx/search/cdx?" + q.Encode(),
		Body: []byte(body),
	}
}

const waybackThreeRows = `[["timestamp","original","statuscode","digest"],
["20160312094512", "http://www.testbvdonald.nl/", "200", "AAAA"],
["20200114083010", "https://evil.example.com/", "200", "BBBB"],
["20230502101500", "https://webshop.testbvdonald.nl/", "200", "CCCC"]]`

func waybackOne(t *testing.T, ev sources.Evidence) entity.Entity {
	t.Helper()
	ents, err := Normalize(ev)
	if err != nil || len(ents) != 1 {
		t.Fatalf("Normalize gave %d entities, %v; want one", len(ents), err)
	}
	return ents[0]
}

func TestWaybackDomainComesFromTheQuery(t *testing.T) {
	for _, target := range []string{"shop.testbvdonald.nl", "*.testbvdonald.nl", "https://www.testbvdonald.nl/contact?x=1"} {
		q := url.Values{"url": {target}, "limit": {"500"}}
		e := waybackOne(t, waybackEvidence("wayback.cdx", q, waybackThreeRows))
		if e.ID != entity.MakeID(entity.SchemaDomain, "domain", "testbvdonald.nl") || e.First("name") != "testbvdonald.nl" {
			t.Errorf("%s: entity %s %v", target, e.ID, e.Properties["name"])
		}
		for _, c := range e.Properties["archiveCapture"] {
			if strings.Contains(c, "evil.example.com") {
				t.Errorf("%s: a capture of another domain was kept: %s", target, c)
			}
		}
		if got := e.First("archiveVersions"); got != "2" {
			t.Errorf("%s: archiveVersions %s; want 2", target, got)
		}
	}
}

// The same domain from RDAP and from the archive is one entity.
func TestWaybackMergesWithRDAP(t *testing.T) {
	rdap, err := Normalize(sources.Evidence{Source: "rdap", Kind: "rdap.domain", URL: "https://rdap.sidn.nl/domain/testbvdonald.nl",
		Body: []byte(`{"objectClassName":"domain","ldhName":"testbvdonald.nl"}`)})
	if err != nil || len(rdap) != 1 {
		t.Fatalf("rdap: %v %v", rdap, err)
	}
	e := waybackOne(t, waybackEvidence("wayback.cdx", url.Values{"url": {"testbvdonald.nl"}}, waybackThreeRows))
	if e.ID != rdap[0].ID {
		t.Fatalf("wayback id %s, rdap id %s: they must merge", e.ID, rdap[0].ID)
	}
}

func TestWaybackCutOffHistoryHasNoLastCapture(t *testing.T) {
	cut := waybackOne(t, waybackEvidence("wayback.cdx", url.Values{"url": {"testbvdonald.nl"}, "limit": {"3"}}, waybackThreeRows))
	if _, ok := cut.Properties["archiveLastCapture"]; ok || cut.First("archiveFirstCapture") != "2016-03-12T09:45:12Z" {
		t.Errorf("cut-off history: %v", cut.Properties)
	}
	whole := waybackOne(t, waybackEvidence("wayback.cdx", url.Values{"url": {"testbvdonald.nl"}, "limit": {"500"}}, waybackThreeRows))
	if whole.First("archiveLastCapture") != "2023-05-02T10:15:00Z" {
		t.Errorf("whole history: %v", whole.Properties)
	}
	latest := waybackOne(t, waybackEvidence("wayback.latest", url.Values{"url": {"testbvdonald.nl"}, "limit": {"-1"}}, waybackThreeRows))
	if latest.First("archiveLastCapture") != "2023-05-02T10:15:00Z" || latest.First("archiveFirstCapture") != "" || latest.First("archiveVersions") != "" {
		t.Errorf("latest: %v", latest.Properties)
	}
}

func TestWaybackBlocked(t *testing.T) {
	body, err := os.ReadFile("testdata/wayback/blocked-nationalpost.json")
	if err != nil {
		t.Fatal(err)
	}
	ev := waybackEvidence("wayback.blocked", url.Values{"url": {"nationalpost.com"}, "matchType": {"domain"}}, string(body))
	e := waybackOne(t, ev)
	if e.First("name") != "nationalpost.com" || e.First("archiveExcluded") != "Blocked Site Error" {
		t.Errorf("blocked: %v", e.Properties)
	}
}

func TestWaybackSampleKeepsBothEnds(t *testing.T) {
	body, err := os.ReadFile("testdata/wayback/cdx-zew-de.json")
	if err != nil {
		t.Fatal(err)
	}
	e := waybackOne(t, waybackEvidence("wayback.cdx", url.Values{"url": {"zew.de"}}, string(body)))
	caps := e.Properties["archiveCapture"]
	if len(caps) != waybackMaxCaptures || !slices.IsSorted(caps) {
		t.Fatalf("%d captures, sorted %v", len(caps), slices.IsSorted(caps))
	}
	if !strings.HasPrefix(caps[0], "1997-04-27T19:19:25Z https://web.archive.org/web/19970427191925/") ||
		!strings.HasPrefix(caps[len(caps)-1], "2022-09-08T08:59:26Z ") {
		t.Errorf("sample ends: %s … %s", caps[0], caps[len(caps)-1])
	}
	if e.First("archiveVersions") != "532" {
		t.Errorf("archiveVersions %s", e.First("archiveVersions"))
	}
	for _, c := range caps {
		at, _, _ := strings.Cut(c, " ")
		if _, err := time.Parse(time.RFC3339, at); err != nil {
			t.Errorf("capture %q: %v", c, err)
		}
	}
}

func FuzzWaybackCDX(f *testing.F) {
	f.Add([]byte(waybackThreeRows), "testbvdonald.nl")
	f.Add([]byte(`[["timestamp"],[1],[null],[[]],{}]`), "")
	f.Add([]byte(`[["original","timestamp"],["http://x.nl/","20200101000000"]]`), "*.x.nl")
	f.Fuzz(func(t *testing.T, body []byte, target string) {
		for _, kind := range []string{"wayback.cdx", "wayback.latest", "wayback.blocked"} {
			ents, _ := Normalize(waybackEvidence(kind, url.Values{"url": {target}, "limit": {"2"}}, string(body)))
			for _, e := range ents {
				if len(e.Properties["archiveCapture"]) > waybackMaxCaptures || e.Schema != entity.SchemaDomain {
					t.Fatalf("entity %+v", e)
				}
			}
		}
	})
}
