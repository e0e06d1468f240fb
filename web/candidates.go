package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Persons are never merged on name alone (issue 7): the entity page of a
// person lists the namesakes with the evidence to judge by, and the analyst
// decides "same person" or "different person" with a reason. A decision is
// audited by the API and can be taken back.

type candidateEvidence struct {
	Names      []string `json:"names"`
	BirthDates []string `json:"birth_dates"`
	Addresses  []string `json:"addresses"`
	Sources    []string `json:"sources"`
}

type candidateDecision struct {
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

type candidateItem struct {
	Entity   entityJSON         `json:"entity"`
	Evidence candidateEvidence  `json:"evidence"`
	Decision *candidateDecision `json:"decision"`
}

// candidateList is GET /api/v1/entities/{id}/candidates.
type candidateList struct {
	Evidence   candidateEvidence `json:"evidence"`
	Items      []candidateItem   `json:"candidates"`
	OtherTeams []struct {
		Team  string `json:"team"`
		Count int    `json:"count"`
	} `json:"other_teams"`
}

// candidates reads the namesakes of a person; nil for other schemas.
func (u *ui) candidates(r *http.Request, sess *session, e entityJSON) (*candidateList, error) {
	if e.Schema != "Person" {
		return nil, nil
	}
	var c candidateList
	q := url.Values{"purpose_id": {sess.purposeID}}
	if err := u.get(r, sess, "/api/v1/entities/"+esc(e.ID)+"/candidates", q, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// candidateDecide records "same" or "different" for a namesake.
func (u *ui) candidateDecide(w http.ResponseWriter, r *http.Request, sess *session) {
	id, other := r.PathValue("id"), r.PostFormValue("other_id")
	decision, reason := r.PostFormValue("decision"), strings.TrimSpace(r.PostFormValue("reason"))
	back := "/entiteiten/" + esc(id) + "#kandidaten"
	if reason == "" {
		u.flashRedirect(w, r, sess, "Geef een reden op voor je beslissing (bijvoorbeeld: andere geboortedatum).", back)
		return
	}
	path := "/api/v1/entities/" + esc(id) + "/candidates?" + url.Values{"purpose_id": {sess.purposeID}}.Encode()
	err := u.call(r, sess, http.MethodPost, path, map[string]string{"other_id": other, "decision": decision, "reason": reason}, nil)
	if err != nil {
		if isInputError(err) {
			u.flashRedirect(w, r, sess, "Beslissing niet opgeslagen: "+errorText(err), back)
			return
		}
		u.apiFailed(w, r, sess, err)
		return
	}
	msg := "Vastgelegd: dit zijn verschillende personen."
	if decision == "same" {
		msg = "Vastgelegd: dit is dezelfde persoon. De profielen worden samen getoond; je kunt dit terugdraaien."
	}
	u.flashRedirect(w, r, sess, msg, back)
}

// candidateReverse takes a decision back.
func (u *ui) candidateReverse(w http.ResponseWriter, r *http.Request, sess *session) {
	id, other := r.PathValue("id"), r.PathValue("other")
	path := "/api/v1/entities/" + esc(id) + "/candidates/" + esc(other) + "?" + url.Values{"purpose_id": {sess.purposeID}}.Encode()
	if err := u.call(r, sess, http.MethodDelete, path, nil, nil); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.flashRedirect(w, r, sess, "Beslissing ingetrokken.", "/entiteiten/"+esc(id)+"#kandidaten")
}
