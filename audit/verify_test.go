package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"verrijk/audit"
	"verrijk/store"
	"verrijk/store/storetest"
)

// backend is a store plus raw SQL access to its audit table, to tamper with.
type backend struct {
	name string
	open func(t *testing.T) (store.Store, *sql.DB, func(string) string)
}

var backends = []backend{
	{"sqlite", func(t *testing.T) (store.Store, *sql.DB, func(string) string) {
		dir := t.TempDir()
		st, err := store.Open(context.Background(), "", dir)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", filepath.Join(dir, store.SQLiteFile))
		if err != nil {
			t.Fatal(err)
		}
		return st, db, func(q string) string { return q }
	}},
	{"postgres", func(t *testing.T) (store.Store, *sql.DB, func(string) string) {
		dsn := storetest.NewPostgresDSN(t)
		st, err := store.Open(context.Background(), dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		return st, db, func(q string) string { // ? → $n
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
			}
			return q
		}
	}},
}

// TestVerifyDetectsTampering writes a chain, then edits, deletes, reorders
// and truncates rows directly in the database, as an attacker with database
// access would, and checks that Verify names the first broken entry.
func TestVerifyDetectsTampering(t *testing.T) {
	tampers := []struct {
		name    string
		sql     []string
		rewrite bool  // rewrite entry 5 and recompute its hash, as a careful attacker would
		broken  int64 // 0: the chain still verifies
		want    string
	}{
		{"untouched", nil, false, 0, ""},
		{"edit", []string{`UPDATE audit_entries SET detail = 'nothing to see' WHERE seq = 3`}, false, 3, "edited"},
		{"edit with rehash", []string{`UPDATE audit_entries SET detail = 'x', hash = 'abc' WHERE seq = 3`}, false, 3, "edited"},
		{"delete", []string{`DELETE FROM audit_entries WHERE seq = 3`}, false, 4, "missing"},
		{"reorder", []string{`UPDATE audit_entries SET seq = 100 WHERE seq = 2`, `UPDATE audit_entries SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_entries SET seq = 3 WHERE seq = 100`}, false, 2, "previous entry"},
		{"truncate", []string{`DELETE FROM audit_entries WHERE seq >= 4`}, false, 4, "cut off"},
		{"rewrite with valid hashes", nil, true, 5, "recorded"},
	}
	for _, b := range backends {
		for _, tc := range tampers {
			t.Run(b.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				st, db, q := b.open(t)
				defer st.Close()
				defer db.Close()
				if err := st.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				log := audit.New(st)
				for i := 0; i < 5; i++ {
					if _, err := log.Record(ctx, audit.Actor{User: "anna", Role: "analyst"},
						audit.Entry{Action: audit.ActionSearch, ObjectID: fmt.Sprint(i), PurposeID: "p"}); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := audit.RecordHead(ctx, st); err != nil {
					t.Fatal(err)
				}
				if tc.rewrite {
					last, err := st.ListAudit(ctx, store.AuditFilter{AfterSeq: 4})
					if err != nil || len(last) != 1 {
						t.Fatalf("reading entry 5: %v %v", last, err)
					}
					e := last[0]
					e.Detail = "rewritten"
					if _, err := db.ExecContext(ctx, q(`UPDATE audit_entries SET detail = ?, hash = ? WHERE seq = 5`), e.Detail, e.ComputeHash()); err != nil {
						t.Fatal(err)
					}
				}
				for _, stmt := range tc.sql {
					if _, err := db.ExecContext(ctx, q(stmt)); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
				v, err := audit.Verify(ctx, st)
				if err != nil {
					t.Fatal(err)
				}
				if tc.broken == 0 {
					if !v.OK || v.Entries != 5 || v.Head == "" {
						t.Errorf("untouched chain: %+v", v)
					}
					return
				}
				if v.OK || v.FirstBroken != tc.broken || !strings.Contains(v.Problem, tc.want) {
					t.Errorf("verification = %+v, want entry %d named (%s)", v, tc.broken, tc.want)
				}
			})
		}
	}
}
