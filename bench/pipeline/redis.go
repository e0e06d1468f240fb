package main

import (
	"context"
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// redisTarget is the one Redis both measurements run against.
type redisTarget struct {
	label string // what the report prints, e.g. "127.0.0.1:6379 db 8"
	opt   asynq.RedisConnOpt
	rdb   *redis.Client
	mini  *miniredis.Miniredis
}

// openRedis connects to url, or starts an in-process miniredis when
// embedded is set (as `verrijk serve` does without queue.redis_url).
func openRedis(ctx context.Context, url string, embedded bool) (*redisTarget, error) {
	t := &redisTarget{}
	if embedded {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("starting embedded redis: %w", err)
		}
		t.mini = m
		url = "redis://" + m.Addr()
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("-redis: %w", err)
	}
	ropt, err := redis.ParseURL(url)
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("-redis: %w", err)
	}
	t.opt, t.rdb = opt, redis.NewClient(ropt)
	t.label = fmt.Sprintf("%s db %d", ropt.Addr, ropt.DB)
	if embedded {
		t.label = "embedded miniredis " + ropt.Addr
	}
	if err := t.rdb.Ping(ctx).Err(); err != nil {
		t.Close()
		return nil, fmt.Errorf("connecting to redis %s: %w", t.label, err)
	}
	return t, nil
}

// flush empties the benchmark's Redis database, so leftover queues,
// servers and limiter state of an earlier run cannot skew this one.
func (t *redisTarget) flush(ctx context.Context) error {
	if err := t.rdb.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("flushing redis %s: %w", t.label, err)
	}
	return nil
}

// Close releases the client and stops the embedded Redis.
func (t *redisTarget) Close() {
	if t.rdb != nil {
		t.rdb.Close()
	}
	if t.mini != nil {
		t.mini.Close()
	}
}
