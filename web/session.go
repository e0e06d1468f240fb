package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Session lifetimes: a session ends after idleTimeout without a request,
// and in any case maxLifetime after login.
const (
	idleTimeout = 2 * time.Hour
	maxLifetime = 12 * time.Hour
	// maxSessions bounds the store's memory: past it the oldest session
	// is dropped (its user logs in again).
	maxSessions = 10000
)

const sessionCookie = "verrijk_sessie"

// session is one logged-in browser. The API token stays on the server:
// the browser holds only the random session id.
type session struct {
	id        string
	token     string // bearer token the in-process API calls carry
	tokenID   string // store id of a token minted for this session (OIDC), revoked at logout
	user      string
	role      string
	team      string
	csrf      string
	purposeID string // chosen once per session (doelbinding), shown on every page
	flash     string // one-shot notice shown on the next page
	created   time.Time
	seen      time.Time
}

// sessions is the in-memory, expiring session store.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
}

func newSessions() *sessions {
	return &sessions{m: map[string]*session{}, now: time.Now}
}

// randomID returns 32 random bytes, URL-safe.
func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create stores a new session and returns it.
func (s *sessions) create(sess session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	sess.id, sess.csrf, sess.created, sess.seen = randomID(), randomID(), now, now
	s.expireLocked(now)
	if len(s.m) >= maxSessions {
		var oldest *session
		for _, x := range s.m {
			if oldest == nil || x.seen.Before(oldest.seen) {
				oldest = x
			}
		}
		delete(s.m, oldest.id)
	}
	p := &sess
	s.m[p.id] = p
	return p
}

// get returns a live session and marks it used; nil when unknown or expired.
func (s *sessions) get(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[id]
	if !ok {
		return nil
	}
	now := s.now()
	if expired(x, now) {
		delete(s.m, id)
		return nil
	}
	x.seen = now
	c := *x
	return &c
}

// update applies f to the stored session, if it is still there.
func (s *sessions) update(id string, f func(*session)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x, ok := s.m[id]; ok {
		f(x)
	}
}

// takeFlash returns and clears the session's one-shot notice.
func (s *sessions) takeFlash(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[id]
	if !ok {
		return ""
	}
	msg := x.flash
	x.flash = ""
	return msg
}

func (s *sessions) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func (s *sessions) expireLocked(now time.Time) {
	for id, x := range s.m {
		if expired(x, now) {
			delete(s.m, id)
		}
	}
}

func expired(x *session, now time.Time) bool {
	return now.Sub(x.seen) > idleTimeout || now.Sub(x.created) > maxLifetime
}

// validCSRF compares in constant time, so the token cannot be guessed by
// timing.
func (x *session) validCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(x.csrf)) == 1
}

// setCookie writes an HttpOnly cookie, Secure on TLS requests or when
// configured (behind a TLS-terminating proxy). Session cookies are
// SameSite=Strict; only the short-lived OIDC login cookie is Lax, because
// the provider's redirect back is a cross-site navigation.
func (u *ui) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge time.Duration,
	sameSite http.SameSite) {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, SameSite: sameSite,
		Secure: r.TLS != nil || u.opts.SecureCookies}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// current returns the request's session, or nil.
func (u *ui) current(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	return u.sessions.get(c.Value)
}
