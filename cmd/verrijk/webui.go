package main

import (
	"log/slog"
	"net/http"
	"time"

	"verrijk/config"
	"verrijk/web"
)

// webUI builds the web UI. The UI calls the API in-process, and the API
// serves the UI at /, so the UI gets the API through api, set once the
// API handler exists (see serve).
func (rt *runtime) webUI(cfg *config.Config, log *slog.Logger, api *http.Handler) http.Handler {
	o := web.Options{
		API:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*api).ServeHTTP(w, r) }),
		Store:         rt.store,
		Audit:         rt.audit,
		Log:           log,
		SecureCookies: cfg.Server.SecureCookies,
	}
	if oc := cfg.Auth.OIDC; oc.Issuer != "" {
		o.OIDC = &web.OIDCConfig{Issuer: oc.Issuer, ClientID: oc.ClientID, ClientSecret: oc.ClientSecret,
			RedirectURL: oc.RedirectURL, RoleClaim: oc.RoleClaim, TeamClaim: oc.TeamClaim,
			HTTPClient: &http.Client{Timeout: 10 * time.Second}}
	}
	return web.Handler(o)
}
