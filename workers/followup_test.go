package workers

import (
	"testing"

	"verrijk/pipeline/subject"
	"verrijk/store"
)

// Donald's two vestigingen, as Zoeken lists them.
var (
	donaldBranch  = subject.Subject{Type: subject.Vestiging, Value: "000037178598"}
	donaldBranch2 = subject.Subject{Type: subject.Vestiging, Value: "000037178601"}
)

func TestFollowUpsWithinDepth(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	job := f.newJob(1, lookup{"kvk", donald})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	j := f.job(job.ID)

	// The basisprofiel's address is looked up in bag (and kvk) one level
	// deeper; the company's own KvK number is the task that found it and is
	// not asked again, and its branch numbers are not followed (each
	// Vestigingsprofiel call is billed).
	want := []lookup{{"bag", donaldAt}, {"kvk", donaldAt}}
	for _, branch := range []subject.Subject{donaldBranch, donaldBranch2} {
		if _, ok := findTask(f.job(job.ID), "kvk", branch); ok {
			t.Errorf("branch %s was followed up", branch)
		}
	}
	for _, w := range want {
		task, ok := findTask(j, w.source, w.subject)
		if !ok {
			t.Errorf("no follow-up %s %s; tasks: %v", w.source, w.subject, describe(j.Tasks))
			continue
		}
		if task.Depth != 1 || task.Status != store.StatusQueued {
			t.Errorf("follow-up %s %s: depth %d, %s; want 1, queued", w.source, w.subject, task.Depth, task.Status)
		}
		if !enqueued(f.enqueuedTasks(), task.ID) {
			t.Errorf("follow-up %s %s was stored but not enqueued", w.source, w.subject)
		}
	}
	if n := count(j.Tasks, "kvk", donald); n != 1 {
		t.Errorf("kvk %s appears %d times, want once", donald, n)
	}
	if len(j.Tasks) != 1+len(want) {
		t.Errorf("job tasks: %v, want the first and %d follow-ups", describe(j.Tasks), len(want))
	}
	// Follow-ups are stored before the task ends, so the job is not done.
	if j.Status == store.StatusDone || JobStatus(j.Tasks) != store.StatusRunning {
		t.Errorf("job = %s (derived %s) while follow-ups wait", j.Status, JobStatus(j.Tasks))
	}

	// At depth 1 of a depth-1 job, answers are not followed further.
	before := len(f.enqueuedTasks())
	for _, task := range j.Tasks[1:] {
		if err := f.process(p, task); err != nil {
			t.Fatalf("%s %s: %v", task.Source, task.Subject(), err)
		}
	}
	j = f.job(job.ID)
	if len(j.Tasks) != 1+len(want) || len(f.enqueuedTasks()) != before {
		t.Errorf("depth-1 tasks planned more work: %v", describe(j.Tasks))
	}
	if j.Status != store.StatusDone {
		t.Errorf("job = %s after every task ran, want done", j.Status)
	}
}

func TestNoFollowUpsAtDepthZero(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(f.processor(), job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	if j := f.job(job.ID); len(j.Tasks) != 1 {
		t.Errorf("tasks = %v, want only the first", describe(j.Tasks))
	}
	if n := len(f.enqueuedTasks()); n != 0 {
		t.Errorf("enqueued %d tasks", n)
	}
}

func TestFollowUpAlreadyInJobIsNotDuplicated(t *testing.T) {
	f := newFixture(t)
	job := f.newJob(1, lookup{"kvk", donald}, lookup{"bag", donaldAt})
	bagTask := job.Tasks[1]
	if err := f.process(f.processor(), job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	j := f.job(job.ID)
	if n := count(j.Tasks, "bag", donaldAt); n != 1 {
		t.Errorf("bag %s appears %d times: %v", donaldAt, n, describe(j.Tasks))
	}
	if got, _ := findTask(j, "bag", donaldAt); got.ID != bagTask.ID || got.Depth != 0 {
		t.Errorf("bag task = %s depth %d, want the original %s at depth 0", got.ID, got.Depth, bagTask.ID)
	}
	if enqueued(f.enqueuedTasks(), bagTask.ID) {
		t.Error("the job's own bag task was enqueued again as a follow-up")
	}
}

func count(tasks []store.Task, source string, s subject.Subject) int {
	n := 0
	for _, t := range tasks {
		if t.Source == source && t.Subject() == s {
			n++
		}
	}
	return n
}

func enqueued(tasks []store.Task, id string) bool {
	for _, t := range tasks {
		if t.ID == id {
			return true
		}
	}
	return false
}

func describe(tasks []store.Task) []string {
	var out []string
	for _, t := range tasks {
		out = append(out, t.Source+" "+t.Subject().String()+" "+t.Status)
	}
	return out
}
