package indicators

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"verrijk/audit"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// engineFixture is a SQLite store with one signal enriched under two
// purposes, bibob (active) and oud (retired).
type engineFixture struct {
	st     store.Store
	engine *Engine
	signal string
	job    string
}

func newEngineFixture(t *testing.T, rules *Rules) engineFixture {
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
	sig, err := st.CreateSignal(ctx, store.Signal{Title: "Nagelstudio Hoofdstraat 12", Team: "west", CreatedBy: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	var job string
	for _, id := range []string{"bibob", "oud"} {
		p, err := st.CreatePurpose(ctx, store.Purpose{ID: id, Name: id, LegalBasis: "AVG art. 6(1)(e)",
			ProcessingActivity: "https://register.example/" + id, Retention: "P1Y", AllowedSources: []string{"kvk"}})
		if err != nil {
			t.Fatal(err)
		}
		j, err := st.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: p.ID, Justification: "signaal", RequestedBy: "anna"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if id == "bibob" {
			job = j.ID
		}
	}
	f := engineFixture{st: st, signal: sig.ID, job: job}
	f.link(t, "bibob", ent("Company", "company-glans", "incorporationDate", "2026-01-10", "employees", "0"))
	f.link(t, "oud", ent("Company", "company-glans", "incorporationDate", "2026-01-10", "employees", "0"))
	p, _ := st.GetPurpose(ctx, "oud")
	p.Active = false
	if _, err := st.UpdatePurpose(ctx, p); err != nil {
		t.Fatal(err)
	}
	f.engine = NewEngine(st, audit.New(st), rules, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.engine.Now = func() time.Time { return now }
	return f
}

func (f engineFixture) link(t *testing.T, purpose string, e entity.Entity) {
	t.Helper()
	if _, err := f.st.UpsertEntity(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Link(t.Context(), entity.Link{SignalID: f.signal, EntityID: e.ID, PurposeID: purpose,
		ExpiresAt: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
}

func (f engineFixture) stored(t *testing.T) []store.IndicatorHit {
	t.Helper()
	hits, err := f.st.IndicatorHits(t.Context(), store.IndicatorFilter{SignalID: f.signal})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func ruleIDs(hits []store.IndicatorHit) string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.RuleID+"@"+h.PurposeID+"@"+h.RuleVersion)
	}
	return strings.Join(ids, " ")
}

func TestEvaluateSignalStoresHitsPerPurpose(t *testing.T) {
	f := newEngineFixture(t, shippedRules(t))
	ctx := t.Context()
	hits, err := f.engine.EvaluateSignal(ctx, f.signal)
	if err != nil {
		t.Fatalf("EvaluateSignal: %v", err)
	}
	// The retired purpose allows no new processing: nothing under it.
	if got := ruleIDs(hits); got != "recent-ingeschreven@bibob@2026.1" {
		t.Errorf("hits = %s", got)
	}
	if got := ruleIDs(f.stored(t)); got != "recent-ingeschreven@bibob@2026.1" {
		t.Errorf("stored = %s", got)
	}
	entries, err := f.st.ListAudit(ctx, store.AuditFilter{Action: ActionEvaluated})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit = %+v, %v; want one entry", entries, err)
	}
	e := entries[0]
	if e.ObjectID != f.signal || e.PurposeID != "bibob" || e.ProcessingActivity != "https://register.example/bibob" ||
		!strings.Contains(e.Detail, "rules 2026.1: 1 hits on 1 entities (recent-ingeschreven)") || strings.Contains(e.Detail, "2026-01-10") {
		t.Errorf("audit entry = %+v", e)
	}

	// New data: the next evaluation replaces the hits.
	f.link(t, "bibob", ent("Sanction", "sanction-1", "topics", "sanction", "entity", "company-glans"))
	if _, err := f.engine.EvaluateSignal(ctx, f.signal); err != nil {
		t.Fatal(err)
	}
	if got := ruleIDs(f.stored(t)); got != "sanctielijst-treffer@bibob@2026.1 recent-ingeschreven@bibob@2026.1" {
		t.Errorf("stored after new data = %s", got)
	}
	if _, err := f.engine.EvaluateSignal(ctx, "no-such-signal"); err == nil {
		t.Error("EvaluateSignal of an unknown signal: no error")
	}
}

func TestJobFinishedEvaluatesOnADetachedContext(t *testing.T) {
	f := newEngineFixture(t, shippedRules(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the task's context may already be done
	f.engine.JobFinished(ctx, f.job, f.signal)
	if got := ruleIDs(f.stored(t)); got != "recent-ingeschreven@bibob@2026.1" {
		t.Errorf("stored = %s", got)
	}
	entries, _ := f.st.ListAudit(t.Context(), store.AuditFilter{Action: ActionEvaluated})
	if len(entries) != 1 || entries[0].TraceID != f.job {
		t.Errorf("audit entries %+v; want one traced to job %s", entries, f.job)
	}
}

func TestRecomputeStaleAfterARulesChange(t *testing.T) {
	rs := shippedRules(t)
	f := newEngineFixture(t, rs)
	ctx := t.Context()
	n, err := f.engine.RecomputeStale(ctx)
	if err != nil || n != 1 {
		t.Fatalf("first pass evaluated %d, %v; want the one signal", n, err)
	}
	if n, _ := f.engine.RecomputeStale(ctx); n != 0 {
		t.Errorf("second pass with the same rules evaluated %d", n)
	}
	next := *rs
	next.Version = "2026.2"
	f.engine.SetRules(&next)
	if n, _ := f.engine.RecomputeStale(ctx); n != 1 {
		t.Errorf("pass after a new version evaluated %d, want 1", n)
	}
	if got := ruleIDs(f.stored(t)); got != "recent-ingeschreven@bibob@2026.2" {
		t.Errorf("stored = %s", got)
	}
}

const reloadRules = `version: "%s"
rules:
  - id: geen-personeel
    title: Geen personeel
    explanation: Geen werkzame personen.
    schema: Company
    weight: %s
    reads: [employees]
    when: {property: employees, at_most: 0}
`

func writeRules(t *testing.T, path, version, weight string, mod time.Time) {
	t.Helper()
	body := strings.Replace(strings.Replace(reloadRules, "%s", version, 1), "%s", weight, 1)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// An explicit time: two writes within the file system's clock
	// resolution must still look different.
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestReloadKeepsRulesUnlessValidAndNewVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "indicators.yaml")
	writeRules(t, path, "v1", "2", now)
	rs, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := newEngineFixture(t, rs)
	if f.engine.Reload(path) {
		t.Error("an unchanged file counted as a change")
	}
	writeRules(t, path, "v1", "3", now.Add(time.Second))
	if f.engine.Reload(path) || f.engine.Rules().Rules[0].Weight != 2 {
		t.Error("an edit that kept the version was used")
	}
	writeRules(t, path, "v2", "99", now.Add(2*time.Second))
	if f.engine.Reload(path) || f.engine.Rules().Version != "v1" {
		t.Error("an invalid file was used")
	}
	writeRules(t, path, "v2", "4", now.Add(3*time.Second))
	if !f.engine.Reload(path) || f.engine.Rules().Version != "v2" || f.engine.Rules().Rules[0].Weight != 4 {
		t.Errorf("a valid new version was not used: %+v", f.engine.Rules())
	}
}

// TestFollowRecomputesWhenTheFileChanges: a server following the rules
// file evaluates every signal again soon after an admin saved a new
// version.
func TestFollowRecomputesWhenTheFileChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "indicators.yaml")
	writeRules(t, path, "v1", "2", now)
	rs, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := newEngineFixture(t, rs)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { f.engine.Follow(ctx, path, 10*time.Millisecond, true); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, func() bool { return ruleIDs(f.stored(t)) == "geen-personeel@bibob@v1" })
	writeRules(t, path, "v2", "5", now.Add(time.Second))
	waitFor(t, func() bool {
		hits := f.stored(t)
		return len(hits) == 1 && hits[0].RuleVersion == "v2" && hits[0].Weight == 5
	})
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenFallsBackToBuiltinRulesOnlyForTheDefault(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "indicators.yaml")
	rs, follow, err := Open(missing, true)
	if err != nil || follow != "" || rs.Source != builtinName || len(rs.Rules) == 0 {
		t.Errorf("Open(missing, fallback) = %v, %q, %v", rs, follow, err)
	}
	if _, _, err := Open(missing, false); err == nil {
		t.Error("a missing configured file was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: x\nrules: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(bad, true); err == nil {
		t.Error("an invalid file fell back to the built-in rules")
	}
	shipped := shippedRules(t)
	builtin, err := Builtin()
	if err != nil || builtin.Digest != shipped.Digest {
		t.Errorf("built-in rules differ from configs/indicators.yaml: %v", err)
	}
}

// TestRecomputeStaleAfterADataChange: data that changes outside a job of
// the signal (a shared entity found again for another signal) is
// evaluated again by the next pass.
func TestRecomputeStaleAfterADataChange(t *testing.T) {
	f := newEngineFixture(t, shippedRules(t))
	ctx := t.Context()
	if n, err := f.engine.RecomputeStale(ctx); err != nil || n != 1 {
		t.Fatalf("first pass evaluated %d, %v", n, err)
	}
	time.Sleep(2 * time.Millisecond) // the store's clock must pass the run's data time
	if _, err := f.st.UpsertEntity(ctx, ent("Company", "company-glans", "sbiCode", "96022")); err != nil {
		t.Fatal(err)
	}
	if n, err := f.engine.RecomputeStale(ctx); err != nil || n != 1 {
		t.Fatalf("pass after a data change evaluated %d, %v; want 1", n, err)
	}
	if got := ruleIDs(f.stored(t)); got != "kasintensieve-branche@bibob@2026.1 recent-ingeschreven@bibob@2026.1 "+
		"geen-website-publieksgericht@bibob@2026.1" {
		t.Errorf("stored = %s", got)
	}
}
