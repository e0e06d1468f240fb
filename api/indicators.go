package api

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"verrijk/audit"
	"verrijk/indicators"
	"verrijk/store"
)

// Indicators are the warning signs the rules found on a signal's entities
// (package indicators). Reading them is reading personal data: it needs a
// purpose, follows the team rule and is audited as entity.read. Every
// answer carries the notice that indicators decide nothing (AVG art. 22).

// indicatorView is one hit as the API shows it; current says whether it was
// computed with the rules now in use.
type indicatorView struct {
	store.IndicatorHit
	Current bool `json:"current"`
}

type indicatorsAnswer struct {
	Notice       string          `json:"notice"`
	RulesVersion string          `json:"rules_version"`
	Sort         string          `json:"sort"`
	Indicators   []indicatorView `json:"indicators"`
}

// indicatorSorts are the orders ?sort= accepts; weight (heaviest first)
// is the default.
var indicatorSorts = map[string]func(a, b store.IndicatorHit) int{
	"weight": func(a, b store.IndicatorHit) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Caption, b.Caption),
			cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(a.SignalID, b.SignalID))
	},
	"rule": func(a, b store.IndicatorHit) int {
		return cmp.Or(cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Caption, b.Caption), cmp.Compare(a.EntityID, b.EntityID),
			cmp.Compare(a.SignalID, b.SignalID))
	},
	"entity": func(a, b store.IndicatorHit) int {
		return cmp.Or(cmp.Compare(a.Caption, b.Caption), cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(b.Weight, a.Weight),
			cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.SignalID, b.SignalID))
	},
}

// indicatorOptions answers 503 when no engine is set up, then reads ?sort=
// (400 for an unknown order).
func (s *server) indicatorOptions(w http.ResponseWriter, r *http.Request) (string, bool) {
	if s.Indicators == nil {
		writeError(w, http.StatusServiceUnavailable, "indicators_unavailable", "indicators are not set up on this server")
		return "", false
	}
	sort := r.URL.Query().Get("sort")
	if sort == "" {
		sort = "weight"
	}
	if _, ok := indicatorSorts[sort]; !ok {
		writeError(w, http.StatusBadRequest, "bad_request", "sort must be one of weight, rule, entity")
		return "", false
	}
	return sort, true
}

// signalIndicators answers GET /signals/{id}/indicators: the hits on the
// entities linked to the signal under the purpose.
func (s *server) signalIndicators(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	sort, ok := s.indicatorOptions(w, r)
	if !ok {
		return
	}
	sigID := r.PathValue("id")
	if !s.allowSignal(w, r, sigID, "signal", sigID) {
		return
	}
	hits, err := s.Store.IndicatorHits(r.Context(), store.IndicatorFilter{SignalID: sigID, PurposeID: purpose.ID})
	if err != nil {
		s.writeStoreError(w, r, "indicators", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "signal", ObjectID: sigID,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Detail: indicatorDetail(hits)}) {
		return
	}
	s.writeIndicators(w, hits, sort)
}

// entityIndicators answers GET /entities/{id}/indicators with the same
// checks as GET /entities/{id}: the entity must be linked under the
// purpose to a signal of the caller's team, and only hits made for that
// team's signals are shown.
func (s *server) entityIndicators(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	sort, ok := s.indicatorOptions(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	e, teams, ok := s.visibleEntity(w, r, purpose, id, "indicators")
	if !ok {
		return
	}
	v, _ := teamView(e, purpose.ID, principal(r).Team, teams)
	all, err := s.Store.IndicatorHits(r.Context(), store.IndicatorFilter{EntityID: id, PurposeID: purpose.ID})
	if err != nil {
		s.writeStoreError(w, r, "indicators", err)
		return
	}
	own := map[string]bool{}
	for _, l := range v.Signals {
		own[l.SignalID] = true
	}
	hits := make([]store.IndicatorHit, 0, len(all))
	for _, h := range all {
		if own[h.SignalID] {
			hits = append(hits, h)
		}
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: "entity", ObjectID: id,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity, Detail: indicatorDetail(hits)}) {
		return
	}
	s.writeIndicators(w, hits, sort)
}

func (s *server) writeIndicators(w http.ResponseWriter, hits []store.IndicatorHit, sort string) {
	slices.SortStableFunc(hits, indicatorSorts[sort])
	version := s.Indicators.Rules().Version
	views := make([]indicatorView, 0, len(hits))
	for _, h := range hits {
		views = append(views, indicatorView{IndicatorHit: h, Current: h.RuleVersion == version})
	}
	writeJSON(w, http.StatusOK, indicatorsAnswer{Notice: indicators.Notice, RulesVersion: version, Sort: sort, Indicators: views})
}

// indicatorDetail says in the audit entry which hits were shown: rule and
// entity ids, never the values.
func indicatorDetail(hits []store.IndicatorHit) string {
	parts := make([]string, len(hits))
	for i, h := range hits {
		parts[i] = h.RuleID + "@" + h.EntityID
	}
	return fmt.Sprintf("indicators: %d hits: %s", len(hits), strings.Join(parts, ","))
}
