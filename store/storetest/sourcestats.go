package storetest

import (
	"errors"
	"testing"
	"time"

	"verrijk/pipeline/subject"
	"verrijk/store"
)

func testSourceStats(t *testing.T, s store.Store) {
	ctx := t.Context()
	before := time.Now().Add(-time.Minute)
	j := mustJob(t, s, task("kvk", subject.KvK, "68750110", 0), task("kvk", subject.KvK, "69599084", 0),
		task("bag", subject.Address, "8823SJ 3A", 0), task("rdw", subject.Plate, "6TJR64", 0))
	byKey := map[string]store.Task{}
	for _, tk := range j.Tasks {
		byKey[tk.SubjectValue] = tk
	}
	mustUpdate := func(value, status, errText string) {
		t.Helper()
		if err := s.UpdateTask(ctx, byKey[value].ID, status, 1, errText); err != nil {
			t.Fatal(err)
		}
	}
	mustUpdate("68750110", store.StatusDone, "")
	mustUpdate("69599084", store.StatusFailed, "kvk: 500")
	mustUpdate("8823SJ 3A", store.StatusDone, "")

	counts, err := s.TaskStatusCounts(ctx, j.ID)
	if err != nil || counts[store.StatusDone] != 2 || counts[store.StatusFailed] != 1 || counts[store.StatusQueued] != 1 {
		t.Errorf("TaskStatusCounts = %v, %v; want done 2, failed 1, queued 1", counts, err)
	}
	header, err := s.GetJobHeader(ctx, j.ID)
	if err != nil || header.ID != j.ID || header.PurposeID != j.PurposeID || len(header.Tasks) != 0 {
		t.Errorf("GetJobHeader = %+v, %v; want the job without tasks", header, err)
	}
	if _, err := s.GetJobHeader(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetJobHeader of a missing job: %v", err)
	}
	stats, err := s.SourceStats(ctx, before)
	if err != nil {
		t.Fatalf("SourceStats: %v", err)
	}
	kvk, bag := stats["kvk"], stats["bag"]
	if kvk.Done != 1 || kvk.Failed != 1 || kvk.ErrorRate() != 0.5 || kvk.LastError != "kvk: 500" ||
		kvk.LastSuccess.IsZero() || kvk.LastErrorAt.IsZero() {
		t.Errorf("kvk stats = %+v", kvk)
	}
	if bag.Done != 1 || bag.Failed != 0 || bag.LastError != "" || bag.ErrorRate() != 0 {
		t.Errorf("bag stats = %+v", bag)
	}
	if _, ok := stats["rdw"]; ok {
		t.Errorf("a source with only queued tasks has stats: %+v", stats["rdw"])
	}
	later, err := s.SourceStats(ctx, time.Now().Add(time.Minute))
	if err != nil || later["kvk"].Done != 0 || later["kvk"].LastError != "kvk: 500" {
		t.Errorf("stats since the future = %+v, %v; want no counts but the last error kept", later["kvk"], err)
	}
}
