package api

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
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
	Description        string   `json:"description"`
	// CriminalOffenceData: whether the purpose permits criminal-offence
	// data (AVG art. 10); absent means it does not.
	CriminalOffenceData bool `json:"criminal_offence_data"`
	// Active false retires the purpose (PUT only). Absent on a PUT keeps
	// the current state, so an edit never revives a retired purpose by
	// accident.
	Active *bool `json:"active"`
}

// purposeActive answers 422 purpose_retired and reports false when p is
// retired: no new work (enrichment, search, entity read) may start under
// it. Links made under it stay readable to the auditor and expire as
// their retention says.
func purposeActive(w http.ResponseWriter, p store.Purpose) bool {
	if p.Active {
		return true
	}
	writeError(w, http.StatusUnprocessableEntity, "purpose_retired",
		"purpose "+p.ID+" is retired (version "+strconv.Itoa(p.Version)+"); no new work may start under it")
	return false
}

// ValidatePurpose checks a purpose and names every problem; known lists
// the source names that exist.
//
// criminal lists the sources that yield criminal-offence data (AVG art. 10):
// a purpose may allow them only if it permits such data.
func ValidatePurpose(p store.Purpose, known, criminal []string) string {
	var problems []string
	for _, name := range p.AllowedSources {
		if slices.Contains(criminal, name) && !p.CriminalOffenceData {
			problems = append(problems, "allowed_sources: "+name+" yields criminal-offence data (AVG art. 10); "+
				"allow it only with criminal_offence_data: true and a legal basis that covers such data")
		}
	}
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
	p, active, ok := s.readPurpose(w, r, "")
	if !ok {
		return
	}
	if active != nil && !*active {
		writeError(w, http.StatusBadRequest, "invalid_purpose", "a new purpose is active; retire it with PUT")
		return
	}
	var created store.Purpose
	if !s.change(w, r, "purpose "+p.ID, audit.Entry{Action: audit.ActionPurposeCreated, ObjectType: "purpose", ObjectID: p.ID,
		PurposeID: p.ID, ProcessingActivity: p.ProcessingActivity}, func(tx store.Store, e *audit.Entry) error {
		var err error
		created, err = tx.CreatePurpose(r.Context(), p)
		e.Detail = purposeDetail(created)
		return err
	}) {
		return
	}
	writeJSON(w, http.StatusCreated, created)
}

func (s *server) updatePurpose(w http.ResponseWriter, r *http.Request) {
	p, active, ok := s.readPurpose(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if active != nil {
		p.Active = *active
	} else {
		current, err := s.Store.GetPurpose(r.Context(), p.ID)
		if err != nil {
			s.writeStoreError(w, r, "purpose "+p.ID, err)
			return
		}
		p.Active = current.Active
	}
	var updated store.Purpose
	if !s.change(w, r, "purpose "+p.ID, audit.Entry{Action: audit.ActionPurposeChanged, ObjectType: "purpose", ObjectID: p.ID,
		PurposeID: p.ID, ProcessingActivity: p.ProcessingActivity}, func(tx store.Store, e *audit.Entry) error {
		var err error
		updated, err = tx.UpdatePurpose(r.Context(), p)
		e.Detail = purposeDetail(updated)
		return err
	}) {
		return
	}
	writeJSON(w, http.StatusOK, updated)
}

// maxPurposeDescription caps the free text a purpose carries.
const maxPurposeDescription = 4000

// readPurpose decodes and validates a purpose body; pathID, when set, is
// the id from the URL and wins over (and must agree with) the body's. It
// returns the body's active flag apart (nil when absent).
func (s *server) readPurpose(w http.ResponseWriter, r *http.Request, pathID string) (store.Purpose, *bool, bool) {
	var req purposeRequest
	if !decode(w, r, &req) {
		return store.Purpose{}, nil, false
	}
	if pathID != "" {
		if req.ID != "" && req.ID != pathID {
			writeError(w, http.StatusBadRequest, "bad_request", "id in the body differs from the id in the path")
			return store.Purpose{}, nil, false
		}
		req.ID = pathID
	}
	p := store.Purpose{ID: req.ID, Name: strings.TrimSpace(req.Name), LegalBasis: strings.TrimSpace(req.LegalBasis),
		ProcessingActivity: strings.TrimSpace(req.ProcessingActivity), Retention: strings.TrimSpace(req.Retention),
		AllowedSources: req.AllowedSources, Description: strings.TrimSpace(req.Description),
		CriminalOffenceData: req.CriminalOffenceData}
	msg := ValidatePurpose(p, s.Known, s.CriminalOffenceSources)
	if len(p.Description) > maxPurposeDescription {
		msg = strings.TrimPrefix(msg+"; description is longer than "+strconv.Itoa(maxPurposeDescription)+" bytes", "; ")
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_purpose", msg)
		return store.Purpose{}, nil, false
	}
	return p, req.Active, true
}

func purposeDetail(p store.Purpose) string {
	return "version=" + strconv.Itoa(p.Version) + "; active=" + strconv.FormatBool(p.Active) +
		"; legal_basis=" + p.LegalBasis + "; retention=" + p.Retention +
		"; criminal_offence_data=" + strconv.FormatBool(p.CriminalOffenceData) +
		"; sources=" + strings.Join(p.AllowedSources, ",")
}
