package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/pipeline/subject"
	"verrijk/rights"
)

// Data-subject rights (AVG chapter III), for the privacy officer
// (auditor role): a report of everything held on an identifier, and its
// erasure. Both are logged with a keyed pseudonym of the identifier.

// subjectOf reads the identifier from ?subject=type:value, or ?type= and
// ?value=, validated as a signal subject is.
func subjectOf(r *http.Request) (subject.Subject, string) {
	q := r.URL.Query()
	if arg := q.Get("subject"); arg != "" {
		s, err := subject.ParseArg(arg)
		if err != nil {
			return subject.Subject{}, err.Error()
		}
		return s, ""
	}
	if q.Get("type") == "" || q.Get("value") == "" {
		return subject.Subject{}, "give the identifier as subject=type:value (e.g. kvk:68750110), or as type and value"
	}
	s, err := subject.Parse(subject.Type(q.Get("type")), q.Get("value"))
	if err != nil {
		return subject.Subject{}, err.Error()
	}
	return s, ""
}

// subjectReport serves GET /subjects/report: JSON, or with format=html
// a readable, printable Dutch report.
func (s *server) subjectReport(w http.ResponseWriter, r *http.Request) {
	sub, msg := subjectOf(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_subject", msg)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "html" {
		writeError(w, http.StatusBadRequest, "bad_request", "format must be json or html")
		return
	}
	rep, err := rights.Build(r.Context(), s.Store, sub, principal(r).User, time.Now())
	if err != nil {
		s.writeStoreError(w, r, "subject report", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionSubjectReported, ObjectType: "subject",
		ObjectID: audit.Pseudonym(s.PseudonymKey, sub.String()), Detail: "type=" + string(sub.Type) + " " + rep.Summary()}) {
		return
	}
	if format != "html" {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf); err != nil {
		s.writeStoreError(w, r, "subject report", err)
		return
	}
	// A standalone page: no script at all, inline style only.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="inzage-%s.html"`, sub.Type))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

type erasureRequest struct {
	Subject string `json:"subject"` // type:value
	Reason  string `json:"reason"`
}

// eraseSubject serves POST /subjects/erasure.
func (s *server) eraseSubject(w http.ResponseWriter, r *http.Request) {
	var req erasureRequest
	if !decode(w, r, &req) {
		return
	}
	sub, err := subject.ParseArg(req.Subject)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_subject", "subject: "+err.Error())
		return
	}
	if msg := checkText("reason", strings.TrimSpace(req.Reason), 1, 2000); msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", strings.TrimSuffix(msg, "; ")+" (e.g. the request's reference)")
		return
	}
	res, err := rights.Erase(r.Context(), s.Store, s.Index, principal(r), s.PseudonymKey, sub, strings.TrimSpace(req.Reason))
	if err != nil {
		s.writeStoreError(w, r, "erasure", err)
		return
	}
	if res.IndexError != "" {
		s.Log.Warn("erasure: the index keeps the entities until the next retention sweep", "err", res.IndexError)
	}
	writeJSON(w, http.StatusOK, res)
}
