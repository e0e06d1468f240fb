package api

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"verrijk/audit"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

type signalRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	ExternalRef string `json:"external_ref"`
}

func (s *server) createSignal(w http.ResponseWriter, r *http.Request) {
	var req signalRequest
	if !decode(w, r, &req) {
		return
	}
	req.Title = strings.TrimSpace(req.Title)
	if msg := checkText("title", req.Title, 1, 300) + checkText("description", req.Description, 0, 10000) +
		checkText("external_ref", req.ExternalRef, 0, 200); msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", strings.TrimSuffix(msg, "; "))
		return
	}
	actor := principal(r)
	var sig store.Signal
	if !s.change(w, r, "signal", audit.Entry{Action: audit.ActionSignalCreated, ObjectType: "signal"},
		func(tx store.Store, e *audit.Entry) error {
			var err error
			sig, err = tx.CreateSignal(r.Context(), store.Signal{Title: req.Title, Description: req.Description,
				ExternalRef: req.ExternalRef, Team: actor.Team, CreatedBy: actor.User})
			e.ObjectID = sig.ID
			return err
		}) {
		return
	}
	sig.Subjects, sig.Jobs = []store.Subject{}, []store.JobSummary{}
	writeJSON(w, http.StatusCreated, sig)
}

func (s *server) getSignal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.allowSignal(w, r, id, "signal", id) {
		return
	}
	sig, err := s.Store.GetSignal(r.Context(), id)
	if err != nil {
		s.writeStoreError(w, r, "signal", err)
		return
	}
	writeJSON(w, http.StatusOK, sig)
}

type subjectRequest struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (s *server) addSubject(w http.ResponseWriter, r *http.Request) {
	sigID := r.PathValue("id")
	if !s.allowSignal(w, r, sigID, "signal", sigID) {
		return
	}
	var req subjectRequest
	if !decode(w, r, &req) {
		return
	}
	sub, err := subject.Parse(subject.Type(req.Type), req.Value)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_subject", err.Error())
		return
	}
	var stored store.Subject
	if !s.change(w, r, "subject", audit.Entry{Action: audit.ActionSubjectAdded, ObjectType: "signal", ObjectID: sigID,
		Detail: sub.String()}, func(tx store.Store, _ *audit.Entry) error {
		var err error
		stored, err = tx.AddSubject(r.Context(), store.Subject{SignalID: sigID, Type: sub.Type, Value: sub.Value})
		return err
	}) {
		return
	}
	writeJSON(w, http.StatusCreated, stored)
}

// record writes an audit entry for the request; on failure it answers 500
// and returns false, because an operation that cannot be logged must not
// be reported as done.
func (s *server) record(w http.ResponseWriter, r *http.Request, e audit.Entry) bool {
	if _, err := s.Audit.Record(r.Context(), principal(r), e); err != nil {
		s.writeStoreError(w, r, "audit entry", err)
		return false
	}
	return true
}

// checkText returns a message naming field when v is out of bounds.
func checkText(field, v string, min, max int) string {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return field + " is not valid UTF-8; "
	case n < min && min == 1:
		return field + " is required; "
	case n < min:
		return field + " is too short; "
	case n > max:
		return field + " is longer than " + strconv.Itoa(max) + " characters; "
	}
	return ""
}
