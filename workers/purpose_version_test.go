package workers

import "testing"

// A link records the version of the purpose it was made under: the version
// current when the task ran, not the one the job started with.
func TestLinksRecordPurposeVersion(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	// Two edits: the purpose is at version 3 when the task runs.
	for range 2 {
		var err error
		if f.purpose, err = f.store.UpdatePurpose(f.ctx, f.purpose); err != nil {
			t.Fatal(err)
		}
	}
	if f.purpose.Version != 3 {
		t.Fatalf("purpose version = %d, want 3", f.purpose.Version)
	}
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatalf("ProcessTask: %v", err)
	}
	ents, err := f.store.SignalEntities(f.ctx, f.signal.ID, f.purpose.ID)
	if err != nil || len(ents) == 0 {
		t.Fatalf("SignalEntities = %d entities, %v", len(ents), err)
	}
	for _, e := range ents {
		for _, l := range e.Signals {
			if l.PurposeVersion != 3 {
				t.Errorf("%s link purpose_version = %d, want 3", e.ID, l.PurposeVersion)
			}
		}
	}
}
