package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// SQLiteFile is the database file Open uses inside data_dir.
const SQLiteFile = "verrijk.db"

// sqlStore implements Store over database/sql for both dialects.
type sqlStore struct {
	db *sql.DB
	d  dialect
	// lockPath is the file Migrate locks on SQLite; empty on PostgreSQL.
	lockPath string
	// tx, when set, is the transaction every method of this copy runs in
	// (see Atomic).
	tx *sql.Tx
}

var _ Store = (*sqlStore)(nil)

// Open connects to the store named by dsn (the store.dsn config key): empty
// means a SQLite file in dataDir, postgres:// or postgresql:// means
// PostgreSQL. It does not migrate; callers run Migrate at start.
func Open(ctx context.Context, dsn, dataDir string) (Store, error) {
	var (
		db       *sql.DB
		d        dialect
		lockPath string
		err      error
	)
	switch {
	case dsn == "":
		d = dialectSQLite
		db, err = openSQLite(dataDir)
		lockPath = filepath.Join(dataDir, SQLiteFile+".migrate-lock")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d = dialectPostgres
		db, err = openPostgres(dsn)
	default:
		// The dsn may hold a password: name the key, never echo the value.
		return nil, errors.New("store.dsn: want empty (SQLite in data_dir) or a postgres:// URL")
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to store: %w", err)
	}
	return &sqlStore{db: db, d: d, lockPath: lockPath}, nil
}

func openSQLite(dataDir string) (*sql.DB, error) {
	if dataDir == "" {
		return nil, errors.New("data_dir: required for the SQLite store")
	}
	if strings.ContainsAny(dataDir, "?#") {
		return nil, errors.New("data_dir: must not contain ? or #")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data_dir: creating: %w", err)
	}
	// Immediate transactions take the write lock at BEGIN, so a
	// read-modify-write (entity merge, audit append) never has to upgrade a
	// read lock and fail with SQLITE_BUSY; busy_timeout makes other processes
	// on the same file wait instead of erroring.
	path := filepath.Join(dataDir, SQLiteFile)
	dsn := path + "?_txlock=immediate&_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite: %w", err)
	}
	// One connection serialises this process's writers; WAL keeps other
	// processes' readers going meanwhile.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

func openPostgres(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, errors.New("store.dsn: not a valid PostgreSQL URL")
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Close closes the database; a transaction-bound copy (Atomic) refuses.
func (s *sqlStore) Close() error {
	if s.tx != nil {
		return fmt.Errorf("closing the store: %w", errInTx)
	}
	return s.db.Close()
}

func (s *sqlStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs dialect-neutral queries on a database or a transaction.
type runner struct {
	d dialect
	q querier
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, r.d.rebind(query), args...)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, r.d.rebind(query), args...)
}

func (r runner) row(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, r.d.rebind(query), args...)
}

// r runs outside a transaction, or inside the one this copy is bound to.
func (s *sqlStore) r() runner {
	if s.tx != nil {
		return runner{d: s.d, q: s.tx}
	}
	return runner{d: s.d, q: s.db}
}

// inTx runs fn in a transaction, committing if it returns nil. On SQLite the
// pool has one connection, so fn must use only the runner it is given.
func (s *sqlStore) inTx(ctx context.Context, fn func(r runner) error) error {
	if s.tx != nil {
		// Bound to an Atomic transaction: join it; its caller commits.
		return fn(s.r())
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	if err := fn(runner{d: s.d, q: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// affected turns "no row changed" into ErrNotFound.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// notFound maps sql.ErrNoRows to ErrNotFound with context.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
