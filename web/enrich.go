package web

import (
	"net/http"
	"slices"
	"strings"

	"verrijk/store"
)

type enrichData struct {
	Signal        signalJSON
	Purposes      []store.Purpose
	Chosen        *store.Purpose
	Sources       []string // checked sources
	Justification string
	Errors        map[string]string
}

// enrichForm is the enrichment request in two steps, without script: pick
// a purpose, then see its legal basis, retention and allowed sources,
// choose sources, write the justification and confirm.
func (u *ui) enrichForm(w http.ResponseWriter, r *http.Request, sess *session) {
	purposeID := r.URL.Query().Get("doel")
	if purposeID == "" {
		purposeID = sess.purposeID
	}
	u.showEnrich(w, r, sess, http.StatusOK, purposeID, nil, "", map[string]string{})
}

func (u *ui) showEnrich(w http.ResponseWriter, r *http.Request, sess *session, status int, purposeID string,
	checked []string, justification string, errs map[string]string) {
	d := enrichData{Justification: justification, Errors: errs}
	if err := u.get(r, sess, "/api/v1/signals/"+esc(r.PathValue("id")), nil, &d.Signal); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	ps, err := u.activePurposes(r, sess)
	if err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	d.Purposes = ps
	for i := range ps {
		if ps[i].ID == purposeID {
			d.Chosen = &ps[i]
		}
	}
	if d.Chosen != nil {
		d.Sources = checked
		if d.Sources == nil {
			d.Sources = d.Chosen.AllowedSources
		}
	}
	u.render(w, r, sess, status, "enrich", page{Title: "Verrijken: " + d.Signal.Title, Section: "signalen", Data: d})
}

func (u *ui) enrichStart(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	purposeID := r.PostFormValue("purpose_id")
	justification := strings.TrimSpace(r.PostFormValue("justification"))
	checked := r.PostForm["sources"]
	if checked == nil {
		checked = []string{}
	}
	var p store.Purpose
	if err := u.get(r, sess, "/api/v1/purposes/"+esc(purposeID), nil, &p); err != nil {
		u.showEnrich(w, r, sess, http.StatusUnprocessableEntity, "", nil, justification,
			map[string]string{"": "Kies een doel (doelbinding) voor deze verrijking."})
		return
	}
	if len(checked) == 0 {
		u.showEnrich(w, r, sess, http.StatusUnprocessableEntity, purposeID, checked, justification,
			map[string]string{"sources": "Kies minstens één bron."})
		return
	}
	body := map[string]any{"purpose_id": purposeID, "justification": justification}
	// All the purpose allows: let the API leave out sources that are
	// switched off; a narrower choice is sent as is.
	all := true
	for _, s := range p.AllowedSources {
		all = all && slices.Contains(checked, s)
	}
	if !all {
		body["sources"] = checked
	}
	var res struct {
		JobID string `json:"job_id"`
	}
	if err := u.call(r, sess, http.MethodPost, "/api/v1/signals/"+esc(id)+"/enrichments", body, &res); err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		errs := map[string]string{}
		if ae := err.(*apiError); ae.Code == "justification_required" || strings.Contains(ae.Message, "justification") {
			errs["justification"] = errorText(&apiError{Code: "justification_required"})
		} else {
			errs[""] = errorText(err)
		}
		u.showEnrich(w, r, sess, http.StatusUnprocessableEntity, purposeID, checked, justification, errs)
		return
	}
	if sess.purposeID == "" {
		u.sessions.update(sess.id, func(s *session) { s.purposeID = purposeID })
	}
	u.flashRedirect(w, r, sess, "Verrijking aangevraagd en vastgelegd in het verwerkingslog.", "/opdrachten/"+esc(res.JobID))
}

type jobData struct {
	Job     jobJSON
	Purpose string
}

func (u *ui) jobPage(w http.ResponseWriter, r *http.Request, sess *session) {
	var d jobData
	if err := u.get(r, sess, "/api/v1/jobs/"+esc(r.PathValue("id")), nil, &d.Job); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	var p store.Purpose
	if err := u.get(r, sess, "/api/v1/purposes/"+esc(d.Job.PurposeID), nil, &p); err == nil {
		d.Purpose = p.Name
	}
	u.render(w, r, sess, http.StatusOK, "job", page{Title: "Voortgang verrijking", Section: "signalen", Data: d})
}
