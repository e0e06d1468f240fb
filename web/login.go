package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/store"
)

// ActionLogout records the end of a browser session; its start is
// audit.ActionLogin.
const ActionLogout = "auth.logout"

// loginCookie carries the login form's CSRF token (double submit): there
// is no session yet to keep it in.
const loginCookie = "verrijk_inlog"

type loginData struct {
	CSRF   string
	Return string
	Error  string
	OIDC   bool
}

func (u *ui) loginPage(w http.ResponseWriter, r *http.Request) {
	if sess := u.current(r); sess != nil {
		http.Redirect(w, r, landing(sess.role), http.StatusSeeOther)
		return
	}
	u.showLogin(w, r, http.StatusOK, "")
}

func (u *ui) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token := randomID()
	u.setCookie(w, r, loginCookie, token, "/inloggen", 30*time.Minute, http.SameSiteStrictMode)
	u.render(w, r, nil, status, "login", page{Title: "Inloggen", Data: loginData{CSRF: token,
		Return: safeReturn(r.FormValue("terug")), Error: msg, OIDC: u.oidc != nil}})
}

// loginToken starts a session for a pasted API token.
func (u *ui) loginToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || c.Value != r.PostFormValue("csrf") {
		u.showLogin(w, r, http.StatusForbidden, "Het inlogformulier was verlopen. Probeer het opnieuw.")
		return
	}
	raw := strings.TrimSpace(r.PostFormValue("token"))
	if raw == "" {
		u.showLogin(w, r, http.StatusUnprocessableEntity, "Vul je token in.")
		return
	}
	tok, err := u.opts.Store.TokenByHash(r.Context(), api.HashToken(raw))
	if errors.Is(err, store.ErrNotFound) {
		u.showLogin(w, r, http.StatusUnauthorized, "Dit token is onbekend, verlopen of ingetrokken.")
		return
	}
	if err != nil {
		u.opts.Log.Error("web: looking up token", "err", err)
		u.showLogin(w, r, http.StatusInternalServerError, "Inloggen lukt nu niet; probeer het later opnieuw.")
		return
	}
	sess, ok := u.startSession(w, r, session{token: raw, user: tok.User, role: tok.Role, team: tok.Team}, "token")
	if !ok {
		return
	}
	u.setCookie(w, r, loginCookie, "", "/inloggen", -1, http.SameSiteStrictMode)
	to := safeReturn(r.PostFormValue("terug"))
	if to == "" {
		to = landing(sess.role)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// startSession records the login in the audit log and sets the session
// cookie. A login that cannot be logged does not happen.
func (u *ui) startSession(w http.ResponseWriter, r *http.Request, s session, method string) (*session, bool) {
	actor := audit.Actor{User: s.user, Role: s.role, Team: s.team, Origin: clientAddr(r)}
	detail := "method=" + method
	if s.tokenID != "" {
		detail += " token=" + s.tokenID
	}
	if u.opts.Audit != nil {
		if _, err := u.opts.Audit.Record(r.Context(), actor, audit.Entry{Action: audit.ActionLogin, ObjectType: "user",
			ObjectID: s.user, Detail: detail}); err != nil {
			u.opts.Log.Error("web: recording login", "err", err)
			u.errorPage(w, r, nil, http.StatusInternalServerError, "Inloggen mislukt",
				"De aanmelding kon niet worden vastgelegd in het verwerkingslog; daarom is niet ingelogd.")
			return nil, false
		}
	}
	sess := u.sessions.create(s)
	u.setCookie(w, r, sessionCookie, sess.id, "/", maxLifetime, http.SameSiteStrictMode)
	return sess, true
}

// logout ends the session and revokes a token minted for it.
func (u *ui) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	u.sessions.remove(sess.id)
	actor := audit.Actor{User: sess.user, Role: sess.role, Team: sess.team, Origin: clientAddr(r)}
	if sess.tokenID != "" {
		if _, err := api.RevokeToken(r.Context(), u.opts.Store, actor, sess.tokenID); err != nil {
			u.opts.Log.Warn("web: revoking session token", "err", err)
		}
	}
	if u.opts.Audit != nil {
		if _, err := u.opts.Audit.Record(r.Context(), actor, audit.Entry{Action: ActionLogout, ObjectType: "user",
			ObjectID: sess.user}); err != nil {
			u.opts.Log.Error("web: recording logout", "err", err)
		}
	}
	u.setCookie(w, r, sessionCookie, "", "/", -1, http.SameSiteStrictMode)
	http.Redirect(w, r, "/inloggen", http.StatusSeeOther)
}

func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = strings.Trim(host[:i], "[]")
	}
	return host
}
