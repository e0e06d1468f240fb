package deploy

import (
	"context"
	"os"
)

// Env is what every bench run starts from: a work folder with a freshly
// built verrijk binary, the bench's Redis database flushed, and a new
// PostgreSQL database.
type Env struct {
	Dir        string
	Bin        string
	RedisLabel string
	DB         *Database
}

// Prepare builds the binary, flushes redisURL and creates a database on
// pgAdminDSN. Close undoes all of it; call it even when Prepare fails.
func Prepare(ctx context.Context, name, redisURL, pgAdminDSN string) (*Env, error) {
	e := &Env{}
	dir, err := os.MkdirTemp("", "verrijk-"+name+"-")
	if err != nil {
		return e, err
	}
	e.Dir = dir
	if e.Bin, err = Build(ctx, dir); err != nil {
		return e, err
	}
	if e.RedisLabel, err = FlushRedis(ctx, redisURL); err != nil {
		return e, err
	}
	e.DB, err = CreateDatabase(ctx, pgAdminDSN)
	return e, err
}

// Close drops the database, flushes redisURL (no queued work is left
// behind) and removes the work folder; it returns the drop's error.
func (e *Env) Close(redisURL string) error {
	var err error
	if e.DB != nil {
		err = e.DB.Drop()
	}
	if e.RedisLabel != "" {
		_, _ = FlushRedis(context.Background(), redisURL)
	}
	if e.Dir != "" {
		os.RemoveAll(e.Dir)
	}
	return err
}
