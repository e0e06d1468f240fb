package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"verrijk/audit"
	"verrijk/store"
)

type enrichmentRequest struct {
	PurposeID     string   `json:"purpose_id"`
	Justification string   `json:"justification"`
	Sources       []string `json:"sources"`
	MaxDepth      *int     `json:"max_depth"`
}

// minJustification is the shortest justification accepted: a word or two is
// not a reason an auditor can judge.
const minJustification = 10

// requestEnrichment turns a request into a job with one task per
// (subject, source) pair. The request is logged before any task is queued,
// and refused outright when the purpose does not allow a named source.
func (s *server) requestEnrichment(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("id"); !s.allowSignal(w, r, id, "signal", id) {
		return
	}
	var req enrichmentRequest
	if !decode(w, r, &req) {
		return
	}
	purpose, ok := s.purposeFor(w, r, req.PurposeID)
	if !ok {
		return
	}
	req.Justification = strings.TrimSpace(req.Justification)
	if utf8.RuneCountInString(req.Justification) < minJustification {
		writeError(w, http.StatusUnprocessableEntity, "justification_required",
			fmt.Sprintf("justification must state why this enrichment is needed (at least %d characters)", minJustification))
		return
	}
	if utf8.RuneCountInString(req.Justification) > 5000 {
		writeError(w, http.StatusBadRequest, "bad_request", "justification is longer than 5000 characters")
		return
	}
	depth := s.MaxDepth
	if req.MaxDepth != nil {
		if *req.MaxDepth < 0 || *req.MaxDepth > s.MaxDepth {
			writeError(w, http.StatusBadRequest, "bad_request",
				fmt.Sprintf("max_depth must be between 0 and %d (enrichment.max_depth)", s.MaxDepth))
			return
		}
		depth = *req.MaxDepth
	}
	chosen, ok := s.chooseSources(w, purpose, req.Sources)
	if !ok {
		return
	}
	paused, err := s.pausedSources(r.Context())
	if err != nil {
		s.writeStoreError(w, r, "sources", err)
		return
	}
	// A paused source named in the request is refused; one the purpose
	// merely allows is left out, so the other sources can still work.
	var running []string
	for _, name := range chosen {
		switch {
		case !paused[name]:
			running = append(running, name)
		case len(req.Sources) > 0:
			writeError(w, http.StatusUnprocessableEntity, "source_disabled",
				"source "+name+" is paused by an admin; try again later or leave it out")
			return
		}
	}
	if len(running) == 0 {
		writeError(w, http.StatusUnprocessableEntity, "source_disabled",
			"every source this purpose allows is paused by an admin: "+strings.Join(chosen, ", "))
		return
	}
	chosen = running
	sig, err := s.Store.GetSignal(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeStoreError(w, r, "signal", err)
		return
	}
	var tasks []store.Task
	for _, sub := range sig.Subjects {
		for _, name := range chosen {
			if s.Sources[name].Accepts(sub.Type) {
				tasks = append(tasks, store.Task{Source: name, SubjectType: sub.Type, SubjectValue: sub.Value})
			}
		}
	}
	if len(tasks) == 0 {
		writeError(w, http.StatusUnprocessableEntity, "nothing_to_enrich", fmt.Sprintf(
			"signal has %d subjects, and none can be looked up by the sources %s", len(sig.Subjects), strings.Join(chosen, ", ")))
		return
	}
	// The request is logged in the transaction that stores the job, before
	// any source is asked.
	var job store.Job
	if !s.change(w, r, "job", audit.Entry{Action: audit.ActionEnrichmentRequested, ObjectType: "signal", ObjectID: sig.ID,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Justification: req.Justification},
		func(tx store.Store, e *audit.Entry) error {
			var err error
			job, err = tx.CreateJob(r.Context(), store.Job{SignalID: sig.ID, PurposeID: purpose.ID,
				Justification: req.Justification, RequestedBy: principal(r).User, MaxDepth: depth, Status: store.StatusQueued}, tasks)
			e.TraceID = job.ID
			e.Detail = fmt.Sprintf("job=%s sources=%s tasks=%d", job.ID, strings.Join(chosen, ","), len(job.Tasks))
			return err
		}) {
		return
	}
	// The job is stored; if Redis is away now, the reconciler queues it later.
	if err := s.Enqueue(r.Context(), job.Tasks...); err != nil {
		s.Log.Warn("queueing job; the reconciler will retry", "job", job.ID, "err", err)
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"job_id": job.ID})
}

// chooseSources returns the requested sources, or all the purpose allows,
// refusing any source that is unknown, disabled or outside the purpose.
func (s *server) chooseSources(w http.ResponseWriter, purpose store.Purpose, requested []string) ([]string, bool) {
	if len(requested) == 0 {
		var names []string
		for _, name := range purpose.AllowedSources {
			if _, enabled := s.Sources[name]; enabled {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			writeError(w, http.StatusUnprocessableEntity, "source_disabled",
				"purpose "+purpose.ID+" allows only disabled sources ("+strings.Join(purpose.AllowedSources, ", ")+"); an admin can enable them")
			return nil, false
		}
		return names, true
	}
	var names []string
	for _, name := range requested {
		switch {
		case !slices.Contains(s.Known, name):
			writeError(w, http.StatusBadRequest, "unknown_source",
				fmt.Sprintf("unknown source %q; known sources: %s", name, strings.Join(s.Known, ", ")))
			return nil, false
		case !slices.Contains(purpose.AllowedSources, name):
			writeError(w, http.StatusUnprocessableEntity, "source_not_allowed",
				fmt.Sprintf("purpose %s does not allow source %s (allowed: %s)", purpose.ID, name, strings.Join(purpose.AllowedSources, ", ")))
			return nil, false
		case s.Sources[name] == nil:
			writeError(w, http.StatusUnprocessableEntity, "source_disabled", "source "+name+" is disabled")
			return nil, false
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, true
}

// purposeFor checks that a purpose was named and exists. Without one, no
// enrichment, search or read of enriched data happens (doelbinding).
func (s *server) purposeFor(w http.ResponseWriter, r *http.Request, id string) (store.Purpose, bool) {
	id = strings.TrimSpace(id)
	if id == "" {
		writeError(w, http.StatusUnprocessableEntity, "purpose_required",
			"a purpose (purpose_id) is required for this operation")
		return store.Purpose{}, false
	}
	p, err := s.Store.GetPurpose(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnprocessableEntity, "purpose_unknown", "no purpose with id "+id)
		return store.Purpose{}, false
	}
	if err != nil {
		s.writeStoreError(w, r, "purpose", err)
		return store.Purpose{}, false
	}
	return p, purposeActive(w, p)
}
