package api

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"verrijk/audit"
	"verrijk/store"
)

// processKey returns a random pseudonymisation key for when none is
// configured. Pseudonyms made with it are stable only within this process
// run: two exports from different runs cannot be joined on data subject.
func processKey() []byte {
	key := make([]byte, 32)
	rand.Read(key) // never fails: crypto/rand aborts the process instead
	return key
}

// exportAudit streams the log to the auditor as Logboek Dataverwerkingen
// records, one JSON object per line. The export is logged before the
// first byte goes out: an unlogged export must not happen.
func (s *server) exportAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), PurposeID: q.Get("purpose_id")}
	var problems []string
	for _, p := range []struct {
		key  string
		into *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				problems = append(problems, p.key+" must be an RFC 3339 time")
			}
			*p.into = t
		}
	}
	for key, v := range map[string]string{"action": f.Action, "purpose_id": f.PurposeID} {
		if len(v) > 200 || !utf8.ValidString(v) {
			problems = append(problems, key+" must be valid UTF-8 of at most 200 bytes")
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		problems = append(problems, "until must be after since")
	}
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "bad_request", strings.Join(problems, "; "))
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionAuditExported, ObjectType: "audit", Detail: r.URL.RawQuery}) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Content-Disposition", `attachment; filename="verrijk-audit.ndjson"`)
	w.WriteHeader(http.StatusOK)
	// Once the status is out an error can no longer be answered; aborting
	// the connection (no final chunk) lets the client tell a cut-off
	// export from a complete one.
	if n, err := audit.Export(r.Context(), s.Store, w, f, s.PseudonymKey); err != nil {
		if r.Context().Err() == nil {
			s.Log.Error("exporting the audit log", "err", err, "written", n)
		}
		panic(http.ErrAbortHandler)
	}
}
