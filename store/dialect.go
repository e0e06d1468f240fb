package store

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between SQLite and PostgreSQL. Queries are written
// once with ? placeholders and rebound for PostgreSQL.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// sqliteTimeLayout is fixed-width UTC, so comparing the text compares times.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// rebind turns ? placeholders into $1, $2, … for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (d dialect) rebind(q string) string {
	if d != dialectPostgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// forUpdate is the row-lock suffix; SQLite's immediate transactions already
// hold the database's one write lock.
func (d dialect) forUpdate() string {
	if d == dialectPostgres {
		// NO KEY: the merge never changes the key, and a weaker lock does not
		// conflict with the key-share lock a new link's foreign key takes.
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// normTime is the form every time takes in and out of the store: UTC,
// truncated to the microseconds both databases keep.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// now is the store's clock, already normalised.
func now() time.Time { return normTime(time.Now()) }

// timeArg encodes a required time as a query argument.
func (d dialect) timeArg(t time.Time) any {
	t = normTime(t)
	if d == dialectSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// nullTimeArg encodes an optional time: the zero time is stored as NULL.
func (d dialect) nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.timeArg(t)
}

// dbTime scans a time column from either backend; NULL becomes zero.
type dbTime struct{ T time.Time }

func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		t.T = time.Time{}
	case time.Time:
		t.T = normTime(x)
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	default:
		return errors.New("store: unsupported time value")
	}
	return nil
}

func (t *dbTime) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.T = normTime(p)
	return nil
}

// isUnique reports a unique or primary key violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKey reports a reference to a row that does not exist.
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
