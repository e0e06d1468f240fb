package config

import (
	"strings"
	"testing"
)

func TestOIDCSettings(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "off by default", check: func(t *testing.T, c *Config) {
			if c.Auth.OIDC.Issuer != "" || c.Auth.OIDC.RoleClaim != "verrijk_role" || c.Server.SecureCookies {
				t.Errorf("defaults %+v secure_cookies=%v", c.Auth.OIDC, c.Server.SecureCookies)
			}
		}},
		{name: "complete", yaml: `
server: {secure_cookies: true}
auth:
  oidc: {issuer: "https://login.example.nl/realms/verrijk", client_id: verrijk, client_secret: "${OIDC_SECRET}",
         redirect_url: "https://verrijk.example.nl/oidc/callback", role_claim: rol, team_claim: team}
`, env: []string{"OIDC_SECRET=heelgeheim"}, check: func(t *testing.T, c *Config) {
			if c.Auth.OIDC.ClientSecret != "heelgeheim" || c.Auth.OIDC.RoleClaim != "rol" || !c.Server.SecureCookies {
				t.Errorf("loaded %+v", c.Auth.OIDC)
			}
			out, _ := c.Redacted().YAML()
			if strings.Contains(string(out), "heelgeheim") {
				t.Error("Redacted shows the client secret")
			}
		}},
		{name: "issuer without client", yaml: "auth: {oidc: {issuer: \"https://login.example.nl\"}}",
			err: "auth.oidc.client_id"},
		{name: "issuer without redirect", yaml: "auth: {oidc: {issuer: \"https://login.example.nl\", client_id: v}}",
			err: "auth.oidc.redirect_url"},
		{name: "issuer not a URL", yaml: "auth: {oidc: {issuer: \"login\", client_id: v, redirect_url: \"https://x/oidc/callback\"}}",
			err: "auth.oidc.issuer"},
		{name: "empty role claim", yaml: "auth: {oidc: {issuer: \"https://l\", client_id: v, redirect_url: \"https://x/cb\", role_claim: \"\"}}",
			err: "auth.oidc.role_claim"},
		{name: "unknown key", yaml: "auth: {oidc: {issuer_url: x}}", err: "auth.oidc.issuer_url"},
	})
}
