package deploy

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// DefaultAdminDSN is the PostgreSQL server the benchmarks create their
// database on.
const DefaultAdminDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Database is a PostgreSQL database created for one benchmark run.
type Database struct {
	DSN   string // the new database, for store.dsn
	Name  string
	admin string
}

// CreateDatabase creates an empty database with a random name on the
// server admin points at.
func CreateDatabase(ctx context.Context, admin string) (*Database, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return nil, fmt.Errorf("postgres dsn: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "verrijk_bench_" + hex.EncodeToString(b)
	// The name is ours (hex), so it is safe to splice into the statement.
	if err := adminExec(ctx, admin, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("creating database on %s: %w", u.Redacted(), err)
	}
	u.Path = "/" + name
	return &Database{DSN: u.String(), Name: name, admin: admin}, nil
}

// Drop removes the database, ending any session still on it.
func (d *Database) Drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, d.admin, "DROP DATABASE IF EXISTS "+d.Name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping database %s: %w", d.Name, err)
	}
	return nil
}

// Open returns a connection pool to the database, for the benchmark's own
// reads (counting unfinished tasks).
func (d *Database) Open() (*sql.DB, error) { return sql.Open("pgx", d.DSN) }

func adminExec(ctx context.Context, dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = db.ExecContext(ctx, stmt)
	return err
}
