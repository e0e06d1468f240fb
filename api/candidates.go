package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/store"
)

// Person candidates. Persons are never merged on a name (pipeline/resolve):
// GET lists the Person entities with the same normalised name and the
// evidence to judge by, POST records an analyst's decision ("same" or
// "different", audited), DELETE takes it back (audited). A "same" decision
// makes GET /entities/{id} show the persons as one profile; the stored
// entities stay apart, so the decision can be reversed.

// Caps: candidates listed for one person, persons merged into one view.
const (
	maxCandidates = 100
	maxSameAs     = 20
)

// evidence is what an analyst compares two namesakes by.
type evidence struct {
	Names      []string `json:"names"`
	BirthDates []string `json:"birth_dates"`
	Addresses  []string `json:"addresses"`
	Sources    []string `json:"sources"`
}

// decisionView is a stored decision as seen from one of its persons.
type decisionView struct {
	OtherID   string    `json:"other_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

func viewDecision(d store.MatchDecision, from string) decisionView {
	other := d.OtherID
	if other == from {
		other = d.EntityID
	}
	return decisionView{OtherID: other, Decision: d.Decision, Reason: d.Reason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt}
}

type candidate struct {
	Entity   entityAnswer  `json:"entity"`
	Evidence evidence      `json:"evidence"`
	Decision *decisionView `json:"decision"`
}

type candidatesAnswer struct {
	EntityID string      `json:"entity_id"`
	Evidence evidence    `json:"evidence"`
	Items    []candidate `json:"candidates"`
	// OtherTeams counts namesakes linked under the purpose only to other
	// teams' signals: shown as a count, never with their data.
	OtherTeams []teamCount `json:"other_teams"`
}

func (s *server) listCandidates(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	id := r.PathValue("id")
	e, teams, ok := s.visiblePerson(w, r, purpose, id)
	if !ok {
		return
	}
	others, err := s.namesakes(r, e)
	if err != nil {
		s.writeStoreError(w, r, "candidates", err)
		return
	}
	decisions, err := s.Store.MatchDecisions(r.Context(), id)
	if err != nil {
		s.writeStoreError(w, r, "match decisions", err)
		return
	}
	cache := newTeamCache(teams)
	if err := cache.load(r, s.Store, others...); err != nil {
		s.writeStoreError(w, r, "signal teams", err)
		return
	}
	team := principal(r).Team
	answer := candidatesAnswer{EntityID: id, Items: []candidate{}, OtherTeams: []teamCount{}}
	var shown []entity.Entity
	hidden := map[string]int{}
	for _, o := range others {
		a, visible := answerFor(o, purpose.ID, team, "", cache.teams)
		if !visible {
			// Linked under the purpose to other teams' signals: counted
			// once, under its first such team.
			if t := a.OtherSignals.Teams; a.OtherSignals.Count > 0 {
				hidden[firstOr(t, "")]++
			}
			continue
		}
		c := candidate{Entity: a}
		for _, d := range decisions {
			if d.EntityID == o.ID || d.OtherID == o.ID {
				v := viewDecision(d, id)
				c.Decision = &v
			}
		}
		answer.Items = append(answer.Items, c)
		shown = append(shown, o)
	}
	for t, n := range hidden {
		answer.OtherTeams = append(answer.OtherTeams, teamCount{Team: t, Count: n})
	}
	slices.SortFunc(answer.OtherTeams, func(a, b teamCount) int { return strings.Compare(a.Team, b.Team) })
	addrs, err := s.addressTexts(r, append([]entity.Entity{e}, shown...))
	if err != nil {
		s.writeStoreError(w, r, "addresses", err)
		return
	}
	answer.Evidence = evidenceOf(e, addrs)
	for i := range answer.Items {
		answer.Items[i].Evidence = evidenceOf(shown[i], addrs)
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("person candidates: %s", entityIDs(shown))}) {
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

type decisionRequest struct {
	OtherID  string `json:"other_id"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (s *server) decideCandidate(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	var req decisionRequest
	if !decode(w, r, &req) {
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	id := r.PathValue("id")
	msg := checkText("reason", req.Reason, 1, 1000)
	if req.Decision != store.MatchSame && req.Decision != store.MatchDifferent {
		msg += `decision must be "same" or "different"; `
	}
	if req.OtherID == "" || req.OtherID == id {
		msg += "other_id must name another person; "
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", strings.TrimSuffix(msg, "; "))
		return
	}
	e, _, ok := s.visiblePerson(w, r, purpose, id)
	if !ok {
		return
	}
	other, _, ok := s.visiblePerson(w, r, purpose, req.OtherID)
	if !ok {
		return
	}
	if !sharesName(e, other) {
		writeError(w, http.StatusUnprocessableEntity, "not_a_candidate",
			"the two persons do not have the same normalised name; only candidates can be decided on")
		return
	}
	actor := principal(r)
	var stored store.MatchDecision
	if !s.change(w, r, "match decision", audit.Entry{Action: audit.ActionMatchDecided, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("%s %s: %s", req.Decision, req.OtherID, req.Reason)},
		func(tx store.Store, _ *audit.Entry) error {
			var err error
			stored, err = tx.PutMatchDecision(r.Context(), store.MatchDecision{EntityID: id, OtherID: req.OtherID,
				Decision: req.Decision, Reason: req.Reason, DecidedBy: actor.User, Team: actor.Team})
			return err
		}) {
		return
	}
	writeJSON(w, http.StatusCreated, viewDecision(stored, id))
}

func (s *server) reverseCandidate(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	id, otherID := r.PathValue("id"), r.PathValue("other_id")
	if _, _, ok := s.visiblePerson(w, r, purpose, id); !ok {
		return
	}
	if _, _, ok := s.visiblePerson(w, r, purpose, otherID); !ok {
		return
	}
	var old store.MatchDecision
	if !s.change(w, r, "match decision", audit.Entry{Action: audit.ActionMatchReversed, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity},
		func(tx store.Store, e *audit.Entry) error {
			var err error
			old, err = tx.DeleteMatchDecision(r.Context(), id, otherID)
			e.Detail = fmt.Sprintf("%s %s taken back (was: %s)", old.Decision, otherID, old.Reason)
			return err
		}) {
		return
	}
	writeJSON(w, http.StatusOK, viewDecision(old, id))
}

// visiblePerson is visibleEntity for a Person; another schema is a 400.
func (s *server) visiblePerson(w http.ResponseWriter, r *http.Request, purpose store.Purpose, id string) (
	entity.Entity, map[string]string, bool) {
	e, teams, ok := s.visibleEntity(w, r, purpose, id, "")
	if ok && e.Schema != entity.SchemaPerson {
		writeError(w, http.StatusBadRequest, "bad_request", "entity "+id+" is a "+e.Schema+"; candidates are for Person entities")
		return entity.Entity{}, nil, false
	}
	return e, teams, ok
}

// namesakes returns the other Person entities with one of e's normalised
// names, at most maxCandidates.
func (s *server) namesakes(r *http.Request, e entity.Entity) ([]entity.Entity, error) {
	keys := resolve.PersonKeys(e)
	hits, err := s.Store.EntitiesByKeys(r.Context(), entity.SchemaPerson, keys, maxCandidates+1)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, k := range keys {
		for _, id := range hits[k] {
			if id != e.ID && !slices.Contains(ids, id) && len(ids) < maxCandidates {
				ids = append(ids, id)
			}
		}
	}
	return s.Store.GetEntities(r.Context(), ids)
}

func sharesName(a, b entity.Entity) bool {
	keys := resolve.PersonKeys(b)
	return slices.ContainsFunc(resolve.PersonKeys(a), func(k string) bool { return slices.Contains(keys, k) })
}

// addressTexts reads the one-line form of the Address entities the
// persons point at.
func (s *server) addressTexts(r *http.Request, ents []entity.Entity) (map[string]string, error) {
	var ids []string
	for _, e := range ents {
		ids = append(ids, e.Properties["addressEntity"]...)
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	addrs, err := s.Store.GetEntities(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		out[a.ID] = firstOr(a.Properties["full"], a.Caption)
	}
	return out, nil
}

func evidenceOf(e entity.Entity, addrs map[string]string) evidence {
	ev := evidence{Names: []string{}, BirthDates: []string{}, Addresses: []string{}, Sources: []string{}}
	for _, p := range []string{"name", "alias"} {
		ev.Names = appendNew(ev.Names, e.Properties[p]...)
	}
	ev.BirthDates = appendNew(ev.BirthDates, e.Properties["birthDate"]...)
	ev.Addresses = appendNew(ev.Addresses, e.Properties["address"]...)
	for _, id := range e.Properties["addressEntity"] {
		ev.Addresses = appendNew(ev.Addresses, addrs[id])
	}
	for _, p := range e.Provenance {
		ev.Sources = appendNew(ev.Sources, p.Source)
	}
	slices.Sort(ev.Sources)
	return ev
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func firstOr(vs []string, fallback string) string {
	if len(vs) > 0 {
		return vs[0]
	}
	return fallback
}

// sameAs returns the persons confirmed (transitively) to be the same as
// id, at most maxSameAs, without id itself.
func (s *server) sameAs(r *http.Request, id string) ([]string, error) {
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 && len(out) < maxSameAs {
		cur := queue[0]
		queue = queue[1:]
		ds, err := s.Store.MatchDecisions(r.Context(), cur)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			other := viewDecision(d, cur).OtherID
			if d.Decision == store.MatchSame && !seen[other] && len(out) < maxSameAs {
				seen[other] = true
				out = append(out, other)
				queue = append(queue, other)
			}
		}
	}
	return out, nil
}

// profile is the answer of GET /entities/{id}: for a person confirmed to
// be the same as others, the view merges those the caller may see under
// the purpose (their properties, provenance and links); the stored
// entities are not touched.
func (s *server) profile(r *http.Request, e entity.Entity, purposeID string, teams map[string]string) (entityAnswer, error) {
	team := principal(r).Team
	if e.Schema != entity.SchemaPerson {
		a, _ := answerFor(e, purposeID, team, "", teams)
		return a, nil
	}
	ids, err := s.sameAs(r, e.ID)
	if err != nil {
		return entityAnswer{}, err
	}
	others, err := s.Store.GetEntities(r.Context(), ids)
	if err != nil {
		return entityAnswer{}, err
	}
	cache := newTeamCache(teams)
	others, err = visibleOnly(r, s.Store, cache, others, purposeID)
	if err != nil {
		return entityAnswer{}, err
	}
	merged := e
	merged.Properties = make(map[string][]string, len(e.Properties))
	for k, vs := range e.Properties {
		merged.Properties[k] = slices.Clone(vs)
	}
	merged.Provenance = slices.Clone(e.Provenance)
	merged.Signals = slices.Clone(e.Signals)
	var same []string
	for _, o := range others {
		merged.Merge(o)
		merged.Signals = append(merged.Signals, o.Signals...)
		same = append(same, o.ID)
	}
	a, _ := answerFor(merged, purposeID, team, "", cache.teams)
	a.Signals = uniqueLinks(a.Signals)
	a.SameAs = same
	return a, nil
}

// visibleSameAs returns the ids of the persons confirmed to be the same as
// id that the caller may see under the purpose.
func (s *server) visibleSameAs(r *http.Request, id, purposeID string, cache *teamCache) ([]string, error) {
	ids, err := s.sameAs(r, id)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	others, err := s.Store.GetEntities(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	if others, err = visibleOnly(r, s.Store, cache, others, purposeID); err != nil {
		return nil, err
	}
	out := make([]string, len(others))
	for i, o := range others {
		out[i] = o.ID
	}
	return out, nil
}

// visibleOnly keeps the entities the caller may see under the purpose:
// another team's person is not named, not even by id.
func visibleOnly(r *http.Request, st store.Store, cache *teamCache, ents []entity.Entity, purposeID string) ([]entity.Entity, error) {
	out := make([]entity.Entity, 0, len(ents))
	for _, e := range ents {
		ok, err := cache.visible(r, st, e, purposeID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// uniqueLinks keeps one link per (signal, purpose): merged persons found
// for the same signal would otherwise list it twice.
func uniqueLinks(links []entity.Link) []entity.Link {
	out := make([]entity.Link, 0, len(links))
	for _, l := range links {
		if !slices.ContainsFunc(out, func(o entity.Link) bool { return o.SignalID == l.SignalID && o.PurposeID == l.PurposeID }) {
			out = append(out, l)
		}
	}
	return out
}
