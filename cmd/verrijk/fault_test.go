package main

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"verrijk/store"
)

// The fault tests run production mode (real Redis, a fresh PostgreSQL
// database, `verrijk serve` and separate `verrijk worker` processes), break
// something real in the middle of a job, and require that the job still
// ends done with exactly what an undisturbed run of the same subjects in
// the same test left behind: the same entities, links and tasks, each once.
// A gate in front of the KvK replay holds lookups in flight in a known
// worker while the fault is injected. The tests mostly wait on Asynq's
// timers, so they run in parallel, each on a Redis database of its own.

// TestFaultWorkerKilledMidTask kills (SIGKILL) the only worker while it
// holds both KvK lookups. Nothing tells Redis: the tasks stay active under
// the dead worker's lease until Asynq's recoverer in another worker sees the
// lease expired and retries them. That takes, by Asynq v0.26's fixed
// timings, 30 s of lease (renewed every 5 s), 30 s more before the recoverer
// trusts the expiry, a recoverer pass (once a minute), the retry delay
// (verrijk keeps Asynq's default, 15–44 s for a first retry) and the
// forwarder's 5 s poll: 75–110 s after the kill (105–118 s measured, with
// the follow-ups), which is why this test is slow.
func TestFaultWorkerKilledMidTask(t *testing.T) {
	t.Parallel()
	d := newFaultDeployment(t, 0)
	g := d.gateSource("kvk")
	defer g.open()
	first := d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}
	want := d.cleanRun(a)

	g.shut()
	sig, job := requestJob(a, "werker gedood")
	g.waitHeld(t, 2, 30*time.Second)
	first.kill()
	killed := time.Now()
	// Started now, the second worker's recoverer runs at once (too early)
	// and again a minute later, when the dead worker's leases are at least
	// 30 s past their end.
	d.worker()
	g.open()
	j := waitJobDone(t, a, job, 3*time.Minute)
	t.Logf("job done %s after the SIGKILL", time.Since(killed).Round(time.Second))
	for _, tk := range heldTasks(j, "kvk") {
		if tk.Attempts != 2 {
			t.Errorf("task %s %s: %d attempts, want 2 (the killed one, then the one that finished)", tk.Source, tk.Subject, tk.Attempts)
		}
	}
	sameOutcome(t, want, readOutcome(t, a, sig, job))
	answeredOnce(t, auditor, job, j)
}

// TestFaultWorkerTerminatedMidTask stops (SIGTERM) the only worker while it
// holds both KvK lookups for longer than Asynq's shutdown timeout (20 s):
// the worker must hand the tasks back to the queue and exit, and another
// worker finishes them.
func TestFaultWorkerTerminatedMidTask(t *testing.T) {
	t.Parallel()
	d := newFaultDeployment(t, 1)
	g := d.gateSource("kvk")
	defer g.open()
	// At KvK's default 15 s timeout the held request would fail before the
	// shutdown timeout; a slow request must still be in flight then.
	slow := "VERRIJK_SOURCES_KVK_TIMEOUT=60s"
	first := d.worker(slow)
	a := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}
	want := d.cleanRun(a)

	g.shut()
	sig, job := requestJob(a, "werker gestopt")
	g.waitHeld(t, 2, 30*time.Second)
	stopped := time.Now()
	first.terminate(t, 45*time.Second)
	t.Logf("worker exited %s after SIGTERM", time.Since(stopped).Round(time.Second))
	if pending, active := d.queued("kvk"); pending != 2 || active != 0 {
		t.Fatalf("after SIGTERM the kvk queue has %d pending and %d active tasks; want both held tasks handed back (2, 0)", pending, active)
	}
	d.worker(slow)
	g.open()
	j := waitJobDone(t, a, job, 60*time.Second)
	for _, tk := range heldTasks(j, "kvk") {
		if tk.Attempts != 2 {
			t.Errorf("task %s %s: %d attempts, want 2 (handed back, then finished)", tk.Source, tk.Subject, tk.Attempts)
		}
	}
	sameOutcome(t, want, readOutcome(t, a, sig, job))
	answeredOnce(t, auditor, job, j)
}

// TestFaultRedisFlushedMidJob empties Redis while one worker holds both
// KvK lookups and the other depth-0 tasks wait in their (paused) queues:
// Redis forgets the waiting tasks, the running ones and the pause. A second
// worker's reconciler, which runs at its start, queues every unfinished
// store task again, so the held KvK lookups run twice at once (in the first
// worker and in the second) and the waiting ones run once.
func TestFaultRedisFlushedMidJob(t *testing.T) {
	t.Parallel()
	d := newFaultDeployment(t, 2)
	g := d.gateSource("kvk")
	defer g.open()
	d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}
	want := d.cleanRun(a)

	g.shut()
	d.pauseQueues("bag", "bekendmakingen")
	sig, job := requestJob(a, "redis geleegd")
	g.waitHeld(t, 2, 30*time.Second)
	for source, n := range map[string]int64{"bag": 1, "bekendmakingen": 2} {
		if pending, _ := d.queued(source); pending != n {
			t.Fatalf("%d %s tasks wait in Redis, want %d", pending, source, n)
		}
	}
	d.flushRedis()
	d.worker()
	g.waitHeld(t, 2, 30*time.Second) // the second worker runs the held lookups too
	g.open()
	j := waitJobDone(t, a, job, 60*time.Second)
	sameOutcome(t, want, readOutcome(t, a, sig, job))
	answeredOnce(t, auditor, job, j, taskIDs(heldTasks(j, "kvk"))...)
}

// TestFaultServeKilledMidJob kills (SIGKILL) `verrijk serve`, which owns the
// Bleve index, in the middle of a job. The workers finish the job in the
// store; serve, started again on the same data_dir, must project every
// entity and link of the job into the index.
func TestFaultServeKilledMidJob(t *testing.T) {
	t.Parallel()
	d := newFaultDeployment(t, 3)
	g := d.gateSource("kvk")
	defer g.open()
	d.worker()
	d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
	auditor := caller{t, d.base, d.token("fg", "auditor")}
	want := d.cleanRun(a)

	g.shut()
	sig, job := requestJob(a, "index weg")
	g.waitHeld(t, 2, 30*time.Second)
	d.serve.kill()
	g.open()
	deadline := time.Now().Add(60 * time.Second)
	for status := d.storedJobStatus(job); status != "done"; status = d.storedJobStatus(job) {
		if time.Now().After(deadline) {
			t.Fatalf("job %s is %s in the store 60s after serve died, want done", job, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	d.restartServe()
	got := readOutcome(t, a, sig, job)
	sameOutcome(t, want, got)
	var j faultJob
	a.must(200, "GET", "/api/v1/jobs/"+job, nil, &j)
	answeredOnce(t, auditor, job, j)

	// Everything linked to the signal is in the index under it: the job's
	// links were stored while serve was down, so only the projector's catch-up
	// can have put them there.
	var ids []string
	deadline = time.Now().Add(20 * time.Second)
	for {
		ids = searchIDs(a, sig, "")
		if slices.Equal(ids, got.entities) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Equal(ids, got.entities) {
		t.Fatalf("the index holds for signal %s:\n %v\nthe store:\n %v", sig, ids, got.entities)
	}
	// And each is found by what an analyst would type: its caption.
	for _, id := range got.entities {
		if e := got.byID[id]; !slices.Contains(searchIDs(a, sig, e.Caption), id) {
			t.Errorf("search %q on signal %s does not find %s", e.Caption, sig, id)
		}
	}
}

// searchIDs returns the sorted ids of every hit of q under the test purpose
// on one signal (an empty q matches everything).
func searchIDs(a caller, signalID, q string) []string {
	a.t.Helper()
	var ids []string
	for page := 1; page <= 10; page++ {
		var res struct {
			Total int
			Hits  []entityJSON
		}
		a.must(200, "GET", "/api/v1/search?purpose_id="+purposeID+"&signal_id="+signalID+
			"&page="+strconv.Itoa(page)+"&q="+url.QueryEscape(q), nil, &res)
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || len(ids) >= res.Total {
			break
		}
	}
	sort.Strings(ids)
	return ids
}

// outcome is what an enrichment left behind, independent of its ids: the
// entities linked to its signal, the purposes they are linked under, and
// the tasks it ran.
type outcome struct {
	entities []string // sorted entity ids
	links    []string // "entity purpose", sorted
	tasks    []string // "source subject depth", sorted
	byID     map[string]entityJSON
}

// readOutcome reads a finished job's result and fails the test on any
// duplicate: a task twice or not done, an entity linked twice, or two
// entities with the same strong identifier.
func readOutcome(t *testing.T, a caller, signalID, jobID string) outcome {
	t.Helper()
	var job faultJob
	a.must(200, "GET", "/api/v1/jobs/"+jobID, nil, &job)
	if job.Status != "done" {
		t.Errorf("job %s ended %s, want done: %+v", jobID, job.Status, job.Tasks)
	}
	var o outcome
	for _, tk := range job.Tasks {
		key := fmt.Sprintf("%s %s %d", tk.Source, tk.Subject, tk.Depth)
		if slices.Contains(o.tasks, key) {
			t.Errorf("task %s stored twice in job %s", key, jobID)
		}
		o.tasks = append(o.tasks, key)
		if tk.Status != "done" {
			t.Errorf("task %s: %s (%s), want done", key, tk.Status, tk.Error)
		}
	}
	var res struct{ Entities []entityJSON }
	a.must(200, "GET", "/api/v1/signals/"+signalID+"/entities?purpose_id="+purposeID, nil, &res)
	o.byID = map[string]entityJSON{}
	strong := map[string]string{}
	for _, e := range res.Entities {
		if _, dup := o.byID[e.ID]; dup {
			t.Errorf("entity %s listed twice for signal %s", e.ID, signalID)
		}
		o.byID[e.ID] = e
		o.entities = append(o.entities, e.ID)
		for _, l := range e.Signals {
			if l.SignalID != signalID {
				continue
			}
			key := e.ID + " " + l.PurposeID
			if slices.Contains(o.links, key) {
				t.Errorf("entity %s linked to signal %s twice under %s", e.ID, signalID, l.PurposeID)
			}
			o.links = append(o.links, key)
			if l.JobID != jobID {
				t.Errorf("entity %s linked by job %s, want %s", e.ID, l.JobID, jobID)
			}
		}
		for _, k := range strongKeys(e) {
			if other, ok := strong[k]; ok {
				t.Errorf("entities %s and %s share the strong identifier %s", other, e.ID, k)
			}
			strong[k] = e.ID
		}
	}
	sort.Strings(o.entities)
	sort.Strings(o.links)
	sort.Strings(o.tasks)
	return o
}

// strongKeys are the identifiers that name exactly one entity of a schema:
// two entities sharing one are a duplicate that the deterministic ids
// should have merged. A branch is a Company of its own that carries its
// parent's kvkNumber, so for a Company the branch number wins when present;
// an Address from KvK and the same one from BAG must merge on postcode and
// house number.
func strongKeys(e entityJSON) []string {
	first := func(p string) string {
		if vs := e.Properties[p]; len(vs) > 0 {
			return strings.ToUpper(strings.ReplaceAll(vs[0], " ", ""))
		}
		return ""
	}
	var key string
	switch e.Schema {
	case "Company":
		key = "kvkNumber=" + first("kvkNumber")
		if v := first("vestigingsnummer"); v != "" {
			key = "vestigingsnummer=" + v
		}
	case "Address":
		if pc, nr := first("postalCode"), first("houseNumber"); pc != "" && nr != "" {
			key = "postcode=" + pc + " " + nr
		}
	case "Publication":
		key = "identifier=" + first("identifier")
	case "Vehicle":
		key = "registrationNumber=" + first("registrationNumber")
	case "Domain":
		key = "name=" + first("name")
	}
	if key == "" || strings.HasSuffix(key, "=") {
		return nil
	}
	return []string{e.Schema + "." + key}
}

// sameOutcome fails the test unless got matches the undisturbed run want.
func sameOutcome(t *testing.T, want, got outcome) {
	t.Helper()
	for _, c := range []struct {
		what      string
		want, got []string
	}{{"entities", want.entities, got.entities}, {"links", want.links, got.links}, {"tasks", want.tasks, got.tasks}} {
		if !slices.Equal(c.want, c.got) {
			t.Errorf("%s after the fault differ from the undisturbed run:\n missing %v\n extra   %v",
				c.what, minus(c.want, c.got), minus(c.got, c.want))
		}
	}
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// cleanRun enriches faultSubjects undisturbed on a new signal and returns
// what that left behind. It then empties Redis: the answer cache would
// otherwise serve the faulted run without asking the gated source.
func (d *faultDeployment) cleanRun(a caller) outcome {
	d.t.Helper()
	sig, job := requestJob(a, "ongestoord")
	waitJobDone(d.t, a, job, 60*time.Second)
	o := readOutcome(d.t, a, sig, job)
	if len(o.entities) < 5 || len(o.tasks) < 5 {
		d.t.Fatalf("the undisturbed run found too little to test with: %d entities, %d tasks", len(o.entities), len(o.tasks))
	}
	d.flushRedis()
	return o
}

// answeredOnce checks in the audit log that every task of a job got its
// source's answer exactly once, apart from the tasks in maybeTwice, which a
// fault may have run twice at once (once or twice is then right); and that
// the log's hash chain, written by several processes around the fault, is
// whole.
func answeredOnce(t *testing.T, auditor caller, jobID string, j faultJob, maybeTwice ...string) {
	t.Helper()
	var res struct{ Entries []store.AuditEntry }
	auditor.must(200, "GET", "/api/v1/audit?limit=1000", nil, &res)
	answered := map[string]int{}
	for i, e := range res.Entries {
		if e.Action == "source.queried" && e.TraceID == jobID && (e.Result == "ok" || e.Result == "empty") {
			answered[e.ObjectID]++
		}
		if e.ComputeHash() != e.Hash {
			t.Errorf("audit entry %d: hash does not match its content", e.Seq)
		}
		if i > 0 && (e.Seq != res.Entries[i-1].Seq+1 || e.PrevHash != res.Entries[i-1].Hash) {
			t.Errorf("audit entry %d does not follow entry %d in the chain", e.Seq, res.Entries[i-1].Seq)
		}
	}
	if len(res.Entries) == 1000 {
		t.Fatalf("the audit log has more than 1000 entries; read it in pages")
	}
	for _, tk := range j.Tasks {
		most := 1
		if slices.Contains(maybeTwice, tk.ID) {
			most = 2
		}
		if n := answered[tk.ID]; n < 1 || n > most {
			t.Errorf("task %s %s was answered %d times (audit), want 1..%d", tk.Source, tk.Subject, n, most)
		}
	}
}

// heldTasks returns a job's depth-0 tasks of source: the ones the gate held.
func heldTasks(j faultJob, source string) []faultTask {
	var out []faultTask
	for _, tk := range j.Tasks {
		if tk.Source == source && tk.Depth == 0 {
			out = append(out, tk)
		}
	}
	return out
}

func taskIDs(tasks []faultTask) []string {
	var ids []string
	for _, tk := range tasks {
		ids = append(ids, tk.ID)
	}
	return ids
}
