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
	if _, err := s.Store.GetSignal(r.Context(), sigID); err != nil {
		s.writeStoreError(w, r, "signal", err)
		return
	}
	ents, err := s.Store.SignalEntities(r.Context(), sigID, purpose.ID)
	if err != nil {
		s.writeStoreError(w, r, "entities", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "signal", ObjectID: sigID,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("%d entities: %s", len(ents), entityIDs(ents))}) {
		return
	}
	if ents == nil {
		ents = []entity.Entity{}
	}
	for i := range ents {
		keepLinks(&ents[i], purpose.ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entities": ents})
}

// getEntity answers only when the entity is linked to some signal under the
// stated purpose: data gathered for one purpose is not read for another.
func (s *server) getEntity(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	id := r.PathValue("id")
	e, err := s.Store.GetEntity(r.Context(), id)
	if err != nil {
		s.writeStoreError(w, r, "entity", err)
		return
	}
	linked := false
	for _, l := range e.Signals {
		linked = linked || l.PurposeID == purpose.ID
	}
	result := audit.ResultOK
	if !linked {
		result = audit.ResultDenied
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Result: result}) {
		return
	}
	if !linked {
		writeError(w, http.StatusNotFound, "not_found", "entity not found under purpose "+purpose.ID)
		return
	}
	keepLinks(&e, purpose.ID)
	writeJSON(w, http.StatusOK, e)
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
	res, err := s.Index.Search(r.Context(), index.Query{Text: text, PurposeID: purpose.ID,
		SignalID: q.Get("signal_id"), Schema: q.Get("schema"), Page: page})
	if err != nil {
		s.writeStoreError(w, r, "search", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionSearch, ObjectType: "query", ObjectID: text,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("schema=%q signal=%q page=%d total=%d", q.Get("schema"), q.Get("signal_id"), page, res.Total)}) {
		return
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	writeJSON(w, http.StatusOK, res)
}

func entityIDs(ents []entity.Entity) string {
	ids := make([]string, len(ents))
	for i, e := range ents {
		ids[i] = e.ID
	}
	return strings.Join(ids, ",")
}
