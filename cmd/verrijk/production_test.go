package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"verrijk/store/storetest"
)

// testRedisURL is the real Redis the production-mode tests use. Database 7
// is flushed before each test, so it must not hold anything else.
func testRedisURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("VERRIJK_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/7"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("VERRIJK_TEST_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("the production-mode tests need Redis at %s (start it, or set VERRIJK_TEST_REDIS_URL): %v", url, err)
	}
	return url
}

// TestProductionEndToEnd runs the same journey in production mode: real
// Redis and PostgreSQL, `verrijk serve` without workers, and two separate
// `verrijk worker` processes doing the lookups.
func TestProductionEndToEnd(t *testing.T) {
	dsn := storetest.NewPostgresDSN(t)
	extra := fmt.Sprintf("queue: {redis_url: %q}\nstore: {dsn: %q}\n", testRedisURL(t), dsn)
	d := newDeployment(t, extra, 2)
	scenario(t, d)
}

// TestProductionRedisLossLosesNoWork requests an enrichment while no worker
// runs, flushes Redis (as a Redis restart without persistence would), and
// only then starts a worker: the job must still finish, because the store is
// the truth and workers re-queue unfinished tasks when they start.
func TestProductionRedisLossLosesNoWork(t *testing.T) {
	redisURL := testRedisURL(t)
	extra := fmt.Sprintf("queue: {redis_url: %q}\nstore: {dsn: %q}\n", redisURL, storetest.NewPostgresDSN(t))
	d := newDeployment(t, extra, 0)
	analyst := caller{t, d.base, d.token("anna", "analyst")}

	var sig struct{ ID string }
	analyst.must(201, "POST", "/api/v1/signals", map[string]string{"title": "Redis-verlies"}, &sig)
	analyst.must(201, "POST", "/api/v1/signals/"+sig.ID+"/subjects", map[string]string{"type": "kvk", "value": "68750110"}, nil)
	var accepted struct {
		JobID string `json:"job_id"`
	}
	analyst.must(202, "POST", "/api/v1/signals/"+sig.ID+"/enrichments", map[string]any{"purpose_id": purposeID,
		"justification": "Controle na verlies van de wachtrij", "max_depth": 0}, &accepted)

	opt, _ := redis.ParseURL(redisURL)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	if d.replay["kvk"].Requests() != 0 {
		t.Fatalf("a source was asked before any worker ran")
	}
	start(t, nil, "worker", "--config", d.config)
	job := waitJob(t, analyst, accepted.JobID)
	if job.Status != "done" {
		t.Fatalf("job after Redis loss: %s %+v", job.Status, job.Tasks)
	}
	var res struct{ Entities []entityJSON }
	analyst.must(200, "GET", "/api/v1/signals/"+sig.ID+"/entities?purpose_id="+purposeID, nil, &res)
	if len(res.Entities) == 0 {
		t.Fatalf("no entities after the job finished")
	}
}
