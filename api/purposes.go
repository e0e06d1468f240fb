package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"verrijk/audit"
	"verrijk/retention"
	"verrijk/store"
)

var purposeID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

type purposeRequest struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	LegalBasis         string   `json:"legal_basis"`
	ProcessingActivity string   `json:"processing_activity"`
	Retention          string   `json:"retention"`
	AllowedSources     []string `json:"allowed_sources"`
}

// ValidatePurpose checks a purpose and names every problem; known lists
// the source names that exist.
func ValidatePurpose(p store.Purpose, known []string) string {
	var problems []string
	if !purposeID.MatchString(p.ID) {
		problems = append(problems, "id must be 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit")
	}
	if strings.TrimSpace(p.Name) == "" {
		problems = append(problems, "name is required")
	}
	if strings.TrimSpace(p.LegalBasis) == "" {
		problems = append(problems, "legal_basis is required")
	}
	if _, err := retention.Parse(p.Retention); err != nil {
		problems = append(problems, "retention: "+err.Error())
	}
	if len(p.AllowedSources) == 0 {
		problems = append(problems, "allowed_sources must name at least one source")
	}
	for _, name := range p.AllowedSources {
		if !slices.Contains(known, name) {
			problems = append(problems, "allowed_sources: unknown source "+name+" (known: "+strings.Join(known, ", ")+")")
		}
	}
	return strings.Join(problems, "; ")
}

func (s *server) listPurposes(w http.ResponseWriter, r *http.Request) {
	ps, err := s.Store.ListPurposes(r.Context())
	if err != nil {
		s.writeStoreError(w, r, "purposes", err)
		return
	}
	if ps == nil {
		ps = []store.Purpose{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"purposes": ps})
}

func (s *server) getPurpose(w http.ResponseWriter, r *http.Request) {
	p, err := s.Store.GetPurpose(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeStoreError(w, r, "purpose", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *server) createPurpose(w http.ResponseWriter, r *http.Request) {
	p, ok := s.readPurpose(w, r, "")
	if !ok {
		return
	}
	created, err := s.Store.CreatePurpose(r.Context(), p)
	if err != nil {
		s.writeStoreError(w, r, "purpose "+p.ID, err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionPurposeCreated, ObjectType: "purpose", ObjectID: p.ID,
		PurposeID: p.ID, ProcessingActivity: p.ProcessingActivity, Detail: purposeDetail(p)}) {
		return
	}
	writeJSON(w, http.StatusCreated, created)
}

func (s *server) updatePurpose(w http.ResponseWriter, r *http.Request) {
	p, ok := s.readPurpose(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	updated, err := s.Store.UpdatePurpose(r.Context(), p)
	if err != nil {
		s.writeStoreError(w, r, "purpose "+p.ID, err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionPurposeChanged, ObjectType: "purpose", ObjectID: p.ID,
		PurposeID: p.ID, ProcessingActivity: p.ProcessingActivity, Detail: purposeDetail(p)}) {
		return
	}
	writeJSON(w, http.StatusOK, updated)
}

// readPurpose decodes and validates a purpose body; pathID, when set, is
// the id from the URL and wins over (and must agree with) the body's.
func (s *server) readPurpose(w http.ResponseWriter, r *http.Request, pathID string) (store.Purpose, bool) {
	var req purposeRequest
	if !decode(w, r, &req) {
		return store.Purpose{}, false
	}
	if pathID != "" {
		if req.ID != "" && req.ID != pathID {
			writeError(w, http.StatusBadRequest, "bad_request", "id in the body differs from the id in the path")
			return store.Purpose{}, false
		}
		req.ID = pathID
	}
	p := store.Purpose{ID: req.ID, Name: strings.TrimSpace(req.Name), LegalBasis: strings.TrimSpace(req.LegalBasis),
		ProcessingActivity: strings.TrimSpace(req.ProcessingActivity), Retention: strings.TrimSpace(req.Retention),
		AllowedSources: req.AllowedSources}
	if msg := ValidatePurpose(p, s.Known); msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_purpose", msg)
		return store.Purpose{}, false
	}
	return p, true
}

func purposeDetail(p store.Purpose) string {
	return "legal_basis=" + p.LegalBasis + "; retention=" + p.Retention + "; sources=" + strings.Join(p.AllowedSources, ",")
}
