package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

// listAudit serves the processing log to the auditor, filtered by action,
// actor, object, purpose, time range and sequence. Reading the log is
// itself logged.
func (s *server) listAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), ActorUser: q.Get("actor"), ObjectID: q.Get("object_id"),
		PurposeID: q.Get("purpose_id")}
	var problems []string
	parseTime := func(key string, into *time.Time) {
		if v := q.Get(key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				problems = append(problems, key+" must be an RFC 3339 time")
			}
			*into = t
		}
	}
	parseInt := func(key string, max int64, into func(int64)) {
		if v := q.Get(key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n > max {
				problems = append(problems, key+" must be a whole number from 0 to "+strconv.FormatInt(max, 10))
			}
			into(n)
		}
	}
	parseTime("since", &f.Since)
	parseTime("until", &f.Until)
	parseInt("after_seq", 1<<62, func(n int64) { f.AfterSeq = n })
	parseInt("limit", 1000, func(n int64) { f.Limit = int(n) })
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "bad_request", strings.Join(problems, "; "))
		return
	}
	entries, err := s.Store.ListAudit(r.Context(), f)
	if err != nil {
		s.writeStoreError(w, r, "audit entries", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionAuditRead, ObjectType: "audit", Detail: r.URL.RawQuery}) {
		return
	}
	if entries == nil {
		entries = []store.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

// verifyAudit checks the whole chain for the auditor; the check is logged.
func (s *server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	v, err := audit.Verify(r.Context(), s.Store)
	if err != nil {
		s.writeStoreError(w, r, "audit log", err)
		return
	}
	result := audit.ResultOK
	if !v.OK {
		result = audit.ResultFailed
	} else if _, err := audit.RecordHead(r.Context(), s.Store); err != nil {
		s.writeStoreError(w, r, "audit head", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionAuditVerified, ObjectType: "audit", Result: result, Detail: v.Problem}) {
		return
	}
	writeJSON(w, http.StatusOK, v)
}
