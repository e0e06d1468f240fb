// Package storetest is the conformance suite every store.Store backend must
// pass, plus helpers that give tests a fresh PostgreSQL database.
package storetest

import (
	"errors"
	"testing"
	"time"

	"verrijk/store"
)

// Run exercises every Store method. open must return a new, empty store
// (Run migrates it and closes it at the end of each subtest).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Signals", testSignals},
		{"SubjectDedupe", testSubjectDedupe},
		{"Purposes", testPurposes},
		{"Jobs", testJobs},
		{"AddTasksUnique", testAddTasksUnique},
		{"UnfinishedTasks", testUnfinishedTasks},
		{"Evidence", testEvidence},
		{"Tokens", testTokens},
		{"TokenLifecycle", testTokenLifecycle}, {"PurposeVersions", testPurposeVersions}, {"LinkPurposeVersion", testLinkPurposeVersion},
		{"SignalTeams", testSignalTeams},
		{"EntityMerge", testEntityMerge},
		{"EntityHostileText", testEntityHostileText},
		{"EntityConcurrentUpserts", testEntityConcurrentUpserts},
		{"Links", testLinks},
		{"SignalEntities", testSignalEntities},
		{"ChangedEntities", testChangedEntities},
		{"Retention", testRetention}, {"RetentionEvidence", testRetentionEvidence},
		{"EntityKeys", testEntityKeys}, {"GetEntities", testGetEntities}, {"MatchDecisions", testMatchDecisions},
		{"SourceStats", testSourceStats},
		{"SourceOverrides", testSourceOverrides},
		{"AuditChain", testAuditChain},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditFilters", testAuditFilters},
		{"TimeRoundTrip", testTimeRoundTrip},
		{"IndicatorHits", testIndicatorHits}, {"IndicatorHitsFollowLinks", testIndicatorHitsFollowLinks},
		{"StaleIndicatorSignals", testStaleIndicatorSignals},
		{"SignalWorkflow", testSignalWorkflow}, {"PurgeSignal", testPurgeSignal}, {"Atomic", testAtomic},
		{"SubjectData", testSubjectData}, {"RetentionOverview", testRetentionOverview},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

// mustSignal creates a signal or fails the test.
func mustSignal(t *testing.T, s store.Store, title string) store.Signal {
	t.Helper()
	sig, err := s.CreateSignal(t.Context(), store.Signal{Title: title, Team: "team-a", CreatedBy: "ana"})
	if err != nil {
		t.Fatalf("CreateSignal: %v", err)
	}
	return sig
}

// mustPurpose creates a purpose with the given id or fails the test.
func mustPurpose(t *testing.T, s store.Store, id string) store.Purpose {
	t.Helper()
	p, err := s.CreatePurpose(t.Context(), store.Purpose{
		ID: id, Name: "Bibob " + id, LegalBasis: "Wet Bibob art. 7", ProcessingActivity: "bibob-onderzoek",
		Retention: "P1Y", AllowedSources: []string{"kvk", "bag"},
	})
	if err != nil {
		t.Fatalf("CreatePurpose: %v", err)
	}
	return p
}

// mustJob creates a job on a new signal and purpose, with the given tasks.
func mustJob(t *testing.T, s store.Store, tasks ...store.Task) store.Job {
	t.Helper()
	sig := mustSignal(t, s, "job signal")
	p := mustPurpose(t, s, "purpose-"+sig.ID)
	j, err := s.CreateJob(t.Context(), store.Job{
		SignalID: sig.ID, PurposeID: p.ID, Justification: "aanvraag exploitatievergunning", RequestedBy: "ana", MaxDepth: 1,
	}, tasks)
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	return j
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// wantTime checks a time read back from the store: equal to want (already
// truncated by the caller), in UTC, with no sub-microsecond part.
func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, got.Location())
	}
	if got.Nanosecond()%1000 != 0 {
		t.Errorf("%s = %v has sub-microsecond precision", what, got)
	}
}
