package main

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
)

// The fault tests run production mode (real Redis, a fresh PostgreSQL
// database, `verrijk serve` and separate `verrijk worker` processes), break
// something real in the middle of a job, and require that the job still
// ends done with exactly what an undisturbed run of the same subjects in
// the same test left behind: the same entities, links and tasks, each once.
// A gate in front of the KvK replay holds lookups in flight in a known
// worker while the fault is injected.

// TestFaultWorkerKilledMidTask kills (SIGKILL) the only worker while it
// holds both KvK lookups. Nothing tells Redis: the tasks stay active under
// the dead worker's lease until Asynq's recoverer in another worker sees the
// lease expired and retries them. That takes, by Asynq v0.26's fixed
// timings, 30 s of lease (renewed every 5 s), 30 s more before the recoverer
// trusts the expiry, a recoverer pass (once a minute), the retry delay
// (verrijk keeps Asynq's default, 15–44 s for a first retry) and the
// forwarder's 5 s poll: about 70–110 s in all, which is why this test is
// slow.
func TestFaultWorkerKilledMidTask(t *testing.T) {
	d := newFaultDeployment(t)
	g := d.gateSource("kvk")
	defer g.open()
	first := d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
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
		if tk.Attempts < 2 {
			t.Errorf("task %s %s: %d attempts; the killed worker's attempt should count and a second one finish it", tk.Source, tk.Subject, tk.Attempts)
		}
	}
	sameOutcome(t, want, readOutcome(t, a, sig, job))
}

// TestFaultWorkerTerminatedMidTask stops (SIGTERM) the only worker while it
// holds both KvK lookups for longer than Asynq's shutdown timeout (20 s):
// the worker must hand the tasks back to the queue and exit, and another
// worker finishes them.
func TestFaultWorkerTerminatedMidTask(t *testing.T) {
	d := newFaultDeployment(t)
	g := d.gateSource("kvk")
	defer g.open()
	// At KvK's default 15 s timeout the held request would fail before the
	// shutdown timeout; a slow request must still be in flight then.
	slow := "VERRIJK_SOURCES_KVK_TIMEOUT=60s"
	first := d.worker(slow)
	a := caller{t, d.base, d.token("anna", "analyst")}
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
}

// TestFaultRedisFlushedMidJob empties Redis while one worker holds both
// KvK lookups and the other depth-0 tasks wait in their (paused) queues:
// Redis forgets the waiting tasks, the running ones and the pause. A second
// worker's reconciler, which runs at its start, queues every unfinished
// store task again, so the held KvK lookups run twice at once (in the first
// worker and in the second) and the waiting ones run once.
func TestFaultRedisFlushedMidJob(t *testing.T) {
	d := newFaultDeployment(t)
	g := d.gateSource("kvk")
	defer g.open()
	d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
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
	waitJobDone(t, a, job, 60*time.Second)
	sameOutcome(t, want, readOutcome(t, a, sig, job))
}

// TestFaultServeKilledMidJob kills (SIGKILL) `verrijk serve`, which owns the
// Bleve index, in the middle of a job. The workers finish the job in the
// store; serve, started again on the same data_dir, must project every
// entity and link of the job into the index.
func TestFaultServeKilledMidJob(t *testing.T) {
	d := newFaultDeployment(t)
	g := d.gateSource("kvk")
	defer g.open()
	d.worker()
	d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
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
