package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"verrijk/store/storetest"
	"verrijk/workers"
)

// gate sits in front of a replay handler. While shut it holds every request
// (until opened, the client goes away, or gateMaxHold passes), so a test can
// keep a task in flight in a known worker and inject a fault meanwhile.
type gate struct {
	next    http.Handler
	mu      sync.Mutex
	release chan struct{} // nil while open
	arrived chan string   // one path per held request
}

// gateMaxHold bounds a hold, so a forgotten gate cannot hang a test run.
const gateMaxHold = 2 * time.Minute

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	rel := g.release
	g.mu.Unlock()
	if rel != nil {
		select {
		case g.arrived <- r.URL.Path:
		default:
		}
		select {
		case <-rel:
		case <-r.Context().Done():
			return // the worker died or gave up
		case <-time.After(gateMaxHold):
		}
	}
	g.next.ServeHTTP(w, r)
}

// shut makes the gate hold requests from now on.
func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.release == nil {
		g.release = make(chan struct{})
	}
}

// open lets held and future requests through.
func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.release != nil {
		close(g.release)
		g.release = nil
	}
}

// waitHeld waits until n more requests are being held.
func (g *gate) waitHeld(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for i := 0; i < n; i++ {
		select {
		case <-g.arrived:
		case <-deadline:
			t.Fatalf("only %d of %d requests reached the gated source within %s", i, n, within)
		}
	}
}

// faultDeployment is a production-mode deployment (real Redis, a fresh
// PostgreSQL database, serve without workers) whose workers are started by
// the test, plus direct handles on Redis and PostgreSQL to inject faults and
// read the truth.
type faultDeployment struct {
	*deployment
	redisURL string
	rdb      *redis.Client
	db       *sql.DB
}

// newFaultDeployment starts one; n (0, 1, …) picks the test's own Redis
// database, so that the fault tests can run in parallel.
func newFaultDeployment(t *testing.T, n int) *faultDeployment {
	t.Helper()
	redisURL, dsn := faultRedisURL(t, n), storetest.NewPostgresDSN(t)
	d := newDeployment(t, fmt.Sprintf("queue: {redis_url: %q}\nstore: {dsn: %q}\n", redisURL, dsn), 0)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	fd := &faultDeployment{deployment: d, redisURL: redisURL, rdb: redis.NewClient(opt)}
	t.Cleanup(func() { fd.rdb.Close() })
	fd.db, err = sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fd.db.Close() })
	return fd
}

// faultRedisURL returns a Redis database of the fault test's own, emptied:
// database 11+n on the server of VERRIJK_TEST_REDIS_URL (default the local
// one), or 11+n counted from VERRIJK_TEST_FAULT_REDIS_URL's database. Workers
// take any task on their queues and give up one whose id is not in their
// store, so two deployments on one database spoil each other's jobs; their
// own databases let the fault tests run in parallel, and apart from the
// other production-mode tests (database 7) and the benchmarks (8–10).
func faultRedisURL(t *testing.T, n int) string {
	t.Helper()
	base, first := os.Getenv("VERRIJK_TEST_FAULT_REDIS_URL"), -1
	if base == "" {
		base, first = os.Getenv("VERRIJK_TEST_REDIS_URL"), 11
	}
	if base == "" {
		base = "redis://127.0.0.1:6379"
	}
	opt, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("the fault tests' Redis URL: %v", err)
	}
	if first < 0 {
		first = opt.DB
	}
	opt.DB = first + n
	u, _ := url.Parse(base)
	u.Path = "/" + strconv.Itoa(opt.DB)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("the fault tests need Redis database %d at %s (start it, or set VERRIJK_TEST_FAULT_REDIS_URL): %v", opt.DB, opt.Addr, err)
	}
	return u.String()
}

// gateSource puts a gate in front of source's replay handler and points the
// config file at it. serve has read the config already and never asks a
// source; workers and a restarted serve read the new file.
func (d *faultDeployment) gateSource(source string) *gate {
	t := d.t
	t.Helper()
	g := &gate{next: d.replay[source], arrived: make(chan string, 64)}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	t.Cleanup(g.open) // runs before srv.Close, which waits for held requests
	raw, err := os.ReadFile(d.config)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	prefix := "  " + source + ": {base_url: \""
	found := false
	for i, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		old, err := url.Parse(strings.SplitN(strings.TrimPrefix(l, prefix), "\"", 2)[0])
		if err != nil {
			t.Fatalf("base_url of %s in %q: %v", source, l, err)
		}
		lines[i] = strings.ReplaceAll(l, old.Scheme+"://"+old.Host, srv.URL)
		found = true
	}
	if !found {
		t.Fatalf("no base_url line for %s in the config", source)
	}
	if err := os.WriteFile(d.config, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return g
}

// worker starts a `verrijk worker` with extra environment.
func (d *faultDeployment) worker(env ...string) *proc {
	return start(d.t, env, "worker", "--config", d.config)
}

// flushRedis empties the test's Redis database: queues, leases, the answer
// cache and the rate limiter's state.
func (d *faultDeployment) flushRedis() {
	d.t.Helper()
	if err := d.rdb.FlushDB(context.Background()).Err(); err != nil {
		d.t.Fatalf("flushing redis: %v", err)
	}
}

// queued counts the tasks waiting in a source's Asynq queue and those
// being worked on (Asynq's key layout: asynq:{<queue>}:pending, :active).
func (d *faultDeployment) queued(source string) (pending, active int64) {
	d.t.Helper()
	q := "asynq:{" + workers.QueueName(source) + "}:"
	ctx := context.Background()
	pending, err := d.rdb.LLen(ctx, q+"pending").Result()
	if err == nil {
		active, err = d.rdb.LLen(ctx, q+"active").Result()
	}
	if err != nil {
		d.t.Fatalf("reading queue %s: %v", source, err)
	}
	return pending, active
}

// pauseQueues stops every worker from taking tasks of these sources, so
// they wait in Redis; the pause lives in Redis and goes with a flush.
func (d *faultDeployment) pauseQueues(sources ...string) {
	d.t.Helper()
	opt, err := asynq.ParseRedisURI(d.redisURL)
	if err != nil {
		d.t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	for _, s := range sources {
		if err := insp.PauseQueue(workers.QueueName(s)); err != nil {
			d.t.Fatalf("pausing queue of %s: %v", s, err)
		}
	}
}

// restartServe starts serve again on the same config and data_dir.
func (d *faultDeployment) restartServe() {
	d.t.Helper()
	d.serve = start(d.t, nil, "serve", "--config", d.config)
	waitReady(d.t, d.base, d.serve)
}

// storedJobStatus reads a job's status from PostgreSQL, for when serve is down.
func (d *faultDeployment) storedJobStatus(jobID string) string {
	d.t.Helper()
	var status string
	if err := d.db.QueryRow("SELECT status FROM jobs WHERE id = $1", jobID).Scan(&status); err != nil {
		d.t.Fatalf("reading job %s from the store: %v", jobID, err)
	}
	return status
}

// faultSubjects are enriched in every fault test: two KvK lookups at depth
// 0 (so one can be held while the other waits), BAG and publications for
// the address, and follow-ups to depth 2 across the other sources.
var faultSubjects = []map[string]string{
	{"type": "kvk", "value": "68750110"},
	{"type": "address", "value": "8823SJ 3A"},
}

// requestJob creates a signal with faultSubjects and enriches it; it returns
// the signal and job ids.
func requestJob(a caller, title string) (signalID, jobID string) {
	a.t.Helper()
	var sig struct{ ID string }
	a.must(201, "POST", "/api/v1/signals", map[string]string{"title": title}, &sig)
	for _, s := range faultSubjects {
		a.must(201, "POST", "/api/v1/signals/"+sig.ID+"/subjects", s, nil)
	}
	var accepted struct {
		JobID string `json:"job_id"`
	}
	a.must(202, "POST", "/api/v1/signals/"+sig.ID+"/enrichments", map[string]any{"purpose_id": purposeID,
		"justification": "Storingstest: " + title}, &accepted)
	return sig.ID, accepted.JobID
}

type faultTask struct {
	ID, Source, Subject, Status, Error string
	Depth, Attempts                    int
}

type faultJob struct {
	Status string
	Tasks  []faultTask
}

// waitJobDone polls a job until it has ended, for up to within.
func waitJobDone(t *testing.T, a caller, jobID string, within time.Duration) faultJob {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var j faultJob
		a.must(200, "GET", "/api/v1/jobs/"+jobID, nil, &j)
		if j.Status == "done" || j.Status == "partial" || j.Status == "failed" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after %s: %+v", jobID, j.Status, within, j.Tasks)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// terminate sends SIGTERM and waits for the process to exit.
func (p *proc) terminate(t *testing.T, within time.Duration) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("worker stopped by SIGTERM exited with %v:\n%s", err, p.out.String())
		}
	case <-time.After(within):
		t.Fatalf("worker still running %s after SIGTERM:\n%s", within, p.out.String())
	}
}
