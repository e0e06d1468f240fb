package api

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"verrijk/audit"
	"verrijk/store"
)

// ActionEvidenceRead records a read of a stored source answer.
const ActionEvidenceRead = "evidence.read"

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// maxEvidenceJSONBody caps the body in the JSON form; the plain form
// serves it whole (it is already capped by egress when it was fetched).
const maxEvidenceJSONBody = 1 << 20

type evidenceView struct {
	SHA256    string            `json:"sha256"`
	Source    string            `json:"source"`
	Kind      string            `json:"kind"`
	URL       string            `json:"url"`
	Status    int               `json:"status"`
	FetchedAt time.Time         `json:"fetched_at"`
	Headers   map[string]string `json:"headers"`
	Size      int               `json:"size"`
	Truncated bool              `json:"truncated"`
	Body      string            `json:"body"`
}

// getEvidence serves GET /evidence/{sha256}?purpose_id=&entity_id=: the
// raw answer a source gave, read through an entity whose provenance names
// it. The entity must be readable by the caller under the purpose (linked
// under it to a signal of the caller's team), exactly as GET /entities/{id}.
// Default answer: the body as text/plain, sandboxed and never sniffed, so
// a browser cannot run anything in it; format=json: metadata and body.
func (s *server) getEvidence(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	purpose, ok := s.purposeFor(w, r, q.Get("purpose_id"))
	if !ok {
		return
	}
	sha := strings.ToLower(r.PathValue("sha256"))
	if !sha256Hex.MatchString(sha) {
		writeError(w, http.StatusBadRequest, "bad_request", "sha256 must be 64 hexadecimal digits")
		return
	}
	entityID := q.Get("entity_id")
	if entityID == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "entity_id is required: evidence is read through the entity it proves")
		return
	}
	deny := func(result, detail string) {
		if s.record(w, r, audit.Entry{Action: ActionEvidenceRead, ObjectType: "evidence", ObjectID: sha,
			PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Result: result,
			Detail: "entity=" + entityID + "; " + detail}) {
			writeError(w, http.StatusNotFound, "not_found", "evidence not found under purpose "+purpose.ID+" for that entity")
		}
	}
	e, err := s.Store.GetEntity(r.Context(), entityID)
	if errors.Is(err, store.ErrNotFound) {
		deny(audit.ResultDenied, "no such entity")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, "entity", err)
		return
	}
	named := false
	for _, p := range e.Provenance {
		named = named || strings.EqualFold(p.SHA256, sha)
	}
	if !named {
		deny(audit.ResultDenied, "entity provenance does not name this evidence")
		return
	}
	teams, err := s.linkTeams(r, e)
	if err != nil {
		s.writeStoreError(w, r, "signal teams", err)
		return
	}
	if _, visible := teamView(e, purpose.ID, principal(r).Team, teams); !visible {
		deny(audit.ResultDenied, "entity not linked under the purpose to a signal of the caller's team")
		return
	}
	ev, err := s.Store.GetEvidence(r.Context(), sha)
	if errors.Is(err, store.ErrNotFound) {
		deny(audit.ResultFailed, "evidence no longer stored")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, "evidence", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: ActionEvidenceRead, ObjectType: "evidence", ObjectID: sha,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Detail: "entity=" + entityID}) {
		return
	}
	if q.Get("format") == "json" {
		v := evidenceView{SHA256: ev.SHA256, Source: ev.Source, Kind: ev.Kind, URL: ev.URL, Status: ev.Status,
			FetchedAt: ev.FetchedAt, Headers: ev.Headers, Size: len(ev.Body)}
		body := ev.Body
		if len(body) > maxEvidenceJSONBody {
			body, v.Truncated = body[:maxEvidenceJSONBody], true
		}
		v.Body = strings.ToValidUTF8(string(body), string(utf8.RuneError))
		writeJSON(w, http.StatusOK, v)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", "inline; filename=\""+sha+".txt\"")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(ev.Body)
}
