package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type signalListData struct {
	Signals []signalJSON
	Pager   pager
}

// pager is the "vorige / volgende" of a paged list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // links, "" when there is none
}

func newPager(base url.URL, param string, page, total, perPage int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+perPage-1)/perPage)}
	link := func(n int) string {
		q := base.Query()
		q.Set(param, strconv.Itoa(n))
		base.RawQuery = q.Encode()
		return base.RequestURI()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// pageParam reads a 1-based page number; anything odd is page 1.
func pageParam(r *http.Request, name string) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

func (u *ui) signalList(w http.ResponseWriter, r *http.Request, sess *session) {
	n := pageParam(r, "pagina")
	var res signalPage
	if err := u.get(r, sess, "/api/v1/signals", url.Values{"page": {strconv.Itoa(n)}}, &res); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, http.StatusOK, "signals", page{Title: "Signalen", Section: "signalen",
		Data: signalListData{Signals: res.Signals, Pager: newPager(*r.URL, "pagina", n, res.Total, max(1, res.PageSize))}})
}

// signalForm is the create and edit form with Dutch errors per field.
type signalForm struct {
	ID          string
	Title       string
	Description string
	ExternalRef string
	Status      string
	Assignee    string
	Statuses    []string
	Errors      map[string]string
}

var signalStatuses = []string{"open", "closed"}

func (u *ui) signalNew(w http.ResponseWriter, r *http.Request, sess *session) {
	u.render(w, r, sess, http.StatusOK, "signal_form", page{Title: "Nieuw signaal", Section: "signalen",
		Data: signalForm{Errors: map[string]string{}}})
}

func (u *ui) signalCreate(w http.ResponseWriter, r *http.Request, sess *session) {
	f := signalForm{Title: strings.TrimSpace(r.PostFormValue("title")), Description: r.PostFormValue("description"),
		ExternalRef: strings.TrimSpace(r.PostFormValue("external_ref"))}
	var created signalJSON
	err := u.call(r, sess, http.MethodPost, "/api/v1/signals",
		map[string]string{"title": f.Title, "description": f.Description, "external_ref": f.ExternalRef}, &created)
	if err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		f.Errors = fieldErrors(err)
		u.render(w, r, sess, http.StatusUnprocessableEntity, "signal_form", page{Title: "Nieuw signaal", Section: "signalen", Data: f})
		return
	}
	u.flashRedirect(w, r, sess, "Signaal aangemaakt. Voeg nu subjecten toe.", "/signalen/"+esc(created.ID))
}

// isInputError reports an API answer about the user's input (shown next
// to the fields) rather than about access or the server.
func isInputError(err error) bool {
	ae, ok := err.(*apiError)
	return ok && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusUnprocessableEntity)
}

func (u *ui) signalEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	var s signalJSON
	if err := u.get(r, sess, "/api/v1/signals/"+esc(r.PathValue("id")), nil, &s); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, http.StatusOK, "signal_form", page{Title: "Signaal bewerken", Section: "signalen",
		Data: signalForm{ID: s.ID, Title: s.Title, Description: s.Description, ExternalRef: s.ExternalRef,
			Status: s.Status, Assignee: s.Assignee, Statuses: signalStatuses, Errors: map[string]string{}}})
}

func (u *ui) signalUpdate(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	f := signalForm{ID: id, Title: strings.TrimSpace(r.PostFormValue("title")), Description: r.PostFormValue("description"),
		ExternalRef: strings.TrimSpace(r.PostFormValue("external_ref")), Status: r.PostFormValue("status"),
		Assignee: strings.TrimSpace(r.PostFormValue("assignee")), Statuses: signalStatuses}
	patch := map[string]string{"title": f.Title, "description": f.Description, "external_ref": f.ExternalRef}
	if f.Status != "" {
		patch["status"] = f.Status
	}
	err := u.call(r, sess, http.MethodPatch, "/api/v1/signals/"+esc(id), patch, nil)
	if err == nil && sess.role == "coordinator" && r.PostForm.Has("assignee") {
		err = u.call(r, sess, http.MethodPut, "/api/v1/signals/"+esc(id)+"/assignee", map[string]string{"user": f.Assignee}, nil)
	}
	if err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		f.Errors = fieldErrors(err)
		u.render(w, r, sess, http.StatusUnprocessableEntity, "signal_form", page{Title: "Signaal bewerken", Section: "signalen", Data: f})
		return
	}
	u.flashRedirect(w, r, sess, "Wijzigingen opgeslagen.", "/signalen/"+esc(id))
}

// subjectAdd adds one subject; a refused value comes back on the signal
// page with the reason in Dutch next to the field.
func (u *ui) subjectAdd(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	typ, value := r.PostFormValue("type"), r.PostFormValue("value")
	err := u.call(r, sess, http.MethodPost, "/api/v1/signals/"+esc(id)+"/subjects",
		map[string]string{"type": typ, "value": value}, nil)
	if err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		u.showSignal(w, r, sess, http.StatusUnprocessableEntity, subjectForm{Type: typ, Value: value, Error: subjectError(typ, err)})
		return
	}
	u.flashRedirect(w, r, sess, subjectTypeName(typ)+" toegevoegd.", "/signalen/"+esc(id)+"#subjecten")
}
