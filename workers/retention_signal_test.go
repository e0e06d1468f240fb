package workers

import (
	"errors"
	"strings"
	"testing"
	"time"

	"verrijk/audit"
	"verrijk/retention"
	"verrijk/store"
)

// TestSweepPurgesInactiveSignals: a signal without activity for
// retention.signal_period is closed and purged with its subjects, jobs and
// links; the entities only it held go from store, index and evidence; the
// log says so with ids only, and the chain still verifies.
func TestSweepPurgesInactiveSignals(t *testing.T) {
	f := newFixture(t)
	ents := f.enriched()
	pol := Policy{SignalPeriod: retention.Period{Years: 3}}
	// The signal's last activity is now (real time), its links expire a
	// year after fixedNow (in the past): a sweep as of fixedNow is within
	// both, and the signal phase runs before the link phase.
	start := time.Now()

	res, err := Sweep(f.ctx, f.store, f.index, f.audit, fixedNow, pol)
	if err != nil || res != (SweepResult{}) {
		t.Fatalf("sweep within the signal's period = %+v, %v; want nothing", res, err)
	}
	if _, err := f.store.GetSignal(f.ctx, f.signal.ID); err != nil {
		t.Fatalf("signal gone within its period: %v", err)
	}

	res, err = Sweep(f.ctx, f.store, f.index, f.audit, start.AddDate(3, 0, 1), pol)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if res.Signals != 1 || res.Entities != len(ents) || res.Links != len(ents) {
		t.Errorf("Sweep = %+v, want 1 signal and its %d entities", res, len(ents))
	}
	if _, err := f.store.GetSignal(f.ctx, f.signal.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("signal after its period: %v, want purged", err)
	}
	for _, e := range ents {
		if _, err := f.store.GetEntity(f.ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("entity %s of the purged signal: %v, want deleted", e.ID, err)
		}
		for _, p := range e.Provenance {
			if _, err := f.store.GetEvidence(f.ctx, p.SHA256); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("evidence %s of the purged signal: %v, want deleted", p.SHA256, err)
			}
		}
	}
	for _, q := range []string{"", "Donald", "68750110"} {
		if got := f.search(q, f.purpose.ID); len(got) != 0 {
			t.Errorf("search %q after the purge = %v", q, got)
		}
	}
	var signalEntry *store.AuditEntry
	for _, e := range f.retentionEntries() {
		if e.ObjectType == "signal" {
			signalEntry = &e
		}
		if strings.Contains(e.Detail, "Donald") || strings.Contains(e.Detail, "68750110") {
			t.Errorf("retention entry holds personal data: %+v", e)
		}
	}
	if signalEntry == nil || signalEntry.ObjectID != f.signal.ID || !strings.Contains(signalEntry.Detail, "closed and purged") {
		t.Errorf("signal purge audited as %+v", signalEntry)
	}
	if v, err := audit.Verify(f.ctx, f.store); err != nil || !v.OK {
		t.Errorf("audit.Verify = %+v, %v", v, err)
	}
}
