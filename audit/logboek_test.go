package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

func sqliteStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// export runs Export and parses every line, failing on anything that is
// not one JSON object per line.
func export(t *testing.T, st store.Store, f store.AuditFilter, key []byte) []audit.LogboekRecord {
	t.Helper()
	var buf bytes.Buffer
	n, err := audit.Export(context.Background(), st, &buf, f, key)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.LogboekRecord
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r audit.LogboekRecord
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d is not a Logboek record: %v: %s", len(out)+1, err, sc.Bytes())
		}
		out = append(out, r)
	}
	if n != len(out) {
		t.Errorf("Export says %d, wrote %d lines", n, len(out))
	}
	return out
}

var (
	hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)
	hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Texts that must never leave the system in an export.
const (
	secretJustification = "Melding buurman Jan de Vries over hennepteelt"
	secretDetail        = "zocht op Kerkstraat 12 Utrecht"
)

func TestExportLogboekShape(t *testing.T) {
	st := sqliteStore(t)
	l := audit.New(st)
	ctx := context.Background()
	anna := audit.Actor{User: "anna", Role: "analyst", Origin: "10.0.0.7"}
	const job = "0190f2c4-8d1e-7b3a-9c4d-5e6f7a8b9c0d"
	entries := []audit.Entry{
		{Action: audit.ActionSignalCreated, ObjectType: "signal", ObjectID: "sig-1", Justification: secretJustification},
		{Action: audit.ActionEnrichmentRequested, ObjectType: "signal", ObjectID: "sig-1", PurposeID: "onderzoek",
			ProcessingActivity: "https://register.example/va/12", TraceID: job, Detail: secretDetail},
		{Action: audit.ActionSearch, ObjectType: "query", ObjectID: "Kerkstraat 12", Result: audit.ResultEmpty, Detail: secretDetail},
		{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: "ent-9", Result: audit.ResultDenied},
		{Action: audit.ActionSourceQueried, ObjectType: "task", ObjectID: "task-3", Result: audit.ResultFailed, TraceID: "not-hex"},
		{Action: audit.ActionPurposeChanged, ObjectType: "purpose", ObjectID: "onderzoek", Result: "weird"},
	}
	var stored []store.AuditEntry
	for _, e := range entries {
		s, err := l.Record(ctx, anna, e)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, s)
	}
	key := []byte("key-one")
	recs := export(t, st, store.AuditFilter{}, key)
	if len(recs) != len(entries) {
		t.Fatalf("%d records, want %d", len(recs), len(entries))
	}

	wantStatus := []string{"OK", "OK", "OK", "ERROR", "ERROR", "UNSET"}
	spans := map[string]bool{}
	for i, r := range recs {
		e := stored[i]
		if r.Name != e.Action || r.StatusCode != wantStatus[i] || r.ParentSpanID != "" {
			t.Errorf("record %d: name %q status %q parent %q", i, r.Name, r.StatusCode, r.ParentSpanID)
		}
		if !hex32.MatchString(r.TraceID) || !hex16.MatchString(r.SpanID) {
			t.Errorf("record %d: trace %q span %q not 32/16 hex", i, r.TraceID, r.SpanID)
		}
		spans[r.SpanID] = true
		wantTime := e.Time.UTC().Format(time.RFC3339Nano)
		if r.StartTime != wantTime || r.EndTime != wantTime || !strings.HasSuffix(r.StartTime, "Z") {
			t.Errorf("record %d: times %q %q, want %q", i, r.StartTime, r.EndTime, wantTime)
		}
		if r.Resource.Name != "verrijk" || r.Resource.Version == "" {
			t.Errorf("record %d: resource %+v", i, r.Resource)
		}
		a := r.Attributes
		if a["verrijk.actor"] != "anna" || a["verrijk.role"] != "analyst" || a["verrijk.origin"] != "10.0.0.7" ||
			a["verrijk.result"] != e.Result || a["verrijk.seq"] != strconv.FormatInt(e.Seq, 10) || a["verrijk.hash"] != e.Hash ||
			a["dpl.core.purpose_id"] != e.PurposeID || a["dpl.core.processing_activity_id"] != e.ProcessingActivity {
			t.Errorf("record %d: attributes %v for entry %+v", i, a, e)
		}
		if _, ok := a["dpl.core.data_subject_id"]; !ok {
			t.Errorf("record %d: no data_subject_id attribute", i)
		}
	}
	if len(spans) != len(recs) {
		t.Errorf("span ids are not unique: %v", spans)
	}

	// A UUID trace id is kept (it is the job id); no or another trace id
	// still gives 32 hex.
	if recs[1].TraceID != strings.ReplaceAll(job, "-", "") {
		t.Errorf("trace id %q, want the job id %s", recs[1].TraceID, job)
	}
	if recs[0].TraceID == recs[1].TraceID || recs[0].TraceID == recs[2].TraceID {
		t.Errorf("entries without a trace share a trace id")
	}

	// Pseudonyms: set for signals, queries and entities, never the raw id,
	// the same for the same object and key, different under another key.
	subj := func(r audit.LogboekRecord) string { return r.Attributes["dpl.core.data_subject_id"] }
	for _, i := range []int{0, 1, 2, 3} {
		if !hex64.MatchString(subj(recs[i])) {
			t.Errorf("record %d: data_subject_id %q is not a pseudonym", i, subj(recs[i]))
		}
	}
	if subj(recs[0]) != subj(recs[1]) || subj(recs[0]) == subj(recs[3]) {
		t.Errorf("same signal gives %q and %q; entity gives %q", subj(recs[0]), subj(recs[1]), subj(recs[3]))
	}
	if recs[0].Attributes["dpl.core.data_subject_id_type"] != "verrijk:signal" {
		t.Errorf("data_subject_id_type = %q", recs[0].Attributes["dpl.core.data_subject_id_type"])
	}
	for _, i := range []int{4, 5} { // a task and a purpose are nobody
		if subj(recs[i]) != "" {
			t.Errorf("record %d (%s): data_subject_id %q, want empty", i, stored[i].ObjectType, subj(recs[i]))
		}
	}
	again := export(t, st, store.AuditFilter{}, key)
	other := export(t, st, store.AuditFilter{}, []byte("key-two"))
	if subj(again[0]) != subj(recs[0]) {
		t.Errorf("pseudonym not stable under one key")
	}
	if subj(other[0]) == subj(recs[0]) || subj(other[2]) == subj(recs[2]) {
		t.Errorf("pseudonym does not change with the key")
	}

	// Data minimisation: no free text, no raw identifying ids.
	var raw bytes.Buffer
	if _, err := audit.Export(ctx, st, &raw, store.AuditFilter{}, key); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{secretJustification, secretDetail, "Jan de Vries", "Kerkstraat", "sig-1", "ent-9"} {
		if strings.Contains(raw.String(), leak) {
			t.Errorf("export contains %q", leak)
		}
	}
}

func TestExportFiltersAndPages(t *testing.T) {
	st := sqliteStore(t)
	l := audit.New(st)
	ctx := context.Background()
	actor := audit.Actor{User: "w", Role: "worker", Origin: "worker:test"}
	// More than one page, so paging by AfterSeq is exercised.
	const total = 1003
	for i := range total {
		e := audit.Entry{Action: audit.ActionSourceQueried, ObjectType: "task", ObjectID: strconv.Itoa(i), PurposeID: "a"}
		if i%100 == 0 {
			e.Action, e.PurposeID = audit.ActionSearch, "b"
		}
		if _, err := l.Record(ctx, actor, e); err != nil {
			t.Fatal(err)
		}
	}
	all := export(t, st, store.AuditFilter{Limit: 5}, nil) // Limit is ignored
	if len(all) != total {
		t.Fatalf("%d records, want %d", len(all), total)
	}
	for i, r := range all {
		if r.Attributes["verrijk.seq"] != strconv.Itoa(i+1) {
			t.Fatalf("record %d has seq %s: out of order or repeated", i, r.Attributes["verrijk.seq"])
		}
	}
	if n := len(export(t, st, store.AuditFilter{Action: audit.ActionSearch}, nil)); n != 11 {
		t.Errorf("action filter: %d records, want 11", n)
	}
	if n := len(export(t, st, store.AuditFilter{PurposeID: "a"}, nil)); n != total-11 {
		t.Errorf("purpose filter: %d records, want %d", n, total-11)
	}
	if n := len(export(t, st, store.AuditFilter{AfterSeq: 1000}, nil)); n != 3 {
		t.Errorf("after seq 1000: %d records, want 3", n)
	}
	if n := len(export(t, st, store.AuditFilter{Since: time.Now().Add(time.Hour)}, nil)); n != 0 {
		t.Errorf("since the future: %d records", n)
	}
}

func TestExportStopsOnCancel(t *testing.T) {
	st := sqliteStore(t)
	if _, err := audit.New(st).Record(context.Background(), audit.Actor{User: "u"}, audit.Entry{Action: audit.ActionSearch}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if n, err := audit.Export(ctx, st, &buf, store.AuditFilter{}, nil); err == nil || n != 0 || buf.Len() != 0 {
		t.Errorf("cancelled export: n=%d err=%v, %d bytes", n, err, buf.Len())
	}
}
