package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"verrijk/store"
)

// The purpose (doelbinding) is chosen once per session and shown in the
// header of every page; pages that read enriched data send a user without
// one here first.

type purposeData struct {
	Purposes []store.Purpose
	Return   string
	Error    string
}

func (u *ui) activePurposes(r *http.Request, sess *session) ([]store.Purpose, error) {
	var list purposeList
	if err := u.get(r, sess, "/api/v1/purposes", nil, &list); err != nil {
		return nil, err
	}
	var out []store.Purpose
	for _, p := range list.Purposes {
		if p.Active {
			out = append(out, p)
		}
	}
	return out, nil
}

func (u *ui) purposePage(w http.ResponseWriter, r *http.Request, sess *session) {
	ps, err := u.activePurposes(r, sess)
	if err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, http.StatusOK, "purpose", page{Title: "Doel kiezen", Section: "doel",
		Data: purposeData{Purposes: ps, Return: safeReturn(r.FormValue("terug"))}})
}

func (u *ui) choosePurpose(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PostFormValue("purpose_id")
	var p store.Purpose
	err := u.get(r, sess, "/api/v1/purposes/"+esc(id), nil, &p)
	if err == nil && !p.Active {
		err = &apiError{Status: 422, Code: "purpose_retired"}
	}
	if id == "" || err != nil {
		ps, _ := u.activePurposes(r, sess)
		msg := "Kies een doel uit de lijst."
		if id != "" {
			msg = errorText(err)
		}
		u.render(w, r, sess, http.StatusUnprocessableEntity, "purpose", page{Title: "Doel kiezen", Section: "doel",
			Data: purposeData{Purposes: ps, Return: safeReturn(r.PostFormValue("terug")), Error: msg}})
		return
	}
	u.sessions.update(sess.id, func(s *session) { s.purposeID = p.ID })
	to := safeReturn(r.PostFormValue("terug"))
	if to == "" {
		to = landing(sess.role)
	}
	u.flashRedirect(w, r, sess, "Je werkt nu onder het doel ‘"+p.Name+"’. Alles wat je opvraagt wordt onder dit doel vastgelegd.", to)
}

// needPurpose sends a user without a chosen purpose to the purpose page,
// returning here afterwards; it reports whether the page may go on.
func (u *ui) needPurpose(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if sess.purposeID != "" {
		return true
	}
	http.Redirect(w, r, "/doel?terug="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return false
}

var isoPeriod = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$`)

// retentionText renders an ISO 8601 period in Dutch: P1Y → "1 jaar".
func retentionText(p string) string {
	m := isoPeriod.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(p)))
	if m == nil || p == "P" {
		return p
	}
	units := [][2]string{{"jaar", "jaar"}, {"maand", "maanden"}, {"week", "weken"}, {"dag", "dagen"}}
	var parts []string
	for i, n := range m[1:] {
		if n == "" {
			continue
		}
		v, _ := strconv.Atoi(n)
		unit := units[i][1]
		if v == 1 {
			unit = units[i][0]
		}
		parts = append(parts, strconv.Itoa(v)+" "+unit)
	}
	return strings.Join(parts, " en ")
}
