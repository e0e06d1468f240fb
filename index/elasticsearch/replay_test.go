package esindex

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// The replay tests run the backend against recorded Elasticsearch 8
// answers (testdata/, see README.md there): they check the requests it
// sends, request by request, and what it makes of the answers.

const (
	purpose   = "ondermijning-signaal"
	signal    = "sig-2025-0042"
	team      = "team-noord"
	liveIndex = "verrijk-entities-v2-20250314t092653"
	newIndex  = "verrijk-entities-v2-20250401t020000"
)

var (
	linkedAt = time.Date(2025, 3, 14, 9, 20, 0, 0, time.UTC)
	seenAt   = time.Date(2025, 3, 14, 9, 21, 7, 250_000_000, time.UTC)
)

// bakery and itsAddress are the entities of the recordings.
func bakery() entity.Entity {
	return entity.Entity{
		ID: "company-5f1c2d3e4a5b6c7d8e9f0a1b", Schema: entity.SchemaCompany, Caption: "Bakkerij Ünal",
		Properties: map[string][]string{
			"name":      {"Bakkerij Ünal"},
			"kvkNumber": {"68750110"},
			"sbiCode":   {"1071"},
			"address":   {"Hoofdstraat 3, 8823 SJ Kimswerd"},
		},
		Provenance: []entity.Provenance{{Source: "kvk", URL: "https://api.kvk.nl/api/v1/basisprofielen/68750110",
			FetchedAt: seenAt, SHA256: strings.Repeat("ab", 32), Properties: []string{"name", "kvkNumber", "sbiCode", "address"}}},
		Signals: []entity.Link{
			{SignalID: signal, PurposeID: purpose, JobID: "job-7", PurposeVersion: 1, LinkedAt: linkedAt, ExpiresAt: linkedAt.AddDate(1, 0, 0), Team: team},
			{SignalID: "sig-bibob-9", PurposeID: "bibob-toets", JobID: "job-8", PurposeVersion: 2, LinkedAt: linkedAt, ExpiresAt: linkedAt.AddDate(5, 0, 0), Team: "team-bibob"},
		},
		FirstSeen: seenAt, LastSeen: seenAt,
	}
}

func itsAddress() entity.Entity {
	return entity.Entity{
		ID: "address-0b1c2d3e4f5a6b7c8d9e0f1a", Schema: entity.SchemaAddress, Caption: "Hoofdstraat 3, 8823 SJ Kimswerd",
		Properties: map[string][]string{
			"full":         {"Hoofdstraat 3, 8823 SJ Kimswerd"},
			"street":       {"Hoofdstraat"},
			"houseNumber":  {"3"},
			"postalCode":   {"8823SJ"},
			"city":         {"Kimswerd"},
			"municipality": {"Súdwest-Fryslân"},
			"bagId":        {"0080200000123456"},
			"latitude":     {"53.0872"},
			"longitude":    {"5.4327"},
		},
		Provenance: []entity.Provenance{{Source: "bag", URL: "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?q=8823SJ+3",
			FetchedAt: seenAt.Add(time.Minute), SHA256: strings.Repeat("cd", 32), Properties: []string{"full", "bagId"}}},
		Signals:   []entity.Link{{SignalID: signal, PurposeID: purpose, JobID: "job-7", PurposeVersion: 1, LinkedAt: linkedAt, ExpiresAt: linkedAt.AddDate(1, 0, 0), Team: team}},
		FirstSeen: seenAt.Add(time.Minute), LastSeen: seenAt.Add(time.Minute),
	}
}

func mustOpen(t *testing.T, rp *replayer, now func() time.Time) *Index {
	t.Helper()
	ix, err := openReplay(t, rp, now)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestReplayOpenNewCluster(t *testing.T) {
	rp := replay(t, "open_new_cluster")
	ix := mustOpen(t, rp, nil)
	if ix.Alias() != "verrijk-entities" {
		t.Errorf("alias = %q", ix.Alias())
	}
	if got := rp.header(0, "Authorization"); got != "APIKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==" {
		t.Errorf("Authorization = %q, want the API key", got)
	}
}

func TestReplayOpenExisting(t *testing.T) {
	mustOpen(t, replay(t, "open_existing"), nil)
}

// TestReplayOpenRace: another process created the first index between
// this one's look and its create; Open uses the other's.
func TestReplayOpenRace(t *testing.T) {
	mustOpen(t, replay(t, "open_race"), nil)
}

func TestReplayUpsert(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "upsert"), nil)
	// The second copy of the address wins; the first is never sent.
	stale := itsAddress()
	stale.Caption = "verouderd"
	if err := ix.Upsert(t.Context(), bakery(), stale, itsAddress()); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func TestReplayUpsertRetriesRejectedItems(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "upsert_rejected"), nil)
	if err := ix.Upsert(t.Context(), bakery(), itsAddress()); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func TestReplayUpsertGivesUpOnLastingRejections(t *testing.T) {
	rp := replay(t, "open_existing", "upsert_rejected")
	ix := mustOpen(t, rp, nil)
	ix.cfg.MaxRetries = 0
	rp.stopAfter(len(rp.steps) - 1) // the retry is not made
	err := ix.Upsert(t.Context(), bakery(), itsAddress())
	var be *BulkError
	if !errors.As(err, &be) || len(be.Items) != 1 || be.Items[0].ID != bakery().ID || be.Items[0].Status != 429 {
		t.Fatalf("err = %v, want a BulkError naming the rejected document", err)
	}
}

func TestReplayBulkThrottled(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "bulk_throttled"), nil)
	if err := ix.Upsert(t.Context(), bakery(), itsAddress()); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

// TestReplayBulkRefused: documents refused for good are reported by id,
// without the document values Elasticsearch quotes, and not retried.
func TestReplayBulkRefused(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "bulk_refused"), nil)
	ops := []bulkOp{
		{action: "index", index: liveIndex, id: "company-strict", doc: []byte(`{"id":"company-strict","nickname":"Bakker"}`)},
		{action: "index", index: liveIndex, id: "company-baddate", doc: []byte(`{"id":"company-baddate","last_seen":"gisteren"}`)},
		{action: "create", index: liveIndex, id: bakery().ID, doc: []byte(`{"id":"` + bakery().ID + `"}`)},
		{action: "index", index: liveIndex, id: "company-good", doc: []byte(`{"id":"company-good","caption":"Goed"}`)},
	}
	err := ix.bulk(t.Context(), ops, "false")
	var be *BulkError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BulkError", err)
	}
	want := map[string]string{
		"company-strict":  "strict_dynamic_mapping_exception",
		"company-baddate": "document_parsing_exception",
		bakery().ID:       "version_conflict_engine_exception",
	}
	if len(be.Items) != len(want) || be.Of != 4 {
		t.Fatalf("failed items %+v of %d, want %d of 4", be.Items, be.Of, len(want))
	}
	for _, it := range be.Items {
		if want[it.ID] != it.Type {
			t.Errorf("%s: %s, want %s", it.ID, it.Type, want[it.ID])
		}
	}
	if strings.Contains(err.Error(), "gisteren") {
		t.Errorf("the error quotes a document value: %v", err)
	}
}

func TestReplayDelete(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "delete"), nil)
	if err := ix.Delete(t.Context(), bakery().ID, "company-gone"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
}

func TestReplaySearchErrors(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "search_missing_index", "search_shard_failure"), nil)
	_, err := ix.Search(t.Context(), index.Query{Text: "bakkerij", PurposeID: purpose, Teams: []string{team}})
	var ee *Error
	if !errors.As(err, &ee) || ee.Status != 404 || ee.Type != "index_not_found_exception" {
		t.Errorf("missing index: %v", err)
	}
	if _, err := ix.Search(t.Context(), index.Query{Text: "bakkerij", PurposeID: purpose, Teams: []string{team}}); err == nil ||
		!strings.Contains(err.Error(), "1 of 1 shards failed") {
		t.Errorf("partial answer: %v, want an error", err)
	}
}

// changeFeed is a store change feed over entities with change times.
type changeFeed []struct {
	e       entity.Entity
	changed time.Time
}

func (f changeFeed) ChangedEntities(_ context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error) {
	var out []entity.Entity
	var last time.Time
	for _, c := range f {
		if !c.changed.Before(since) && len(out) < limit {
			out = append(out, c.e)
			last = c.changed
		}
	}
	return out, last, nil
}

var rebuildStart = time.Date(2025, 4, 1, 2, 0, 0, 0, time.UTC)

func TestReplayRebuild(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "rebuild"), func() time.Time { return rebuildStart })
	moved := itsAddress()
	moved.Properties["houseNumber"] = []string{"3A"}
	feed := changeFeed{
		{bakery(), seenAt},
		{moved, rebuildStart.Add(30 * time.Second)}, // changed while the load ran
	}
	res, err := ix.Rebuild(t.Context(), feed)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if res.Index != newIndex || res.Previous != liveIndex || res.Loaded != 2 || res.CaughtUp != 1 ||
		len(res.Deleted) != 1 || res.Deleted[0] != liveIndex {
		t.Errorf("Rebuild = %+v", res)
	}
}

func TestReplaySearch(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "search"), nil)
	res, err := ix.Search(t.Context(), index.Query{
		Text: "bakkerij ünal", PurposeID: purpose, Teams: []string{team},
		Sources: []string{"kvk"}, DateFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("total %d, %d hits", res.Total, len(res.Hits))
	}
	h := res.Hits[0]
	if h.ID != bakery().ID || h.Caption != "Bakkerij Ünal" || h.Score != 7.4163957 || h.First("kvkNumber") != "68750110" {
		t.Errorf("hit = %+v", h)
	}
	// The link under the other purpose (bibob-toets) is not shown.
	if len(h.Signals) != 1 || h.Signals[0].PurposeID != purpose || !h.Signals[0].ExpiresAt.Equal(linkedAt.AddDate(1, 0, 0)) {
		t.Errorf("signals = %+v", h.Signals)
	}
	if got := h.Highlights["caption"]; len(got) != 1 || got[0] != "<mark>Bakkerij</mark> <mark>Ünal</mark>" {
		t.Errorf("caption highlight = %q", got)
	}
	want := map[string][]index.FacetCount{
		index.FacetSchema:       {{Value: "Company", Count: 1}},
		index.FacetSource:       {{Value: "kvk", Count: 1}},
		index.FacetMunicipality: {},
		index.FacetSBISection:   {{Value: "C", Count: 1}},
	}
	for key, w := range want {
		if got := res.Facets[key]; len(got) != len(w) || (len(w) > 0 && got[0] != w[0]) {
			t.Errorf("facet %s = %v, want %v", key, got, w)
		}
	}
}

func TestReplaySearchByDate(t *testing.T) {
	ix := mustOpen(t, replay(t, "open_existing", "search_by_date"), nil)
	res, err := ix.Search(t.Context(), index.Query{PurposeID: purpose, Teams: []string{team}, Sort: index.SortDate, PageSize: 10})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if len(res.Hits) != 2 || res.Hits[0].ID != itsAddress().ID || res.Hits[1].ID != bakery().ID || res.Total != 2 {
		t.Fatalf("hits %+v", res.Hits)
	}
	if got := res.Facets[index.FacetMunicipality]; len(got) != 1 || got[0].Value != "Súdwest-Fryslân" {
		t.Errorf("municipality facet = %v", got)
	}
	if res.Hits[0].Highlights != nil {
		t.Errorf("highlights without search text: %v", res.Hits[0].Highlights)
	}
}

// TestReplayOpenOlder: the live index is an older verrijk's; Open installs
// the current template and adds the current fields to the live index's
// mapping.
func TestReplayOpenOlder(t *testing.T) {
	mustOpen(t, replay(t, "open_older"), nil)
}
