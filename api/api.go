// Package api is verrijk's HTTP JSON API under /api/v1 (see
// ARCHITECTURE.md, "HTTP API"): signals, subjects, enrichments, jobs,
// entities, search, purposes and audit, plus health and readiness. Every
// route that touches enriched data demands a purpose and writes an audit
// entry before it answers.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/indicators"
	"verrijk/retention"
	"verrijk/sources"
	"verrijk/store"
)

// Deps is what the API needs from the rest of verrijk.
type Deps struct {
	Store   store.Store
	Index   index.Index
	Audit   *audit.Logger
	Enqueue func(ctx context.Context, tasks ...store.Task) error
	// Sources are the enabled adapters by name; Known lists every name
	// that exists, enabled or not.
	Sources map[string]sources.Source
	Known   []string
	// Adapters holds every adapter, enabled or not (to say what each
	// accepts); SourceSettings their configuration, for GET /sources.
	Adapters       map[string]sources.Source
	SourceSettings []SourceSetting
	LiveState      LiveState // may be nil
	// CriminalOffenceSources yield criminal-offence data; only purposes
	// that permit such data may allow them.
	CriminalOffenceSources []string
	MaxDepth               int
	// Ready reports whether the store, queue and index can be used.
	Ready   func(ctx context.Context) error
	Metrics http.Handler // may be nil
	Web     http.Handler // the web UI at /, may be nil
	Log     *slog.Logger
	// PseudonymKey keys the data subject pseudonyms in audit exports;
	// empty: a random key per process (see processKey).
	PseudonymKey []byte
	// SignalPeriod is retention.signal_period, for the retention overview
	// (zero: signals are kept).
	SignalPeriod retention.Period
	// Indicators evaluates and describes the indicator rules; nil: the
	// indicator routes answer 503.
	Indicators *indicators.Engine
}

type server struct {
	Deps
	authLog *throttle // token use and failed logins, see authlog.go
}

// New returns the HTTP handler for the whole service.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if len(d.PseudonymKey) == 0 {
		d.PseudonymKey = processKey()
	}
	s := &server{Deps: d, authLog: &throttle{}}
	mux := http.NewServeMux()
	// Signals and what was found for them are for the team working them:
	// admins manage purposes and sources but read no enriched data
	// (least privilege), auditors read the log. See access.go.
	analyst := []string{RoleAnalyst, RoleCoordinator}
	all := []string{RoleAnalyst, RoleCoordinator, RoleAdmin, RoleAuditor}
	route := func(pattern string, roles []string, h http.HandlerFunc) {
		mux.Handle(pattern, s.authenticate(roles, h))
	}
	route("POST /api/v1/signals", analyst, s.createSignal)
	route("GET /api/v1/signals", analyst, s.listSignals)
	route("PATCH /api/v1/signals/{id}", analyst, s.updateSignal)
	route("PUT /api/v1/signals/{id}/assignee", []string{RoleCoordinator}, s.assignSignal)
	route("GET /api/v1/signals/{id}", analyst, s.getSignal)
	route("POST /api/v1/signals/{id}/subjects", analyst, s.addSubject)
	route("POST /api/v1/signals/{id}/enrichments", analyst, s.requestEnrichment)
	route("GET /api/v1/signals/{id}/entities", analyst, s.signalEntities)
	route("GET /api/v1/signals/{id}/graph", analyst, s.signalGraph)
	route("GET /api/v1/signals/{id}/indicators", analyst, s.signalIndicators)
	route("GET /api/v1/jobs/{id}", analyst, s.getJob)
	route("GET /api/v1/jobs/{id}/events", analyst, s.jobEvents)
	route("GET /api/v1/entities/{id}", analyst, s.getEntity)
	route("GET /api/v1/entities/{id}/graph", analyst, s.entityGraph)
	route("GET /api/v1/entities/{id}/candidates", analyst, s.listCandidates)
	route("POST /api/v1/entities/{id}/candidates", analyst, s.decideCandidate)
	route("DELETE /api/v1/entities/{id}/candidates/{other_id}", analyst, s.reverseCandidate)
	route("GET /api/v1/entities/{id}/indicators", analyst, s.entityIndicators)
	route("GET /api/v1/evidence/{sha256}", analyst, s.getEvidence)
	route("GET /api/v1/search", analyst, s.search)
	route("GET /api/v1/purposes", all, s.listPurposes)
	route("GET /api/v1/purposes/{id}", all, s.getPurpose)
	route("POST /api/v1/purposes", []string{RoleAdmin}, s.createPurpose)
	route("PUT /api/v1/purposes/{id}", []string{RoleAdmin}, s.updatePurpose)
	route("GET /api/v1/audit", []string{RoleAuditor}, s.listAudit)
	route("GET /api/v1/audit/verify", []string{RoleAuditor}, s.verifyAudit)
	route("GET /api/v1/audit/export", []string{RoleAuditor}, s.exportAudit)
	route("GET /api/v1/subjects/report", []string{RoleAuditor}, s.subjectReport)
	route("POST /api/v1/subjects/erasure", []string{RoleAuditor}, s.eraseSubject)
	route("GET /api/v1/retention", []string{RoleAuditor}, s.retentionOverview)
	route("GET /api/v1/tokens", []string{RoleAdmin}, s.listTokens)
	route("POST /api/v1/tokens", []string{RoleAdmin}, s.createToken)
	route("DELETE /api/v1/tokens/{id}", []string{RoleAdmin}, s.revokeToken)
	route("GET /api/v1/sources", []string{RoleAdmin}, s.listSources)
	route("PUT /api/v1/sources/{name}", []string{RoleAdmin}, s.updateSource)
	route("POST /api/v1/sources/{name}/test", []string{RoleAdmin}, s.testSource)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API route: "+r.Method+" "+r.URL.Path)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.ready)
	if d.Metrics != nil {
		mux.Handle("GET /metrics", d.Metrics)
	}
	if d.Web != nil {
		mux.Handle("/", d.Web)
	}
	return securityHeaders(mux)
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			writeError(w, http.StatusServiceUnavailable, "not_ready", err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// securityHeaders sets headers that hold for every answer, JSON or HTML.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
