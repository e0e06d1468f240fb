package config

import (
	"bytes"
	"fmt"
	"net/netip"
	"net/url"
	"slices"

	yaml "go.yaml.in/yaml/v3"

	"verrijk/egress"
)

// Mask replaces a secret in Redacted output; it is what url.URL.Redacted
// uses for passwords, so masked keys and masked URLs look alike.
const Mask = "xxxxx"

// Redacted returns a deep copy of c safe to print or log: API keys are
// masked, and passwords in the store DSN, Redis URL, proxy URL,
// Elasticsearch addresses and source URLs are masked.
func (c *Config) Redacted() *Config {
	r := *c
	r.Queue.RedisURL = redactURL(c.Queue.RedisURL)
	r.Store.DSN = redactURL(c.Store.DSN)
	r.Egress.Proxy = redactURL(c.Egress.Proxy)
	r.Egress.CAFiles = slices.Clone(c.Egress.CAFiles)
	r.Egress.AllowCIDRs = slices.Clone(c.Egress.AllowCIDRs)
	r.Index.Elasticsearch.APIKey = mask(c.Index.Elasticsearch.APIKey)
	r.Index.Elasticsearch.Password = mask(c.Index.Elasticsearch.Password)
	r.Audit.PseudonymKey = mask(c.Audit.PseudonymKey)
	r.Auth.OIDC.ClientSecret = mask(c.Auth.OIDC.ClientSecret)
	r.Index.Elasticsearch.Addresses = nil
	for _, a := range c.Index.Elasticsearch.Addresses {
		r.Index.Elasticsearch.Addresses = append(r.Index.Elasticsearch.Addresses, redactURL(a))
	}
	r.Sources = make(map[string]Source, len(c.Sources))
	for name, s := range c.Sources {
		s.APIKey = mask(s.APIKey)
		s.BaseURL = redactURL(s.BaseURL)
		s.BootstrapURL = redactURL(s.BootstrapURL)
		s.TLDServers = slices.Clone(s.TLDServers)
		for i := range s.TLDServers {
			s.TLDServers[i].BaseURL = redactURL(s.TLDServers[i].BaseURL)
		}
		s.Proxy = redactURL(s.Proxy)
		s.Platforms = slices.Clone(s.Platforms)
		for i := range s.Platforms {
			s.Platforms[i].BaseURL = redactURL(s.Platforms[i].BaseURL)
		}
		r.Sources[name] = s
	}
	r.BootstrapPurposes = slices.Clone(c.BootstrapPurposes)
	for i := range r.BootstrapPurposes {
		r.BootstrapPurposes[i].AllowedSources = slices.Clone(r.BootstrapPurposes[i].AllowedSources)
	}
	return &r
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return Mask
}

// redactURL masks the password in a URL's user info and in a "password"
// query parameter (libpq accepts both). Text that does not parse as a URL
// is masked whole: it cannot be shown to hold no secret.
func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return Mask
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", Mask)
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// YAML renders c in the configuration file's format. Call it on a
// Redacted copy before printing.
func (c *Config) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c.Map()); err != nil {
		return nil, fmt.Errorf("rendering config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rendering config: %w", err)
	}
	return b.Bytes(), nil
}

// EgressConfig is the egress part as package egress takes it, with each
// source's cache_ttl. The limiter and the cache are left unset: the caller
// builds them on the queue's Redis.
func (c *Config) EgressConfig() egress.Config {
	return egress.Config{
		Proxy:                c.Egress.Proxy,
		UserAgent:            c.Egress.UserAgent,
		AllowPrivateNetworks: c.Egress.AllowPrivateNetworks,
		MaxResponseBytes:     c.Egress.MaxResponseBytes,
		ExtraCAFiles:         slices.Clone(c.Egress.CAFiles),
		CacheTTL:             c.CacheTTLs(),
		SourceProxies:        c.SourceProxies(),
		AllowCIDRs:           c.allowCIDRs(),
	}
}

// allowCIDRs parses egress.allow_cidrs; Validate has refused bad entries.
func (c *Config) allowCIDRs() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range c.Egress.AllowCIDRs {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}
