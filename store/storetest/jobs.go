package storetest

import (
	"testing"

	"verrijk/pipeline/subject"
	"verrijk/store"
)

func task(source string, typ subject.Type, value string, depth int) store.Task {
	return store.Task{Source: source, SubjectType: typ, SubjectValue: value, Depth: depth}
}

func testJobs(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetJob(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetJob missing")
	_, err = s.GetTask(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetTask missing")
	wantErr(t, s.UpdateTask(ctx, "nope", store.StatusDone, 1, ""), store.ErrNotFound, "UpdateTask missing")
	wantErr(t, s.SetJobStatus(ctx, "nope", store.StatusDone), store.ErrNotFound, "SetJobStatus missing")
	_, err = s.CreateJob(ctx, store.Job{SignalID: "missing", PurposeID: "missing"}, nil)
	wantErr(t, err, store.ErrNotFound, "CreateJob for a missing signal")

	j := mustJob(t, s,
		task("kvk", subject.KvK, "68750110", 0),
		task("bag", subject.Address, "8823SJ 3A", 0),
		task("kvk", subject.KvK, "68750110", 0), // duplicate: stored once
	)
	if j.ID == "" || j.Status != store.StatusQueued || len(j.Tasks) != 2 {
		t.Fatalf("CreateJob = %+v, want queued with 2 tasks", j)
	}
	for _, tk := range j.Tasks {
		if tk.ID == "" || tk.JobID != j.ID || tk.Status != store.StatusQueued {
			t.Errorf("task = %+v", tk)
		}
	}
	_, err = s.CreateJob(ctx, store.Job{ID: j.ID, SignalID: j.SignalID, PurposeID: j.PurposeID}, nil)
	wantErr(t, err, store.ErrConflict, "CreateJob with an existing id")

	got, err := s.GetJob(ctx, j.ID)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	if got.SignalID != j.SignalID || got.PurposeID != j.PurposeID || got.Justification != j.Justification ||
		got.RequestedBy != "ana" || got.MaxDepth != 1 || got.Status != store.StatusQueued {
		t.Errorf("GetJob = %+v, want %+v", got, j)
	}
	wantTime(t, "job created_at", got.CreatedAt, j.CreatedAt)
	if len(got.Tasks) != 2 || got.Tasks[0].ID != j.Tasks[0].ID || got.Tasks[1].ID != j.Tasks[1].ID {
		t.Fatalf("GetJob tasks = %+v, want %+v in order", got.Tasks, j.Tasks)
	}
	if tk := got.Tasks[1]; tk.Source != "bag" || tk.SubjectType != subject.Address || tk.SubjectValue != "8823SJ 3A" {
		t.Errorf("task = %+v", tk)
	}
	if sub := got.Tasks[0].Subject(); sub.Type != subject.KvK || sub.Value != "68750110" {
		t.Errorf("task subject = %+v", sub)
	}

	id := j.Tasks[0].ID
	if err := s.UpdateTask(ctx, id, store.StatusFailed, 3, "kvk: 500"); err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	tk, err := s.GetTask(ctx, id)
	if err != nil {
		t.Fatalf("GetTask: %v", err)
	}
	if tk.Status != store.StatusFailed || tk.Attempts != 3 || tk.Error != "kvk: 500" || tk.JobID != j.ID {
		t.Errorf("GetTask after update = %+v", tk)
	}
	if tk.UpdatedAt.Before(tk.CreatedAt) {
		t.Errorf("task updated_at %v before created_at %v", tk.UpdatedAt, tk.CreatedAt)
	}
	if err := s.SetJobStatus(ctx, j.ID, store.StatusPartial); err != nil {
		t.Fatalf("SetJobStatus: %v", err)
	}
	if got, err := s.GetJob(ctx, j.ID); err != nil || got.Status != store.StatusPartial {
		t.Errorf("job status = %q, %v; want partial", got.Status, err)
	}
}

func testAddTasksUnique(t *testing.T, s store.Store) {
	ctx := t.Context()
	j := mustJob(t, s, task("kvk", subject.KvK, "68750110", 0))
	_, err := s.AddTasks(ctx, "nope", []store.Task{task("kvk", subject.KvK, "1", 1)})
	wantErr(t, err, store.ErrNotFound, "AddTasks to a missing job")

	added, err := s.AddTasks(ctx, j.ID, []store.Task{
		task("kvk", subject.KvK, "68750110", 1),   // the job has it
		task("bag", subject.KvK, "68750110", 1),   // other source: new
		task("kvk", subject.RSIN, "68750110", 1),  // other type: new
		task("bag", subject.Address, "8823SJ", 1), // new
		task("bag", subject.Address, "8823SJ", 1), // repeated in the batch
	})
	if err != nil {
		t.Fatalf("AddTasks: %v", err)
	}
	if len(added) != 3 {
		t.Fatalf("AddTasks added %d, want 3: %+v", len(added), added)
	}
	for _, tk := range added {
		if tk.ID == "" || tk.JobID != j.ID || tk.Depth != 1 || tk.Status != store.StatusQueued {
			t.Errorf("added task = %+v", tk)
		}
	}
	origin := task("rdap", subject.Domain, "example.nl", 1)
	origin.OriginEntityID = "company-x"
	if withOrigin, err := s.AddTasks(ctx, j.ID, []store.Task{origin}); err != nil || len(withOrigin) != 1 {
		t.Fatalf("AddTasks with origin = %+v, %v", withOrigin, err)
	} else if stored, err := s.GetTask(ctx, withOrigin[0].ID); err != nil || stored.OriginEntityID != "company-x" {
		t.Errorf("origin entity = %q, %v; want company-x", stored.OriginEntityID, err)
	}
	again, err := s.AddTasks(ctx, j.ID, []store.Task{task("bag", subject.Address, "8823SJ", 2)})
	if err != nil || len(again) != 0 {
		t.Errorf("AddTasks of a known task = %+v, %v; want none added", again, err)
	}
	got, err := s.GetJob(ctx, j.ID)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	if len(got.Tasks) != 5 {
		t.Errorf("job has %d tasks, want 5 (with the one that has an origin)", len(got.Tasks))
	}
	// The same lookup in another job is a separate task.
	other := mustJob(t, s, task("kvk", subject.KvK, "68750110", 0))
	if len(other.Tasks) != 1 {
		t.Errorf("other job tasks = %+v", other.Tasks)
	}
}

func testUnfinishedTasks(t *testing.T, s store.Store) {
	ctx := t.Context()
	j := mustJob(t, s,
		task("kvk", subject.KvK, "1", 0),
		task("kvk", subject.KvK, "2", 0),
		task("kvk", subject.KvK, "3", 0),
		task("kvk", subject.KvK, "4", 0),
	)
	ids := map[string]string{}
	for _, tk := range j.Tasks {
		ids[tk.SubjectValue] = tk.ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.UpdateTask(ctx, ids["2"], store.StatusRunning, 1, ""))
	must(s.UpdateTask(ctx, ids["3"], store.StatusDone, 1, ""))
	must(s.UpdateTask(ctx, ids["4"], store.StatusSkipped, 0, ""))

	got, err := s.UnfinishedTasks(ctx, 10)
	if err != nil {
		t.Fatalf("UnfinishedTasks: %v", err)
	}
	if len(got) != 2 || got[0].ID != ids["1"] || got[1].ID != ids["2"] {
		t.Fatalf("UnfinishedTasks = %+v, want tasks 1 and 2", got)
	}
	if got, err := s.UnfinishedTasks(ctx, 1); err != nil || len(got) != 1 {
		t.Errorf("UnfinishedTasks(1) = %d tasks, %v", len(got), err)
	}
	if got, err := s.UnfinishedTasks(ctx, 0); err != nil || len(got) != 2 {
		t.Errorf("UnfinishedTasks(0) = %d tasks, %v; want the default limit", len(got), err)
	}
}
