package workers

import (
	"testing"

	"verrijk/store"
)

func tasksWith(statuses ...string) []store.Task {
	out := make([]store.Task, len(statuses))
	for i, s := range statuses {
		out[i] = store.Task{ID: string(rune('a' + i)), Status: s}
	}
	return out
}

func TestJobStatusAndProgress(t *testing.T) {
	const (
		q = store.StatusQueued
		r = store.StatusRunning
		d = store.StatusDone
		s = store.StatusSkipped
		f = store.StatusFailed
	)
	for _, c := range []struct {
		name     string
		tasks    []store.Task
		status   string
		progress float64
	}{
		{"empty", nil, store.StatusDone, 1},
		{"all queued", tasksWith(q, q, q), store.StatusQueued, 0},
		{"one running", tasksWith(q, r, q), store.StatusRunning, 0},
		{"mixed running", tasksWith(d, r, q, f), store.StatusRunning, 0.5},
		{"queued after done", tasksWith(d, q), store.StatusRunning, 0.5},
		{"all done", tasksWith(d, d), store.StatusDone, 1},
		{"done and skipped", tasksWith(d, s, d, s), store.StatusDone, 1},
		{"all skipped", tasksWith(s, s), store.StatusDone, 1},
		{"all failed", tasksWith(f, f), store.StatusFailed, 1},
		{"done and failed", tasksWith(d, f, d), store.StatusPartial, 1},
		{"skipped and failed", tasksWith(s, f), store.StatusPartial, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := JobStatus(c.tasks); got != c.status {
				t.Errorf("JobStatus = %q, want %q", got, c.status)
			}
			if got := Progress(c.tasks); got != c.progress {
				t.Errorf("Progress = %v, want %v", got, c.progress)
			}
		})
	}
}

func TestIsFinal(t *testing.T) {
	for status, want := range map[string]bool{
		store.StatusQueued: false, store.StatusRunning: false, "": false, "unknown": false,
		store.StatusDone: true, store.StatusPartial: true, store.StatusFailed: true, store.StatusSkipped: true,
	} {
		if got := IsFinal(status); got != want {
			t.Errorf("IsFinal(%q) = %v, want %v", status, got, want)
		}
	}
}

func TestTaskNamesAndPayload(t *testing.T) {
	if got := TypeEnrich("kvk"); got != "enrich:kvk" {
		t.Errorf("TypeEnrich = %q", got)
	}
	if got := QueueName("kvk"); got != "source:kvk" {
		t.Errorf("QueueName = %q", got)
	}
	at, err := NewEnrichTask(store.Task{ID: "t-1", Source: "bag", SubjectValue: "secret value"})
	if err != nil {
		t.Fatal(err)
	}
	id, source, err := parseEnrichTask(at)
	if err != nil || id != "t-1" || source != "bag" {
		t.Errorf("parseEnrichTask = %q, %q, %v", id, source, err)
	}
	// Only the id travels: the subject stays in the store.
	if string(at.Payload()) != `{"task_id":"t-1"}` {
		t.Errorf("payload = %s", at.Payload())
	}
}
