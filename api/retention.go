package api

import (
	"net/http"
	"time"
)

// soonWindow is what the overview calls expiring soon.
const soonWindow = 30 * 24 * time.Hour

type purposeExpiry struct {
	PurposeID    string    `json:"purpose_id"`
	Name         string    `json:"name"`
	Retention    string    `json:"retention"`
	Links        int       `json:"links"`
	Entities     int       `json:"entities"`
	Signals      int       `json:"signals"`
	NextExpiry   time.Time `json:"next_expiry,omitzero"`
	LastExpiry   time.Time `json:"last_expiry,omitzero"`
	ExpiringSoon int       `json:"expiring_within_30_days"`
}

// retentionOverview serves GET /retention (auditor): what the retention
// sweep will delete, and when, per purpose; and the signals' own period.
func (s *server) retentionOverview(w http.ResponseWriter, r *http.Request) {
	now := time.Now().UTC()
	expiries, err := s.Store.LinkExpiries(r.Context(), now.Add(soonWindow))
	if err != nil {
		s.writeStoreError(w, r, "retention overview", err)
		return
	}
	purposes, err := s.Store.ListPurposes(r.Context())
	if err != nil {
		s.writeStoreError(w, r, "purposes", err)
		return
	}
	names, periods := map[string]string{}, map[string]string{}
	for _, p := range purposes {
		names[p.ID], periods[p.ID] = p.Name, p.Retention
	}
	out := make([]purposeExpiry, 0, len(expiries))
	for _, e := range expiries {
		out = append(out, purposeExpiry{PurposeID: e.PurposeID, Name: names[e.PurposeID], Retention: periods[e.PurposeID],
			Links: e.Links, Entities: e.Entities, Signals: e.Signals, NextExpiry: e.NextExpiry, LastExpiry: e.LastExpiry,
			ExpiringSoon: e.ExpiringSoon})
	}
	signals := map[string]any{"signal_period": s.SignalPeriod.String()}
	if !s.SignalPeriod.IsZero() {
		soon := s.SignalPeriod.Negate().AddTo(now.Add(soonWindow))
		a, err := s.Store.SignalActivitySummary(r.Context(), soon)
		if err != nil {
			s.writeStoreError(w, r, "retention overview", err)
			return
		}
		signals["signals"] = a.Signals
		signals["purged_within_30_days"] = a.InactiveBefore
		if !a.OldestActivity.IsZero() {
			signals["next_purge_at"] = s.SignalPeriod.AddTo(a.OldestActivity)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"as_of": now, "sweep": "daily at 00:00 UTC, and when verrijk serve starts",
		"purposes": out, "signals": signals})
}
