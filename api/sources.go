package api

import (
	"context"
	"net/http"
	"sort"
	"time"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

// SourceSetting is a source's configuration as the API shows it; the API
// key itself never leaves the server, only whether one is set.
type SourceSetting struct {
	Name        string        `json:"name"`
	Enabled     bool          `json:"enabled"`
	BaseURL     string        `json:"base_url"`
	Rate        string        `json:"rate"`
	Concurrency int           `json:"concurrency"`
	Timeout     time.Duration `json:"-"`
	CacheTTL    time.Duration `json:"-"`
	HasAPIKey   bool          `json:"has_api_key"`
}

// SourceStatus is one source's settings, what it can look up, and its
// recent record.
type SourceStatus struct {
	SourceSetting
	TimeoutText  string         `json:"timeout"`
	CacheTTLText string         `json:"cache_ttl"`
	Accepts      []subject.Type `json:"accepts"`
	Health       string         `json:"health"` // ok, failing, unused, disabled
	ErrorRate    float64        `json:"error_rate"`
	store.SourceStat
}

// statsWindow is the period error rates are computed over.
const statsWindow = 24 * time.Hour

// failingRate marks a source failing when this share of its recent
// lookups failed.
const failingRate = 0.5

// SourceStatuses combines settings, adapters (for what each accepts) and
// the store's record of the last day, for the API and `verrijk sources`.
func SourceStatuses(ctx context.Context, st store.Store, settings []SourceSetting, adapters map[string]sources.Source, now time.Time) ([]SourceStatus, error) {
	stats, err := st.SourceStats(ctx, now.Add(-statsWindow))
	if err != nil {
		return nil, err
	}
	out := make([]SourceStatus, 0, len(settings))
	for _, s := range settings {
		status := SourceStatus{SourceSetting: s, TimeoutText: s.Timeout.String(), CacheTTLText: s.CacheTTL.String(),
			Accepts: []subject.Type{}, SourceStat: stats[s.Name]}
		if a, ok := adapters[s.Name]; ok {
			for _, t := range subject.Types() {
				if a.Accepts(t) {
					status.Accepts = append(status.Accepts, t)
				}
			}
		}
		status.ErrorRate = status.SourceStat.ErrorRate()
		switch {
		case !s.Enabled:
			status.Health = "disabled"
		case status.Done+status.Failed == 0:
			status.Health = "unused"
		case status.ErrorRate >= failingRate:
			status.Health = "failing"
		default:
			status.Health = "ok"
		}
		out = append(out, status)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *server) listSources(w http.ResponseWriter, r *http.Request) {
	list, err := SourceStatuses(r.Context(), s.Store, s.SourceSettings, s.Adapters, time.Now())
	if err != nil {
		s.writeStoreError(w, r, "source statistics", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": list})
}
