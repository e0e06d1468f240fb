package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/pipeline/entity"
)

// maxSearchQuery caps the search text; longer input is not a search.
const maxSearchQuery = 500

func (s *server) signalEntities(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	sigID := r.PathValue("id")
	if !s.allowSignal(w, r, sigID, "signal", sigID) {
		return
	}
	ents, err := s.Store.SignalEntities(r.Context(), sigID, purpose.ID)
	if err != nil {
		s.writeStoreError(w, r, "entities", err)
		return
	}
	teams, err := s.linkTeams(r, ents...)
	if err != nil {
		s.writeStoreError(w, r, "signal teams", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "signal", ObjectID: sigID,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("%d entities: %s", len(ents), entityIDs(ents))}) {
		return
	}
	views := make([]entityAnswer, 0, len(ents))
	for _, e := range ents {
		a, _ := answerFor(e, purpose.ID, principal(r).Team, sigID, teams)
		views = append(views, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entities": views})
}

// getEntity answers only when the entity is linked to some signal under the
// stated purpose (data gathered for one purpose is not read for another),
// and to one of the caller's team's signals (need-to-know). Links to other
// teams' signals are only counted, in other_signals.
func (s *server) getEntity(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	id := r.PathValue("id")
	e, teams, ok := s.visibleEntity(w, r, purpose, id, "")
	if !ok {
		return
	}
	// A person confirmed to be the same as others shows as one profile.
	answer, err := s.profile(r, e, purpose.ID, teams)
	if err != nil {
		s.writeStoreError(w, r, "entity", err)
		return
	}
	detail := ""
	if len(answer.SameAs) > 0 {
		detail = "one profile with " + strings.Join(answer.SameAs, ",")
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Detail: detail}) {
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// keepLinks drops the entity's signal links under other purposes: that a
// record is also used for another purpose, on which signal, is itself data
// of that other processing. Search hits are filtered the same way.
func keepLinks(e *entity.Entity, purposeID string) {
	links := make([]entity.Link, 0, len(e.Signals))
	for _, l := range e.Signals {
		if l.PurposeID == purposeID {
			links = append(links, l)
		}
	}
	e.Signals = links
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	purpose, ok := s.purposeFor(w, r, q.Get("purpose_id"))
	if !ok {
		return
	}
	text := strings.TrimSpace(q.Get("q"))
	if len(text) > maxSearchQuery {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("q is longer than %d bytes", maxSearchQuery))
		return
	}
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "bad_request", "page must be a whole number from 1 to 1000")
			return
		}
		page = n
	}
	sigID := q.Get("signal_id")
	if sigID != "" && !s.checkSignal(w, r, sigID, "signal", sigID, true) {
		return
	}
	filters, msg := parseSearchFilters(q, s.Known)
	if msg != "" {
		writeError(w, http.StatusBadRequest, "bad_request", msg)
		return
	}
	res, err := s.teamSearch(r, index.Query{Text: text, PurposeID: purpose.ID,
		SignalID: sigID, Schema: q.Get("schema"), Page: page,
		Sources: filters.Sources, DateFrom: filters.From, DateTo: filters.To, Sort: filters.Sort})
	if err != nil {
		s.writeStoreError(w, r, "search", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionSearch, ObjectType: "query", ObjectID: text,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("schema=%q signal=%q page=%d total=%d", q.Get("schema"), q.Get("signal_id"), page, res.Total) + filters.detail()}) {
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// searchAnswer is the answer of GET /search.
type searchAnswer struct {
	Total  int                           `json:"total"`
	Hits   []searchHit                   `json:"hits"`
	Facets map[string][]index.FacetCount `json:"facets"`
}

// searchHit is a hit with only the links to the caller's team's signals.
// For a person an analyst confirmed to be the same as others, same_as
// lists those the caller may see (GET /entities/{id} shows them merged).
type searchHit struct {
	index.Hit
	SameAs []string `json:"same_as,omitempty"`
}

// teamSearch runs q narrowed to the entities linked to the caller's team's
// signals, and keeps in each hit only the links to those signals.
func (s *server) teamSearch(r *http.Request, q index.Query) (searchAnswer, error) {
	team := principal(r).Team
	q.Teams = []string{team}
	res, err := s.Index.Search(r.Context(), q)
	if err != nil {
		return searchAnswer{}, err
	}
	// The index found the entities by their links' teams; which of a
	// hit's links are the team's is asked of the store, the authority
	// on who owns a signal.
	ents := make([]entity.Entity, len(res.Hits))
	for i, h := range res.Hits {
		ents[i] = h.Entity
	}
	cache := newTeamCache(nil)
	if err := cache.load(r, s.Store, ents...); err != nil {
		return searchAnswer{}, err
	}
	out := searchAnswer{Total: res.Total, Hits: make([]searchHit, 0, len(res.Hits)), Facets: res.Facets}
	for _, h := range res.Hits {
		links := make([]entity.Link, 0, len(h.Signals))
		for _, l := range h.Signals {
			if owner, ok := cache.teams[l.SignalID]; ok && owner == team {
				links = append(links, l)
			}
		}
		if len(links) == 0 {
			// Found by a team key the index still holds for a signal the
			// store has purged since (the index follows within a sweep):
			// no longer the team's to see.
			out.Total--
			continue
		}
		h.Signals = links
		hit := searchHit{Hit: h}
		if h.Schema == entity.SchemaPerson {
			if hit.SameAs, err = s.visibleSameAs(r, h.ID, q.PurposeID, cache); err != nil {
				return searchAnswer{}, err
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

func entityIDs(ents []entity.Entity) string {
	ids := make([]string, len(ents))
	for i, e := range ents {
		ids[i] = e.ID
	}
	return strings.Join(ids, ",")
}
