package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"
)

type evidenceJSON struct {
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

type evidenceData struct {
	Evidence evidenceJSON
	EntityID string
	RawLink  string
}

// evidencePage shows a stored source answer as escaped text inside our
// page; ?tekst=1 passes the raw answer on as sandboxed plain text.
func (u *ui) evidencePage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !u.needPurpose(w, r, sess) {
		return
	}
	sha, entityID := r.PathValue("sha"), r.URL.Query().Get("entiteit")
	q := url.Values{"purpose_id": {sess.purposeID}, "entity_id": {entityID}}
	path := "/api/v1/evidence/" + esc(sha)
	if r.URL.Query().Get("tekst") == "1" {
		rec := httptest.NewRecorder()
		u.opts.API.ServeHTTP(rec, apiRequest(r, sess, http.MethodGet, path+"?"+q.Encode(), nil))
		if rec.Code != http.StatusOK {
			u.apiFailed(w, r, sess, decodeAnswer(rec.Code, rec.Body.Bytes(), nil))
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	q.Set("format", "json")
	d := evidenceData{EntityID: entityID}
	if err := u.get(r, sess, path, q, &d.Evidence); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	d.RawLink = "/bewijs/" + url.PathEscape(sha) + "?" + url.Values{"entiteit": {entityID}, "tekst": {"1"}}.Encode()
	u.render(w, r, sess, http.StatusOK, "evidence", page{Title: "Bewijs " + clip(sha, 12), Section: "signalen", Data: d})
}
