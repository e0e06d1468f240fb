package store

import (
	"context"
	"errors"
	"fmt"
)

// Atomic runs fn with a Store bound to one transaction: everything fn does
// through it commits together, or not at all when fn returns an error. It
// exists so that a change and the audit entry recording it are one write
// (PRIVACY.md: no processing without its log line, and no log line for a
// change that did not happen). Calls nest: inside fn, Atomic joins the
// transaction. The bound Store must not be used after fn returns, and on
// SQLite fn must not use the outer Store (its single connection is taken).
func (s *sqlStore) Atomic(ctx context.Context, fn func(tx Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	bound := *s
	bound.tx = tx
	if err := fn(&bound); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// errInTx is returned by the methods a transaction-bound Store cannot run.
var errInTx = errors.New("not allowed inside Atomic")
