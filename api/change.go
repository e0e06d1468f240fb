package api

import (
	"net/http"

	"verrijk/audit"
	"verrijk/store"
)

// change runs fn and appends the audit entry e in one store transaction
// (store.Atomic), so a change and its log line commit together or not at
// all. fn may complete e (e.g. with the id of what it created). On failure
// it answers (naming what) and returns false.
func (s *server) change(w http.ResponseWriter, r *http.Request, what string, e audit.Entry,
	fn func(tx store.Store, e *audit.Entry) error) bool {
	err := s.Store.Atomic(r.Context(), func(tx store.Store) error {
		if err := fn(tx, &e); err != nil {
			return err
		}
		_, err := s.Audit.In(tx).Record(r.Context(), principal(r), e)
		return err
	})
	if err != nil {
		s.writeStoreError(w, r, what, err)
		return false
	}
	return true
}
