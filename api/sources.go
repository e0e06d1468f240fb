package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/egress"

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
	Health       string         `json:"health"` // ok, failing, unused, paused, disabled
	Paused       bool           `json:"paused"` // by an admin, at run time
	InFlight     int            `json:"in_flight"`
	Circuit      string         `json:"circuit,omitempty"` // closed, half-open, open
	HeldUntil    time.Time      `json:"held_until,omitzero"`
	HeldReason   string         `json:"held_reason,omitempty"`
	ErrorRate    float64        `json:"error_rate"`
	store.SourceStat
}

// LiveState reads a source's current limits state (egress.RedisLimiter.State).
type LiveState func(ctx context.Context, source string) (egress.SourceState, error)

// statsWindow is the period error rates are computed over.
const statsWindow = 24 * time.Hour

// failingRate marks a source failing when this share of its recent
// lookups failed.
const failingRate = 0.5

// SourceStatuses combines settings, adapters (for what each accepts) and
// the store's record of the last day, for the API and `verrijk sources`.
//
// live, when set, adds what the egress limits know right now (requests in
// flight across workers, a pause after a 429, the circuit breaker).
func SourceStatuses(ctx context.Context, st store.Store, settings []SourceSetting, adapters map[string]sources.Source,
	live LiveState, now time.Time) ([]SourceStatus, error) {
	stats, err := st.SourceStats(ctx, now.Add(-statsWindow))
	if err != nil {
		return nil, err
	}
	overrides, err := st.SourceOverrides(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SourceStatus, 0, len(settings))
	for _, s := range settings {
		paused := false
		if o, ok := overrides[s.Name]; ok {
			s.Rate, s.Concurrency = o.Rate, o.Concurrency
			paused = s.Enabled && !o.Enabled
		}
		status := SourceStatus{Paused: paused, SourceSetting: s, TimeoutText: s.Timeout.String(), CacheTTLText: s.CacheTTL.String(),
			Accepts: []subject.Type{}, SourceStat: stats[s.Name]}
		if a, ok := adapters[s.Name]; ok {
			for _, t := range subject.Types() {
				if a.Accepts(t) {
					status.Accepts = append(status.Accepts, t)
				}
			}
		}
		status.ErrorRate = status.SourceStat.ErrorRate()
		if live != nil {
			if ls, err := live(ctx, s.Name); err == nil {
				status.InFlight, status.Circuit = ls.InFlight, string(ls.Circuit)
				if ls.PausedUntil.After(now) {
					status.HeldUntil, status.HeldReason = ls.PausedUntil, ls.PauseReason
				}
			}
		}
		switch {
		case !s.Enabled:
			status.Health = "disabled"
		case paused:
			status.Health = "paused"
		case status.Circuit == string(egress.CircuitOpen) || status.Circuit == string(egress.CircuitHalfOpen):
			status.Health = "circuit " + status.Circuit
		case !status.HeldUntil.IsZero():
			status.Health = "throttled"
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
	list, err := SourceStatuses(r.Context(), s.Store, s.SourceSettings, s.Adapters, s.LiveState, time.Now())
	if err != nil {
		s.writeStoreError(w, r, "source statistics", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": list})
}

type sourceRequest struct {
	Enabled     *bool   `json:"enabled"`
	Rate        *string `json:"rate"`
	Concurrency *int    `json:"concurrency"`
}

// maxSourceConcurrency matches the configuration's bound.
const maxSourceConcurrency = 256

// updateSource pauses, resumes or re-limits a source at run time. Every
// process follows within seconds; the change is stored, so it outlives
// restarts, and audited.
func (s *server) updateSource(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var setting *SourceSetting
	for i := range s.SourceSettings {
		if s.SourceSettings[i].Name == name {
			setting = &s.SourceSettings[i]
		}
	}
	if setting == nil {
		writeError(w, http.StatusNotFound, "not_found", "no source named "+name)
		return
	}
	var req sourceRequest
	if !decode(w, r, &req) {
		return
	}
	current, err := SourceStatuses(r.Context(), s.Store, []SourceSetting{*setting}, s.Adapters, s.LiveState, time.Now())
	if err != nil {
		s.writeStoreError(w, r, "source", err)
		return
	}
	o := store.SourceOverride{Name: name, Enabled: setting.Enabled && !current[0].Paused, Rate: current[0].Rate,
		Concurrency: current[0].Concurrency, UpdatedBy: principal(r).User}
	var problems []string
	if req.Enabled != nil {
		if *req.Enabled && !setting.Enabled {
			writeError(w, http.StatusConflict, "conflict", "source "+name+" is disabled in the configuration (sources."+name+".enabled); enable it there")
			return
		}
		o.Enabled = *req.Enabled
	}
	if req.Rate != nil {
		if _, err := egress.ParseRate(*req.Rate); err != nil {
			problems = append(problems, "rate: "+err.Error())
		}
		o.Rate = *req.Rate
	}
	if req.Concurrency != nil {
		if *req.Concurrency < 1 || *req.Concurrency > maxSourceConcurrency {
			problems = append(problems, fmt.Sprintf("concurrency must be between 1 and %d", maxSourceConcurrency))
		}
		o.Concurrency = *req.Concurrency
	}
	if len(problems) > 0 {
		writeError(w, http.StatusBadRequest, "bad_request", strings.Join(problems, "; "))
		return
	}
	if !s.change(w, r, "source", audit.Entry{Action: audit.ActionSourceChanged, ObjectType: "source", ObjectID: name,
		Detail: fmt.Sprintf("enabled=%v rate=%s concurrency=%d", o.Enabled, o.Rate, o.Concurrency)},
		func(tx store.Store, _ *audit.Entry) error { return tx.PutSourceOverride(r.Context(), o) }) {
		return
	}
	updated, err := SourceStatuses(r.Context(), s.Store, []SourceSetting{*setting}, s.Adapters, s.LiveState, time.Now())
	if err != nil {
		s.writeStoreError(w, r, "source", err)
		return
	}
	writeJSON(w, http.StatusOK, updated[0])
}

// pausedSources returns the sources an admin paused at run time.
func (s *server) pausedSources(ctx context.Context) (map[string]bool, error) {
	overrides, err := s.Store.SourceOverrides(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for name, o := range overrides {
		out[name] = !o.Enabled
	}
	return out, nil
}
