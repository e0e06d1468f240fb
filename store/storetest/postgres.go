package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// DefaultPostgresDSN is the server tests use when VERRIJK_TEST_PG_DSN is unset.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// NewPostgresDSN creates an empty database with a random name on the test
// PostgreSQL server (VERRIJK_TEST_PG_DSN, else DefaultPostgresDSN), drops it
// when the test ends, and returns its DSN. If the server is unreachable the
// test fails, unless VERRIJK_TEST_PG=off, in which case it is skipped.
func NewPostgresDSN(t testing.TB) string {
	t.Helper()
	if os.Getenv("VERRIJK_TEST_PG") == "off" {
		t.Skip("PostgreSQL tests disabled by VERRIJK_TEST_PG=off")
	}
	admin := os.Getenv("VERRIJK_TEST_PG_DSN")
	if admin == "" {
		admin = DefaultPostgresDSN
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("VERRIJK_TEST_PG_DSN is not a URL: %v", err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable (%v): start it, point VERRIJK_TEST_PG_DSN at one, "+
			"or set VERRIJK_TEST_PG=off to skip these tests", u.Redacted(), err)
	}
	name := "verrijk_test_" + randomSuffix()
	// The name is ours (hex), so it is safe to splice into the statement.
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// FORCE ends sessions a failed test left open.
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// NewSchemaDSN creates an empty schema with a random name in the database
// dsn points at and returns dsn with search_path set to it: a cheaper fresh
// store than a new database, for suites that need many. The schema goes
// when the test ends (or with the database).
func NewSchemaDSN(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parsing dsn: %v", err)
	}
	name := "verrijk_test_" + randomSuffix()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("creating test schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			t.Errorf("dropping test schema %s: %v", name, err)
		}
	})
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// randomSuffix is a lower-case hex name part, safe to splice into SQL.
func randomSuffix() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
