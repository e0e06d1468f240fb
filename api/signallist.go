package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/store"
)

// signalPageSize is how many signals one page of GET /signals holds.
const signalPageSize = 50

// listSignals serves GET /signals: the caller's team's signals, most
// recently active first. Filters: status (open, closed), assignee ("me"
// for the caller), page (1-based).
func (s *server) listSignals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.SignalFilter{Team: principal(r).Team, Status: q.Get("status"), Assignee: q.Get("assignee"), Limit: signalPageSize}
	if f.Status != "" && f.Status != store.SignalOpen && f.Status != store.SignalClosed {
		writeError(w, http.StatusBadRequest, "bad_request", "status must be open or closed")
		return
	}
	if f.Assignee == "me" {
		f.Assignee = principal(r).User
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			writeError(w, http.StatusBadRequest, "bad_request", "page must be a whole number from 1")
			return
		}
		page = n
	}
	f.Offset = (page - 1) * signalPageSize
	list, total, err := s.Store.ListSignals(r.Context(), f)
	if err != nil {
		s.writeStoreError(w, r, "signals", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": page, "page_size": signalPageSize, "signals": list})
}

type signalPatch struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	ExternalRef *string `json:"external_ref"`
	Status      *string `json:"status"`
}

// updateSignal serves PATCH /signals/{id}: edit or close/reopen a signal
// of the caller's team.
func (s *server) updateSignal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.allowSignal(w, r, id, "signal", id) {
		return
	}
	var req signalPatch
	if !decode(w, r, &req) {
		return
	}
	var msg string
	var changed []string
	if req.Title != nil {
		t := strings.TrimSpace(*req.Title)
		req.Title = &t
		msg += checkText("title", t, 1, 300)
		changed = append(changed, "title")
	}
	if req.Description != nil {
		msg += checkText("description", *req.Description, 0, 10000)
		changed = append(changed, "description")
	}
	if req.ExternalRef != nil {
		msg += checkText("external_ref", *req.ExternalRef, 0, 200)
		changed = append(changed, "external_ref")
	}
	if req.Status != nil {
		if *req.Status != store.SignalOpen && *req.Status != store.SignalClosed {
			msg += "status must be open or closed; "
		}
		changed = append(changed, "status="+*req.Status)
	}
	if msg == "" && len(changed) == 0 {
		msg = "nothing to change: give title, description, external_ref or status; "
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", strings.TrimSuffix(msg, "; "))
		return
	}
	var sig store.Signal
	// The log names the fields changed, not their (possibly personal) text.
	if !s.change(w, r, "signal", audit.Entry{Action: audit.ActionSignalChanged, ObjectType: "signal", ObjectID: id,
		Detail: strings.Join(changed, ",")}, func(tx store.Store, _ *audit.Entry) error {
		var err error
		sig, err = tx.UpdateSignal(r.Context(), id, store.SignalChange{Title: req.Title, Description: req.Description,
			ExternalRef: req.ExternalRef, Status: req.Status})
		return err
	}) {
		return
	}
	writeJSON(w, http.StatusOK, sig)
}

// assignSignal serves PUT /signals/{id}/assignee (coordinators): give a
// signal of the team to a member of the team, or to no one ("").
func (s *server) assignSignal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.allowSignal(w, r, id, "signal", id) {
		return
	}
	var req struct {
		User string `json:"user"`
	}
	if !decode(w, r, &req) {
		return
	}
	user := strings.TrimSpace(req.User)
	if user != "" {
		ok, err := s.teamMember(r, user)
		if err != nil {
			s.writeStoreError(w, r, "users", err)
			return
		}
		if !ok {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(
				"user %q is not an analyst or coordinator of team %s with a valid token", user, quoteTeam(principal(r).Team)))
			return
		}
	}
	var sig store.Signal
	if !s.change(w, r, "signal", audit.Entry{Action: audit.ActionSignalAssigned, ObjectType: "signal", ObjectID: id,
		Detail: "assignee=" + user}, func(tx store.Store, _ *audit.Entry) error {
		var err error
		sig, err = tx.UpdateSignal(r.Context(), id, store.SignalChange{Assignee: &user})
		return err
	}) {
		return
	}
	writeJSON(w, http.StatusOK, sig)
}

// teamMember reports whether user holds a live analyst or coordinator
// token of the caller's team: users are the holders of tokens.
func (s *server) teamMember(r *http.Request, user string) (bool, error) {
	tokens, err := s.Store.ListTokens(r.Context())
	if err != nil {
		return false, err
	}
	for _, t := range tokens {
		live := t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || t.ExpiresAt.After(time.Now()))
		if t.User == user && t.Team == principal(r).Team && live && (t.Role == RoleAnalyst || t.Role == RoleCoordinator) {
			return true, nil
		}
	}
	return false, nil
}
