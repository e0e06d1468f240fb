package rights_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/audit"
	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/pipeline/subject"
	"verrijk/rights"
	"verrijk/store"
)

var key = []byte("0123456789abcdef-test-key")

// Entity ids of the test world, in the form entity.MakeID gives (only
// such values count as references between entities).
const (
	donald  = "company-eea9b57e188d127cd342450c"
	hizz    = "address-2ec7c8b6dd1a0b6a91560584"
	unal    = "company-19af534f52c4ee167435e1e3"
	car     = "vehicle-01692a3d53861781a2d621f8"
	jan1970 = "person-57496249fe55411872cde30b"
	jan1988 = "person-aa7334ec51a7eef8f8c97100"
	evil    = "company-d4056b59915e336fcf5bfd35"
)

type world struct {
	st      store.Store
	ix      *bleveindex.Index
	sig     store.Signal
	purpose store.Purpose
	now     time.Time
}

// body is the stored answer an entity came from; shaOf its hash.
func body(id string) []byte { return []byte(`{"id":"` + id + `"}`) }

func shaOf(id string) string {
	sum := sha256.Sum256(body(id))
	return hex.EncodeToString(sum[:])
}

func ent(schema, id, caption string, props map[string][]string) entity.Entity {
	return entity.Entity{ID: id, Schema: schema, Caption: caption, Properties: props,
		Provenance: []entity.Provenance{{Source: "kvk", URL: "https://api.kvk.nl/x/" + id, SHA256: shaOf(id),
			FetchedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Properties: []string{"name"}}}}
}

// newWorld stores a small enrichment: a company with its KvK number, its
// address, a second company at that address, a car and two different
// people with the same name, all linked to one signal.
func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ix, err := bleveindex.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	w := &world{st: st, ix: ix, now: time.Now()}
	w.purpose, err = st.CreatePurpose(ctx, store.Purpose{ID: "bibob", Name: "Bibob-onderzoek",
		LegalBasis: "Wet Bibob art. 7", ProcessingActivity: "https://register.example/bibob", Retention: "P1Y",
		AllowedSources: []string{"kvk"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sig, err = st.CreateSignal(ctx, store.Signal{Title: "Nagelsalon", Team: "noord", CreatedBy: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSubject(ctx, store.Subject{SignalID: w.sig.ID, Type: subject.KvK, Value: "68750110"}); err != nil {
		t.Fatal(err)
	}
	ents := []entity.Entity{
		ent("Company", donald, "Test BV Donald", map[string][]string{
			"kvkNumber": {"68750110"}, "name": {"Test BV Donald"}, "addressEntity": {hizz}}),
		ent("Address", hizz, "Hizzaarderlaan 3A, 8823SJ Lollum", map[string][]string{
			"postalCode": {"8823SJ"}, "houseNumber": {"3"}, "houseLetter": {"A"}, "street": {"Hizzaarderlaan"}}),
		ent("Company", unal, "Café Ünal", map[string][]string{
			"kvkNumber": {"90001234"}, "name": {"Café Ünal"}, "addressEntity": {hizz}}),
		ent("Vehicle", car, "6-TJR-64", map[string][]string{"registrationNumber": {"6TJR64"}}),
		ent("Person", jan1970, "Jan de Vries", map[string][]string{"name": {"Jan de Vries"}, "birthDate": {"1970"}}),
		ent("Person", jan1988, "Jan de Vries", map[string][]string{"name": {"Jan de Vries"}, "birthDate": {"1988"}}),
	}
	for _, e := range ents {
		stored, err := st.UpsertEntity(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		// As the processor does: the lookup keys, ref: keys among them.
		if err := resolve.Remember(ctx, st, stored); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveEvidence(ctx, store.Evidence{SHA256: e.Provenance[0].SHA256, Source: "kvk", Kind: "kvk.basisprofiel",
			URL: e.Provenance[0].URL, Status: 200, FetchedAt: e.Provenance[0].FetchedAt, Body: body(e.ID)}); err != nil {
			t.Fatal(err)
		}
		if err := st.Link(ctx, entity.Link{SignalID: w.sig.ID, EntityID: e.ID, PurposeID: w.purpose.ID, JobID: "job-1",
			LinkedAt: w.now, ExpiresAt: w.now.AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		stored, _ = st.GetEntity(ctx, e.ID)
		if err := ix.Upsert(ctx, stored); err != nil {
			t.Fatal(err)
		}
	}
	log := audit.New(st)
	worker := audit.Actor{User: "anna", Role: "worker", Origin: "worker:test"}
	for _, e := range []audit.Entry{
		{Action: audit.ActionSourceQueried, ObjectType: "task", ObjectID: "task-1", PurposeID: "bibob",
			Detail: "source=kvk subject=kvk:68750110; 2 entities"},
		{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: donald, PurposeID: "bibob"},
		{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: car, PurposeID: "bibob"},
		{Action: audit.ActionSearch, ObjectType: "query", ObjectID: "something else"},
	} {
		if _, err := log.Record(ctx, worker, e); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func entityIDs(ents []entity.Entity) []string {
	var out []string
	for _, e := range ents {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func mustSubject(t *testing.T, arg string) subject.Subject {
	t.Helper()
	s, err := subject.ParseArg(arg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFindByIdentifierInAnyNotation(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		arg             string
		about, referred []string
	}{
		{"kvk:68750110", []string{donald}, nil},
		{"address:8823 sj 3a", []string{hizz}, sorted(donald, unal)},
		{"address:8823SJ 3", nil, nil}, // 3 is not 3A
		{"plate:6-TJR-64", []string{car}, nil},
		{`name:cafe unal`, []string{unal}, nil},
		{`name:Jan de Vries`, sorted(jan1970, jan1988), nil},
		{"kvk:12345678", nil, nil},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			about, referring, err := rights.Find(t.Context(), w.st, mustSubject(t, tc.arg))
			if err != nil {
				t.Fatal(err)
			}
			if got := entityIDs(about); !slices.Equal(got, tc.about) {
				t.Errorf("about = %v, want %v", got, tc.about)
			}
			if got := entityIDs(referring); !slices.Equal(got, tc.referred) {
				t.Errorf("referring = %v, want %v", got, tc.referred)
			}
		})
	}
}

func TestReport(t *testing.T) {
	w := newWorld(t)
	rep, err := rights.Build(t.Context(), w.st, mustSubject(t, "kvk:68750110"), "audrey", w.now)
	if err != nil {
		t.Fatal(err)
	}
	if got := entityIDs(rep.Entities); !slices.Equal(got, []string{donald}) {
		t.Errorf("entities = %v", got)
	}
	if len(rep.Subjects) != 1 || rep.Subjects[0].SignalID != w.sig.ID {
		t.Errorf("subjects = %+v", rep.Subjects)
	}
	if len(rep.Signals) != 1 || rep.Signals[0].ID != w.sig.ID || rep.Signals[0].Title != "Nagelsalon" {
		t.Errorf("signals = %+v", rep.Signals)
	}
	if len(rep.Purposes) != 1 || rep.Purposes[0].LegalBasis != "Wet Bibob art. 7" {
		t.Errorf("purposes = %+v", rep.Purposes)
	}
	if !slices.Equal(rep.Sources, []string{"kvk"}) || len(rep.Evidence) != 1 || !rep.Evidence[0].Stored {
		t.Errorf("sources %v, evidence %+v", rep.Sources, rep.Evidence)
	}
	var actions []string
	for _, e := range rep.ProcessingLog {
		actions = append(actions, e.Action+" "+e.ObjectID)
	}
	want := []string{"source.queried task-1", "entity.read " + donald}
	if !slices.Equal(actions, want) {
		t.Errorf("processing log = %v, want %v (the vehicle read and the other search are not about it)", actions, want)
	}
	if !strings.Contains(rep.Summary(), donald) || strings.Contains(rep.Summary(), "68750110") {
		t.Errorf("summary %q must name ids, not the identifier", rep.Summary())
	}
}

func TestReportHTMLEscapesHostileText(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	hostile := ent("Company", evil, `<script>alert(1)</script>`, map[string][]string{
		"kvkNumber": {"77777777"}, "name": {`<img src=x onerror=alert(2)>`}})
	if _, err := w.st.UpsertEntity(ctx, hostile); err != nil {
		t.Fatal(err)
	}
	rep, err := rights.Build(ctx, w.st, mustSubject(t, "kvk:77777777"), "audrey", w.now)
	if err != nil || len(rep.Entities) != 1 {
		t.Fatalf("Build = %d entities, %v", len(rep.Entities), err)
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
		t.Error("hostile markup rendered unescaped")
	}
	for _, want := range []string{`lang="nl"`, "Inzageverslag", "&lt;script&gt;", "Verwerkingslogboek", "kvk:77777777"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestErase(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	actor := audit.Actor{User: "audrey", Role: "auditor", Origin: "test"}
	sub := mustSubject(t, "address:8823SJ 3A")

	if _, err := rights.Erase(ctx, w.st, w.ix, actor, key, sub, " "); err == nil {
		t.Fatal("an erasure without a reason succeeded")
	}
	res, err := rights.Erase(ctx, w.st, w.ix, actor, key, sub, "verzoek betrokkene 2026-17")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Entities, []string{hizz}) || res.Links != 1 || res.Evidence != 1 ||
		!slices.Equal(res.Referring, sorted(donald, unal)) || res.IndexError != "" {
		t.Errorf("Erase = %+v", res)
	}
	if _, err := w.st.GetEntity(ctx, hizz); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("erased entity: %v", err)
	}
	if _, err := w.st.GetEvidence(ctx, shaOf(hizz)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("erased entity's evidence: %v", err)
	}
	if _, err := w.st.GetEntity(ctx, donald); err != nil {
		t.Errorf("referring company erased too: %v", err)
	}
	hits, err := w.ix.Search(ctx, index.Query{Text: "Hizzaarderlaan", PurposeID: w.purpose.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits.Hits {
		if h.ID == hizz {
			t.Error("erased entity still in the index")
		}
	}

	// The log names ids and a pseudonym, never the identifier; the chain holds.
	entries, _ := w.st.ListAudit(ctx, store.AuditFilter{Action: audit.ActionSubjectErased})
	if len(entries) != 2 {
		t.Fatalf("subject.erased entries = %+v", entries)
	}
	pseudonym := audit.Pseudonym(key, sub.String())
	last := entries[1]
	if last.ObjectType != "subject" || last.ObjectID != pseudonym || last.Justification != "verzoek betrokkene 2026-17" ||
		!strings.Contains(last.Detail, "entities=1") {
		t.Errorf("erasure entry = %+v", last)
	}
	for _, e := range entries {
		if strings.Contains(e.ObjectID+e.Detail, "8823") || strings.Contains(e.ObjectID+e.Detail, "Hizzaarderlaan") {
			t.Errorf("erasure entry repeats the erased data: %+v", e)
		}
	}
	if v, err := audit.Verify(ctx, w.st); err != nil || !v.OK {
		t.Errorf("audit chain after erasure: %+v, %v", v, err)
	}

	// A KvK erasure also removes the subject the analyst entered.
	res, err = rights.Erase(ctx, w.st, w.ix, actor, key, mustSubject(t, "kvk:68750110"), "verzoek")
	if err != nil || res.Subjects != 1 || !slices.Equal(res.Entities, []string{donald}) {
		t.Errorf("kvk erasure = %+v, %v", res, err)
	}
	if sig, _ := w.st.GetSignal(ctx, w.sig.ID); len(sig.Subjects) != 0 {
		t.Errorf("signal subjects after erasure = %+v", sig.Subjects)
	}
}

func sorted(ids ...string) []string { slices.Sort(ids); return ids }
