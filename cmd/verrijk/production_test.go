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
