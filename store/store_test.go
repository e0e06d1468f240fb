package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/store"
	"verrijk/store/storetest"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatalf("Open sqlite: %v", err)
	}
	return s
}

func openPostgres(t *testing.T) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), storetest.NewPostgresDSN(t), "")
	if err != nil {
		t.Fatalf("Open postgres: %v", err)
	}
	return s
}

func TestSQLite(t *testing.T) { storetest.Run(t, openSQLite) }

// TestPostgres runs the suite in one fresh database, each case in its own
// schema, which is much cheaper than a database per case.
func TestPostgres(t *testing.T) {
	dsn := storetest.NewPostgresDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(t.Context(), storetest.NewSchemaDSN(t, dsn), "")
		if err != nil {
			t.Fatalf("Open postgres: %v", err)
		}
		return s
	})
}

func TestOpenDSN(t *testing.T) {
	_, err := store.Open(context.Background(), "mysql://user:secret@host/db", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "store.dsn") || strings.Contains(err.Error(), "secret") {
		t.Errorf("Open with a foreign dsn: %v; want an error naming store.dsn without the secret", err)
	}
	if _, err := store.Open(context.Background(), "", ""); err == nil || !strings.Contains(err.Error(), "data_dir") {
		t.Errorf("Open sqlite without data_dir: %v; want an error naming data_dir", err)
	}
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatalf("Open sqlite in a new dir: %v", err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	// Open does not migrate.
	if _, err := s.GetSignal(context.Background(), "x"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSignal before Migrate: %v; want a missing-table error", err)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	for name, open := range map[string]func(*testing.T) store.Store{"sqlite": openSQLite, "postgres": openPostgres} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			for i := range 2 {
				if err := s.Migrate(t.Context()); err != nil {
					t.Fatalf("Migrate #%d: %v", i+1, err)
				}
			}
			if _, err := s.CreateSignal(t.Context(), store.Signal{Title: "after two migrations"}); err != nil {
				t.Fatalf("CreateSignal: %v", err)
			}
		})
	}
}

// TestPostgresConcurrentProcesses stands in for several processes on one
// database: separate Store instances (separate pools) migrate at once and
// then write to one audit chain and one entity.
func TestPostgresConcurrentProcesses(t *testing.T) {
	dsn := storetest.NewPostgresDSN(t)
	concurrentProcesses(t, func() (store.Store, error) { return store.Open(t.Context(), dsn, "") })
}

// TestSQLiteConcurrentProcesses does the same on one SQLite file, where each
// Store has its own connection and file locks arbitrate.
func TestSQLiteConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	concurrentProcesses(t, func() (store.Store, error) { return store.Open(t.Context(), "", dir) })
}

func concurrentProcesses(t *testing.T, open func() (store.Store, error)) {
	const procs, each = 3, 20
	stores := make([]store.Store, procs)
	for i := range stores {
		s, err := open()
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		stores[i] = s
	}
	run := func(what string, fn func(i int, s store.Store) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, procs)
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn(i, s)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s in store %d: %v", what, i, err)
			}
		}
	}
	run("Migrate", func(_ int, s store.Store) error { return s.Migrate(t.Context()) })
	run("writing", func(i int, s store.Store) error {
		for n := range each {
			if _, err := s.AppendAudit(t.Context(), store.AuditEntry{Action: "test", ActorUser: fmt.Sprint(i)}); err != nil {
				return err
			}
			e := entity.Entity{ID: "company-p", Schema: entity.SchemaCompany}
			e.Add("phone", fmt.Sprintf("%d-%d", i, n))
			if _, err := s.UpsertEntity(t.Context(), e); err != nil {
				return err
			}
		}
		return nil
	})

	all, err := stores[0].ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	if len(all) != procs*each {
		t.Fatalf("%d entries, want %d", len(all), procs*each)
	}
	prev := ""
	for i, e := range all {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() {
			t.Fatalf("chain broken at entry %d: %+v", i+1, e)
		}
		prev = e.Hash
	}
	e, err := stores[1].GetEntity(t.Context(), "company-p")
	if err != nil {
		t.Fatalf("GetEntity: %v", err)
	}
	if n := len(e.Properties["phone"]); n != procs*each {
		t.Errorf("entity has %d phone values, want %d", n, procs*each)
	}
}
