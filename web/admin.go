package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"verrijk/store"
)

type sourceJSON struct {
	Name        string    `json:"name"`
	Enabled     bool      `json:"enabled"`
	Rate        string    `json:"rate"`
	Concurrency int       `json:"concurrency"`
	Accepts     []string  `json:"accepts"`
	Health      string    `json:"health"`
	Paused      bool      `json:"paused"`
	InFlight    int       `json:"in_flight"`
	HeldUntil   time.Time `json:"held_until"`
	HeldReason  string    `json:"held_reason"`
	ErrorRate   float64   `json:"error_rate"`
	Done        int       `json:"done"`
	Failed      int       `json:"failed"`
	LastSuccess time.Time `json:"last_success"`
	LastError   string    `json:"last_error"`
	LastErrorAt time.Time `json:"last_error_at"`
}

// HealthText is the source's health in words.
func (s sourceJSON) HealthText() string {
	switch {
	case s.Health == "ok":
		return "gezond"
	case s.Health == "failing":
		return "faalt vaak (" + strconv.Itoa(int(s.ErrorRate*100+0.5)) + "% mislukt in het laatste etmaal)"
	case s.Health == "unused":
		return "het laatste etmaal niet gebruikt"
	case s.Health == "paused":
		return "gepauzeerd door een beheerder"
	case s.Health == "disabled":
		return "uitgeschakeld in de configuratie"
	case s.Health == "throttled":
		return "afgeremd: de bron vroeg om minder verzoeken"
	case strings.HasPrefix(s.Health, "circuit"):
		return "tijdelijk stilgelegd na herhaalde fouten"
	}
	return s.Health
}

// LastErrorText is the last error in words.
func (s sourceJSON) LastErrorText() string {
	if s.LastError == "" {
		return ""
	}
	return causeText(s.LastError)
}

type sourcesData struct {
	Sources []sourceJSON
	Errors  map[string]string // per source
	Tested  map[string]string // "test now" outcome per source
}

func (u *ui) adminSources(w http.ResponseWriter, r *http.Request, sess *session) {
	u.showSources(w, r, sess, http.StatusOK, map[string]string{}, map[string]string{})
}

// adminSourceTest asks the source once, now, and says how that went.
func (u *ui) adminSourceTest(w http.ResponseWriter, r *http.Request, sess *session) {
	name := r.PathValue("name")
	var res struct {
		OK         bool   `json:"ok"`
		Found      bool   `json:"found"`
		Subject    string `json:"subject"`
		DurationMS int64  `json:"duration_ms"`
		Error      string `json:"error"`
	}
	if err := u.call(r, sess, http.MethodPost, "/api/v1/sources/"+esc(name)+"/test", nil, &res); err != nil {
		if ae, ok := err.(*apiError); ok && (ae.Status == http.StatusConflict || ae.Status == http.StatusUnprocessableEntity) {
			why := "er is geen testgegeven voor deze bron."
			if ae.Status == http.StatusConflict {
				why = "de bron staat uit in de configuratie."
			}
			u.showSources(w, r, sess, http.StatusOK, map[string]string{}, map[string]string{name: "Niet getest: " + why})
			return
		}
		u.apiFailed(w, r, sess, err)
		return
	}
	took := strconv.FormatInt(res.DurationMS, 10) + " ms"
	msg := "Test geslaagd: de bron antwoordde in " + took + " op " + res.Subject + "."
	if !res.OK {
		msg = "Test mislukt na " + took + ": " + causeText(res.Error) + "."
	}
	u.showSources(w, r, sess, http.StatusOK, map[string]string{}, map[string]string{name: msg})
}

func (u *ui) showSources(w http.ResponseWriter, r *http.Request, sess *session, status int, errs, tested map[string]string) {
	var res struct {
		Sources []sourceJSON `json:"sources"`
	}
	if err := u.get(r, sess, "/api/v1/sources", nil, &res); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, status, "sources", page{Title: "Bronnen", Section: "bronnen",
		Data: sourcesData{Sources: res.Sources, Errors: errs, Tested: tested}})
}

// adminSourceUpdate pauses, resumes or re-limits a source.
func (u *ui) adminSourceUpdate(w http.ResponseWriter, r *http.Request, sess *session) {
	name := r.PathValue("name")
	body := map[string]any{}
	switch r.PostFormValue("actie") {
	case "pauzeren":
		body["enabled"] = false
	case "hervatten":
		body["enabled"] = true
	default:
		body["rate"] = strings.TrimSpace(r.PostFormValue("rate"))
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("concurrency")))
		if err != nil {
			u.showSources(w, r, sess, http.StatusUnprocessableEntity,
				map[string]string{name: "Kies een aantal gelijktijdige verzoeken van 1 tot 256."}, map[string]string{})
			return
		}
		body["concurrency"] = n
	}
	if err := u.call(r, sess, http.MethodPut, "/api/v1/sources/"+esc(name), body, nil); err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		msgs := fieldErrors(err)
		var parts []string
		for _, k := range []string{"rate", "concurrency", ""} {
			if m := msgs[k]; m != "" {
				parts = append(parts, m)
			}
		}
		u.showSources(w, r, sess, http.StatusUnprocessableEntity, map[string]string{name: strings.Join(parts, " ")}, map[string]string{})
		return
	}
	u.flashRedirect(w, r, sess, "Bron "+sourceName(name)+" bijgewerkt; alle processen volgen binnen enkele seconden.", "/beheer/bronnen#bron-"+name)
}

type purposeForm struct {
	New     bool
	Purpose store.Purpose
	Known   []string
	Errors  map[string]string
}

func (u *ui) adminPurposes(w http.ResponseWriter, r *http.Request, sess *session) {
	var list purposeList
	if err := u.get(r, sess, "/api/v1/purposes", nil, &list); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, http.StatusOK, "purposes", page{Title: "Doelen en grondslagen", Section: "doelen", Data: list.Purposes})
}

// knownSources lists every source name, for the purpose form.
func (u *ui) knownSources(r *http.Request, sess *session) []string {
	var res struct {
		Sources []sourceJSON `json:"sources"`
	}
	_ = u.get(r, sess, "/api/v1/sources", nil, &res)
	var names []string
	for _, s := range res.Sources {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return names
}

func (u *ui) adminPurposeNew(w http.ResponseWriter, r *http.Request, sess *session) {
	u.render(w, r, sess, http.StatusOK, "purpose_form", page{Title: "Nieuw doel", Section: "doelen",
		Data: purposeForm{New: true, Purpose: store.Purpose{Retention: "P1Y", Active: true}, Known: u.knownSources(r, sess),
			Errors: map[string]string{}}})
}

func (u *ui) adminPurposeEdit(w http.ResponseWriter, r *http.Request, sess *session) {
	var p store.Purpose
	if err := u.get(r, sess, "/api/v1/purposes/"+esc(r.PathValue("id")), nil, &p); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.render(w, r, sess, http.StatusOK, "purpose_form", page{Title: "Doel bewerken", Section: "doelen",
		Data: purposeForm{Purpose: p, Known: u.knownSources(r, sess), Errors: map[string]string{}}})
}

func purposeFromForm(r *http.Request) store.Purpose {
	return store.Purpose{ID: strings.TrimSpace(r.PostFormValue("id")), Name: r.PostFormValue("name"),
		LegalBasis: r.PostFormValue("legal_basis"), ProcessingActivity: r.PostFormValue("processing_activity"),
		Retention: strings.TrimSpace(r.PostFormValue("retention")), AllowedSources: r.PostForm["allowed_sources"],
		Description: r.PostFormValue("description"), CriminalOffenceData: r.PostFormValue("criminal_offence_data") == "ja",
		Active: r.PostFormValue("active") == "ja"}
}

func purposeBody(p store.Purpose, withActive bool) map[string]any {
	b := map[string]any{"id": p.ID, "name": p.Name, "legal_basis": p.LegalBasis,
		"processing_activity": p.ProcessingActivity, "retention": p.Retention, "allowed_sources": p.AllowedSources,
		"description": p.Description, "criminal_offence_data": p.CriminalOffenceData}
	if b["allowed_sources"] == nil {
		b["allowed_sources"] = []string{}
	}
	if withActive {
		b["active"] = p.Active
	}
	return b
}

func (u *ui) adminPurposeCreate(w http.ResponseWriter, r *http.Request, sess *session) {
	p := purposeFromForm(r)
	if err := u.call(r, sess, http.MethodPost, "/api/v1/purposes", purposeBody(p, false), nil); err != nil {
		u.purposeFormFailed(w, r, sess, purposeForm{New: true, Purpose: p}, err)
		return
	}
	u.flashRedirect(w, r, sess, "Doel ‘"+p.Name+"’ vastgelegd.", "/beheer/doelen")
}

func (u *ui) adminPurposeUpdate(w http.ResponseWriter, r *http.Request, sess *session) {
	p := purposeFromForm(r)
	p.ID = r.PathValue("id")
	if err := u.call(r, sess, http.MethodPut, "/api/v1/purposes/"+esc(p.ID), purposeBody(p, true), nil); err != nil {
		u.purposeFormFailed(w, r, sess, purposeForm{Purpose: p}, err)
		return
	}
	u.flashRedirect(w, r, sess, "Doel ‘"+p.Name+"’ bijgewerkt (nieuwe versie).", "/beheer/doelen")
}

func (u *ui) purposeFormFailed(w http.ResponseWriter, r *http.Request, sess *session, f purposeForm, err error) {
	if !isInputError(err) {
		u.apiFailed(w, r, sess, err)
		return
	}
	f.Known, f.Errors = u.knownSources(r, sess), fieldErrors(err)
	title := "Doel bewerken"
	if f.New {
		title = "Nieuw doel"
	}
	u.render(w, r, sess, http.StatusUnprocessableEntity, "purpose_form", page{Title: title, Section: "doelen", Data: f})
}

type usersData struct {
	Tokens  []store.Token
	Roles   []struct{ Value, Label string }
	Created *createdToken
	Form    struct{ User, Role, Team, Days string }
	Errors  map[string]string
}

type createdToken struct {
	Secret string
	Token  store.Token
}

var roleOptions = []struct{ Value, Label string }{
	{"analyst", "Analist"}, {"coordinator", "Coördinator"}, {"admin", "Beheerder"}, {"auditor", "Auditor (privacy)"},
}

func (u *ui) adminUsers(w http.ResponseWriter, r *http.Request, sess *session) {
	d := usersData{Errors: map[string]string{}}
	d.Form.Role, d.Form.Days = "analyst", "90"
	u.showUsers(w, r, sess, http.StatusOK, d)
}

func (u *ui) showUsers(w http.ResponseWriter, r *http.Request, sess *session, status int, d usersData) {
	var res struct {
		Tokens []store.Token `json:"tokens"`
	}
	if err := u.get(r, sess, "/api/v1/tokens", nil, &res); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	d.Tokens, d.Roles = res.Tokens, roleOptions
	// Newest first: that is what an admin looks for.
	sort.SliceStable(d.Tokens, func(i, j int) bool { return d.Tokens[i].CreatedAt.After(d.Tokens[j].CreatedAt) })
	u.render(w, r, sess, status, "users", page{Title: "Gebruikers en tokens", Section: "gebruikers", Data: d})
}

// adminTokenCreate issues a token; its secret is shown on this one answer
// and kept nowhere.
func (u *ui) adminTokenCreate(w http.ResponseWriter, r *http.Request, sess *session) {
	d := usersData{Errors: map[string]string{}}
	d.Form.User, d.Form.Role = strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("role")
	d.Form.Team, d.Form.Days = strings.TrimSpace(r.PostFormValue("team")), strings.TrimSpace(r.PostFormValue("days"))
	body := map[string]any{"user": d.Form.User, "role": d.Form.Role, "team": d.Form.Team}
	if d.Form.Days != "" {
		n, err := strconv.Atoi(d.Form.Days)
		if err != nil || n < 1 || n > 5*366 {
			d.Errors["expires"] = "Kies een geldigheid van 1 tot 1830 dagen, of laat het veld leeg."
			u.showUsers(w, r, sess, http.StatusUnprocessableEntity, d)
			return
		}
		body["expires_at"] = time.Now().Add(time.Duration(n) * 24 * time.Hour).UTC()
	}
	var res struct {
		Token string `json:"token"`
		ID    string `json:"id"`
	}
	if err := u.call(r, sess, http.MethodPost, "/api/v1/tokens", body, &res); err != nil {
		if !isInputError(err) {
			u.apiFailed(w, r, sess, err)
			return
		}
		d.Errors = fieldErrors(err)
		u.showUsers(w, r, sess, http.StatusUnprocessableEntity, d)
		return
	}
	d.Created = &createdToken{Secret: res.Token, Token: store.Token{ID: res.ID, User: d.Form.User, Role: d.Form.Role,
		Team: d.Form.Team}}
	d.Form.User, d.Form.Team = "", ""
	u.showUsers(w, r, sess, http.StatusCreated, d)
}

func (u *ui) adminTokenRevoke(w http.ResponseWriter, r *http.Request, sess *session) {
	id := r.PathValue("id")
	if err := u.call(r, sess, http.MethodDelete, "/api/v1/tokens/"+esc(id), nil, nil); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	u.flashRedirect(w, r, sess, "Token "+id+" ingetrokken; het werkt per direct niet meer.", "/beheer/gebruikers")
}
