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
	// CacheTTL keeps answers for this long (shared by all workers through
	// the egress cache); 0 disables caching for the source.
	CacheTTL time.Duration

	// Source-specific settings; zero means the adapter's default.

	// MaxPages caps the result pages one lookup reads (kvk Zoeken), or
	// the pages one crawl fetches (website).
	MaxPages int
	// MinScore drops matches scoring below it (opensanctions).
	MinScore float64
	// Dataset names the collection to match against (opensanctions).
	Dataset string
	// DataFile is a local FollowTheMoney JSON-lines export to screen
	// against instead of the API (opensanctions, offline).
	DataFile string
	// BootstrapURL is the IANA RDAP DNS bootstrap file (rdap).
	BootstrapURL string
	// TLDServers maps a TLD ("nl") to its RDAP base URL, overriding the
	// bootstrap file (rdap).
	TLDServers map[string]string
	// MaxDepth is how many links deep a crawl goes from its start page
	// (website).
	MaxDepth int
	// IgnoreRobots crawls what robots.txt disallows (website; the
	// configuration's respect_robots: false). The zero value honours it.
	IgnoreRobots bool
	// Delay is the pause between two requests to one host (website). Zero
	// means no pause, not "the default": the configuration always passes
	// its value (default 1s) in.
	Delay time.Duration
	// Platforms maps a platform ("instagram") to the base URL its profile
	// paths are appended to, instead of the public site (social).
	Platforms map[string]string
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
	if c.CacheTTL == 0 {
		c.CacheTTL = d.CacheTTL
	}
	if c.MaxPages == 0 {
		c.MaxPages = d.MaxPages
	}
	if c.MinScore == 0 {
		c.MinScore = d.MinScore
	}
	if c.Dataset == "" {
		c.Dataset = d.Dataset
	}
	if c.DataFile == "" {
		c.DataFile = d.DataFile
	}
	if c.BootstrapURL == "" {
		c.BootstrapURL = d.BootstrapURL
	}
	if c.TLDServers == nil {
		c.TLDServers = d.TLDServers
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = d.MaxDepth
	}
	if c.Platforms == nil {
		c.Platforms = d.Platforms
	}
	return c
}
