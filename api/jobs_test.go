package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/store"
)

// newJob requests an enrichment of enrichableSignal and returns the stored
// job (three tasks).
func newJob(f *fixture) store.Job {
	f.t.Helper()
	sig := enrichableSignal(f)
	out := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": justification}, http.StatusAccepted)
	job, err := f.store.GetJob(context.Background(), out["job_id"].(string))
	if err != nil {
		f.t.Fatal(err)
	}
	return job
}

func (f *fixture) setTask(id, status string, attempts int, errText string) {
	f.t.Helper()
	if err := f.store.UpdateTask(context.Background(), id, status, attempts, errText); err != nil {
		f.t.Fatal(err)
	}
}

func TestGetJob(t *testing.T) {
	f := newFixture(t)
	job := newJob(f)
	out := f.call(api.RoleAnalyst, "GET", "/api/v1/jobs/"+job.ID, nil, http.StatusOK)
	if out["id"] != job.ID || out["status"] != "queued" || out["progress"] != 0.0 ||
		out["signal_id"] != job.SignalID || out["purpose_id"] != onderzoek {
		t.Errorf("job = %v", out)
	}
	tasks := list(t, out, "tasks")
	var subjects []string
	for _, raw := range tasks {
		task := raw.(map[string]any)
		for _, k := range []string{"source", "subject", "status", "attempts", "error"} {
			if _, ok := task[k]; !ok {
				t.Errorf("task %v has no %q", task, k)
			}
		}
		if task["status"] != "queued" || task["attempts"] != 0.0 || task["error"] != "" {
			t.Errorf("new task = %v", task)
		}
		subjects = append(subjects, task["source"].(string)+" "+task["subject"].(string))
	}
	sort.Strings(subjects)
	if want := "bag address:8823SJ 3A,kvk address:8823SJ 3A,kvk kvk:68750110"; strings.Join(subjects, ",") != want {
		t.Errorf("tasks = %v, want %s", subjects, want)
	}

	f.setTask(job.Tasks[0].ID, store.StatusFailed, 3, "kvk: 503 Service Unavailable")
	out = f.call(api.RoleAnalyst, "GET", "/api/v1/jobs/"+job.ID, nil, http.StatusOK)
	for _, raw := range list(t, out, "tasks") {
		task := raw.(map[string]any)
		if task["id"] == job.Tasks[0].ID && (task["status"] != "failed" || task["attempts"] != 3.0 ||
			task["error"] != "kvk: 503 Service Unavailable") {
			t.Errorf("failed task = %v", task)
		}
	}

	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/jobs/does-not-exist", nil), http.StatusNotFound, "not_found", "job")
}

// TestJobStatusFromTasks sets the three tasks' statuses and checks the
// job's status and progress are derived from them.
func TestJobStatusFromTasks(t *testing.T) {
	f := newFixture(t)
	job := newJob(f)
	const (
		q = store.StatusQueued
		r = store.StatusRunning
		d = store.StatusDone
		x = store.StatusFailed
		s = store.StatusSkipped
	)
	cases := []struct {
		tasks    [3]string
		status   string
		progress float64
	}{
		{[3]string{q, q, q}, "queued", 0},
		{[3]string{r, q, q}, "running", 0},
		{[3]string{d, q, q}, "running", 1.0 / 3},
		{[3]string{d, r, x}, "running", 2.0 / 3},
		{[3]string{d, d, d}, "done", 1},
		{[3]string{d, s, s}, "done", 1},
		{[3]string{d, x, d}, "partial", 1},
		{[3]string{x, x, x}, "failed", 1},
	}
	for _, c := range cases {
		for i, st := range c.tasks {
			f.setTask(job.Tasks[i].ID, st, 1, "")
		}
		out := f.call(api.RoleAnalyst, "GET", "/api/v1/jobs/"+job.ID, nil, http.StatusOK)
		p, _ := out["progress"].(float64)
		if out["status"] != c.status || p < c.progress-1e-9 || p > c.progress+1e-9 {
			t.Errorf("tasks %v: status %v progress %v, want %s %v", c.tasks, out["status"], out["progress"], c.status, c.progress)
		}
	}
}

type sseEvent struct {
	name string
	data map[string]any
}

// readEvents parses a server-sent event stream onto a channel, closing it
// at the end of the stream.
func readEvents(t *testing.T, resp *http.Response) <-chan sseEvent {
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data); err != nil {
					t.Errorf("event data %q: %v", line, err)
				}
			case line == "":
				ch <- ev
				ev = sseEvent{}
			}
		}
	}()
	return ch
}

// next returns the next event, failing on the end of the stream.
func next(t *testing.T, ctx context.Context, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("event stream ended early")
		}
		return ev
	case <-ctx.Done():
		t.Fatal("no event before the deadline")
	}
	return sseEvent{}
}

func openEvents(t *testing.T, ctx context.Context, f *fixture, jobID string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/jobs/"+jobID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[api.RoleAnalyst])
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp
}

func TestJobEvents(t *testing.T) {
	f := newFixture(t)
	job := newJob(f)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events := readEvents(t, openEvents(t, ctx, f, job.ID))

	// First every task as it is, then the job.
	for range job.Tasks {
		if ev := next(t, ctx, events); ev.name != "task" || ev.data["status"] != "queued" || ev.data["subject"] == "" {
			t.Fatalf("first events: %+v", ev)
		}
	}
	if ev := next(t, ctx, events); ev.name != "job" || ev.data["id"] != job.ID || ev.data["status"] != "queued" {
		t.Fatalf("job event: %+v", ev)
	}

	// One task starts: one task event, then the job is running.
	f.setTask(job.Tasks[1].ID, store.StatusRunning, 1, "")
	if ev := next(t, ctx, events); ev.name != "task" || ev.data["id"] != job.Tasks[1].ID || ev.data["status"] != "running" {
		t.Fatalf("task event: %+v", ev)
	}
	if ev := next(t, ctx, events); ev.name != "job" || ev.data["status"] != "running" {
		t.Fatalf("job event: %+v", ev)
	}

	// All end, one failed: the stream reports them and ends with done.
	f.setTask(job.Tasks[0].ID, store.StatusDone, 1, "")
	f.setTask(job.Tasks[1].ID, store.StatusDone, 1, "")
	f.setTask(job.Tasks[2].ID, store.StatusFailed, 3, "bag: timeout")
	var done sseEvent
	finals := map[string]string{}
	for done.name == "" {
		switch ev := next(t, ctx, events); ev.name {
		case "task":
			finals[ev.data["id"].(string)] = ev.data["status"].(string)
		case "job":
		case "done":
			done = ev
		default:
			t.Fatalf("unexpected event %+v", ev)
		}
	}
	if done.data["id"] != job.ID || done.data["status"] != "partial" {
		t.Errorf("done event: %+v", done)
	}
	if finals[job.Tasks[2].ID] != "failed" || finals[job.Tasks[0].ID] != "done" {
		t.Errorf("final task events: %v", finals)
	}
	select {
	case ev, ok := <-events:
		if ok {
			t.Errorf("event after done: %+v", ev)
		}
	case <-ctx.Done():
		t.Error("stream not closed after done")
	}
}

func TestJobEventsFinishedJob(t *testing.T) {
	f := newFixture(t)
	job := newJob(f)
	for _, task := range job.Tasks {
		f.setTask(task.ID, store.StatusDone, 1, "")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var names []string
	for ev := range readEvents(t, openEvents(t, ctx, f, job.ID)) {
		names = append(names, ev.name)
	}
	if got := strings.Join(names, ","); got != "task,task,task,job,done" {
		t.Errorf("events of a finished job: %s", got)
	}
	if ctx.Err() != nil {
		t.Error("stream of a finished job did not end by itself")
	}
}

func TestJobEventsUnknownJob(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/jobs/does-not-exist/events", nil), http.StatusNotFound, "not_found", "job")
}
