package deploy

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// FlushRedis empties the Redis database url names, so queues, rate-limiter
// state and cached answers of an earlier run cannot skew this one. It
// returns a label for reports, e.g. "127.0.0.1:6379 db 9".
func FlushRedis(ctx context.Context, url string) (string, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return "", fmt.Errorf("-redis: %w", err)
	}
	label := fmt.Sprintf("%s db %d", opt.Addr, opt.DB)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return label, fmt.Errorf("flushing redis %s: %w", label, err)
	}
	return label, nil
}
