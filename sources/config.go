package sources

import "time"

// Config is what one adapter needs from verrijk's configuration
// (sources.<name>.base_url, api_key, timeout). Rates and concurrency are
// applied outside the adapter, by egress and the workers.
type Config struct {
	// BaseURL is the service prefix the adapter appends its paths to; a
	// local replay server works under any prefix. Default: the registry's
	// Defaults(name).BaseURL.
	BaseURL string
	// APIKey is sent the way the service expects it; empty for keyless
	// services. It must never appear in logs, errors or evidence.
	APIKey string
	// Timeout per request; 0 leaves egress's default (15s).
	Timeout time.Duration
}

// WithDefaults fills empty fields of c from d.
func (c Config) WithDefaults(d Config) Config {
	if c.BaseURL == "" {
		c.BaseURL = d.BaseURL
	}
	if c.APIKey == "" {
		c.APIKey = d.APIKey
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	return c
}
