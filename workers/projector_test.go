package workers

import (
	"slices"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func bakery() entity.Entity {
	return entity.Entity{ID: entity.MakeID(entity.SchemaCompany, "kvkNumber", "99887766"), Schema: entity.SchemaCompany,
		Caption: "Bakkerij De Witte Was", Properties: map[string][]string{"name": {"Bakkerij De Witte Was"}, "kvkNumber": {"99887766"}},
		Provenance: []entity.Provenance{{Source: "kvk", URL: "https://evidence.invalid/x", FetchedAt: fetchedAt,
			SHA256: "00", Properties: []string{"name", "kvkNumber"}}}}
}

func (f *fixture) link(e entity.Entity, signalID, purposeID string) {
	f.t.Helper()
	if err := f.store.Link(f.ctx, entity.Link{SignalID: signalID, EntityID: e.ID, PurposeID: purposeID,
		LinkedAt: time.Now(), ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
		f.t.Fatal(err)
	}
}

func TestProjectorFollowsTheStore(t *testing.T) {
	// A near-zero overlap makes the second pass rely on the cursor alone.
	for name, overlap := range map[string]time.Duration{"default overlap": 0, "no overlap": time.Nanosecond} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			pr := &Projector{Store: f.store, Index: f.index, Overlap: overlap, Log: quiet}
			e := bakery()
			if _, err := f.store.UpsertEntity(f.ctx, e); err != nil {
				t.Fatal(err)
			}
			f.link(e, f.signal.ID, f.purpose.ID)
			if ids := f.search("Witte Was", f.purpose.ID); len(ids) != 0 {
				t.Fatalf("indexed before projecting: %v", ids)
			}

			if n, err := pr.RunOnce(f.ctx); err != nil || n < 1 {
				t.Fatalf("RunOnce = %d, %v", n, err)
			}
			if ids := f.search("Witte Was", f.purpose.ID); !slices.Contains(ids, e.ID) {
				t.Fatalf("after projecting: %v, want %s", ids, e.ID)
			}
			if _, err := pr.RunOnce(f.ctx); err != nil {
				t.Fatalf("second RunOnce with nothing new: %v", err)
			}

			// A later link under another purpose becomes searchable there.
			other, err := f.store.CreatePurpose(f.ctx, store.Purpose{ID: "vergunning-horeca", Name: "Horecavergunning",
				LegalBasis: "APV", ProcessingActivity: "vergunningverlening", Retention: "P6M", AllowedSources: []string{"kvk"}})
			if err != nil {
				t.Fatal(err)
			}
			sig, err := f.store.CreateSignal(f.ctx, store.Signal{Title: "Aanvraag exploitatievergunning", CreatedBy: "bo"})
			if err != nil {
				t.Fatal(err)
			}
			if ids := f.search("Witte Was", other.ID); len(ids) != 0 {
				t.Fatalf("found under a purpose it is not linked to: %v", ids)
			}
			f.link(e, sig.ID, other.ID)
			if n, err := pr.RunOnce(f.ctx); err != nil || n < 1 {
				t.Fatalf("RunOnce after the new link = %d, %v", n, err)
			}
			if ids := f.search("Witte Was", other.ID); !slices.Contains(ids, e.ID) {
				t.Errorf("under the new purpose: %v, want %s", ids, e.ID)
			}
			if ids := f.search("Witte Was", f.purpose.ID); !slices.Contains(ids, e.ID) {
				t.Errorf("lost under the first purpose: %v", ids)
			}
		})
	}
}

// What a worker without the index stored is caught up by the projector.
func TestProjectorCatchesUpWorkerWithoutIndex(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	p.Index = nil
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	pr := &Projector{Store: f.store, Index: f.index, Log: quiet}
	if _, err := pr.RunOnce(f.ctx); err != nil {
		t.Fatal(err)
	}
	ids := f.search("Donald", f.purpose.ID)
	if !slices.Contains(ids, donaldCompany) {
		t.Errorf("search = %v, want %s", ids, donaldCompany)
	}
}
