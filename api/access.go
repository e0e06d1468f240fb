package api

import (
	"net/http"
	"slices"

	"verrijk/audit"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// Need-to-know (PRIVACY.md, BIO access control): analysts and coordinators
// see only the signals of their own team, and what was found for them. A
// signal belongs to the team of the token that created it; a token without
// a team sees only signals without a team (the embedded single-user setup).
// Coordinators follow the same team rule: assigning signals to people
// within a team is not modelled. Admins and auditors do not reach these
// routes at all (see the route table in api.go).

// deny records an access.denied entry and answers 403 forbidden.
func (s *server) deny(w http.ResponseWriter, r *http.Request, objectType, objectID, detail, msg string) {
	if !s.record(w, r, audit.Entry{Action: audit.ActionAccessDenied, ObjectType: objectType, ObjectID: objectID,
		Result: audit.ResultDenied, Detail: detail}) {
		return
	}
	writeError(w, http.StatusForbidden, "forbidden", msg)
}

// allowSignal answers 404 for an unknown signal and 403 (audited under
// objectType/objectID) for one of another team; it reports whether the
// caller may go on.
func (s *server) allowSignal(w http.ResponseWriter, r *http.Request, signalID, objectType, objectID string) bool {
	return s.checkSignal(w, r, signalID, objectType, objectID, false)
}

// checkSignal is allowSignal; with unknownOK an unknown signal passes (a
// search narrowed to it simply finds nothing).
func (s *server) checkSignal(w http.ResponseWriter, r *http.Request, signalID, objectType, objectID string, unknownOK bool) bool {
	teams, err := s.Store.SignalTeams(r.Context(), []string{signalID})
	if err != nil {
		s.writeStoreError(w, r, "signal", err)
		return false
	}
	team, ok := teams[signalID]
	if !ok {
		if !unknownOK {
			s.writeStoreError(w, r, "signal", store.ErrNotFound)
		}
		return unknownOK
	}
	if caller := principal(r).Team; team != caller {
		s.deny(w, r, objectType, objectID, "signal "+signalID+" of team "+quoteTeam(team)+"; caller's team "+quoteTeam(caller),
			"signal belongs to another team")
		return false
	}
	return true
}

// allowJob applies the signal rule to a job through its signal.
func (s *server) allowJob(w http.ResponseWriter, r *http.Request, jobID string) bool {
	job, err := s.Store.GetJobHeader(r.Context(), jobID)
	if err != nil {
		s.writeStoreError(w, r, "job", err)
		return false
	}
	return s.allowSignal(w, r, job.SignalID, "job", jobID)
}

func quoteTeam(team string) string {
	if team == "" {
		return "(none)"
	}
	return `"` + team + `"`
}

// otherSignals tells the caller that an entity is also linked, under the
// same purpose, to signals of other teams: how many and which teams, never
// the signals themselves, so colleagues can be asked (a cross-signal hit).
type otherSignals struct {
	Count int      `json:"count"`
	Teams []string `json:"teams"`
}

// entityView is an entity as a team member may see it.
type entityView struct {
	entity.Entity
	OtherSignals otherSignals `json:"other_signals"`
}

// teamView keeps only the links under the purpose to the caller's team's
// signals and summarises the rest under that purpose; teams maps signal
// ids to their team (see linkTeams). Links to signals no longer stored
// are dropped and not counted. ok is false when no link is visible.
func teamView(e entity.Entity, purposeID, team string, teams map[string]string) (v entityView, ok bool) {
	keepLinks(&e, purposeID)
	visible := make([]entity.Link, 0, len(e.Signals))
	others := map[string]bool{}
	v.OtherSignals.Teams = []string{}
	for _, l := range e.Signals {
		owner, known := teams[l.SignalID]
		switch {
		case !known:
		case owner == team:
			visible = append(visible, l)
		case !others[l.SignalID]:
			others[l.SignalID] = true
			v.OtherSignals.Count++
			// A signal without a team counts but names no team.
			if owner != "" && !slices.Contains(v.OtherSignals.Teams, owner) {
				v.OtherSignals.Teams = append(v.OtherSignals.Teams, owner)
			}
		}
	}
	slices.Sort(v.OtherSignals.Teams)
	e.Signals = visible
	v.Entity = e
	return v, len(visible) > 0
}

// linkTeams returns the team of every signal the entities link to.
func (s *server) linkTeams(r *http.Request, ents ...entity.Entity) (map[string]string, error) {
	seen := map[string]bool{}
	var ids []string
	for _, e := range ents {
		for _, l := range e.Signals {
			if !seen[l.SignalID] {
				seen[l.SignalID] = true
				ids = append(ids, l.SignalID)
			}
		}
	}
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return s.Store.SignalTeams(r.Context(), ids)
}

// visibleEntity loads an entity for a route acting on it under a purpose,
// with the rules of GET /entities/{id}: 404 (audited as a denied read)
// when it is not linked under the purpose, 403 when only other teams'
// signals hold it. It returns the entity with all its links and the teams
// of their signals. what, when set, names the view (e.g. "indicators") in
// the audit entries of a refusal.
func (s *server) visibleEntity(w http.ResponseWriter, r *http.Request, purpose store.Purpose, id, what string) (
	entity.Entity, map[string]string, bool) {
	prefix := ""
	if what != "" {
		prefix = what + "; "
	}
	e, err := s.Store.GetEntity(r.Context(), id)
	if err != nil {
		s.writeStoreError(w, r, "entity", err)
		return entity.Entity{}, nil, false
	}
	if !slices.ContainsFunc(e.Signals, func(l entity.Link) bool { return l.PurposeID == purpose.ID }) {
		if s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: id,
			PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Result: audit.ResultDenied, Detail: what}) {
			writeError(w, http.StatusNotFound, "not_found", "entity not found under purpose "+purpose.ID)
		}
		return entity.Entity{}, nil, false
	}
	teams, err := s.linkTeams(r, e)
	if err != nil {
		s.writeStoreError(w, r, "signal teams", err)
		return entity.Entity{}, nil, false
	}
	if _, visible := teamView(e, purpose.ID, principal(r).Team, teams); !visible {
		s.deny(w, r, "entity", id, prefix+"linked under purpose "+purpose.ID+" only to signals of other teams",
			"entity belongs to signals of other teams")
		return entity.Entity{}, nil, false
	}
	return e, teams, true
}
