package web

import (
	"net/http"
	"net/url"

	"verrijk/store"
)

// indicatorList is what the API says about warning signs on a signal or
// an entity, with the notice that they decide nothing (AVG art. 22).
type indicatorList struct {
	Notice     string               `json:"notice"`
	Indicators []store.IndicatorHit `json:"indicators"`
	Shown      bool                 `json:"-"` // the server has indicators at all
}

// indicators reads the indicators under path for the session's purpose.
// A server without indicators shows none; another failure is a page error.
func (u *ui) indicators(r *http.Request, sess *session, path string) (indicatorList, error) {
	var l indicatorList
	err := u.get(r, sess, path, url.Values{"purpose_id": {sess.purposeID}}, &l)
	if ae, ok := err.(*apiError); ok && (ae.Code == "indicators_unavailable" || isRouteMissing(err)) {
		return indicatorList{}, nil
	}
	l.Shown = err == nil
	return l, err
}
