package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// Migrate applies pending migrations. On PostgreSQL a session advisory lock
// makes processes that start together take turns; on SQLite a lock file
// beside the database does.
func (s *sqlStore) Migrate(ctx context.Context) error {
	if s.tx != nil {
		return fmt.Errorf("migrating: %w", errInTx)
	}
	if s.lockPath != "" {
		unlock, err := lockFile(ctx, s.lockPath)
		if err != nil {
			return err
		}
		defer unlock()
	}
	p, err := s.migrationProvider()
	if err != nil {
		return fmt.Errorf("preparing migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating store: %w", err)
	}
	return nil
}

func (s *sqlStore) migrationProvider() (*goose.Provider, error) {
	dir, gd := "migrations/sqlite", goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.d == dialectPostgres {
		dir, gd = "migrations/postgres", goose.DialectPostgres
		// Probe every second for up to five minutes: a peer's migration is
		// short, and the default 5s probe would slow every parallel start.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(gd, s.db, sub, opts...)
}
