// Package config loads verrijk's configuration: built-in defaults, then a
// YAML file, then VERRIJK_* environment variables, with ${NAME} secrets
// expanded from the environment. Loading is strict: an unknown key, a bad
// value or a missing secret stops start-up with an error naming the key,
// because a typo that silently falls back to a default (say, an SSRF guard
// left open or a production key unused) is worse than not starting.
package config

import (
	"slices"
	"time"
)

// Config is the whole configuration. Field comments state the defaults;
// configs/verrijk.yaml documents every key and must load to Default().
type Config struct {
	Server     Server            `koanf:"server"`
	DataDir    string            `koanf:"data_dir"` // default "./data"
	Queue      Queue             `koanf:"queue"`
	Store      Store             `koanf:"store"`
	Index      Index             `koanf:"index"`
	Egress     Egress            `koanf:"egress"`
	Sources    map[string]Source `koanf:"sources"` // keyed by source name; every known source is present
	Enrichment Enrichment        `koanf:"enrichment"`
	Log        Log               `koanf:"log"`
	Audit      Audit             `koanf:"audit"`
	Retention  Retention         `koanf:"retention"`
	Auth       Auth              `koanf:"auth"`
	Indicators Indicators        `koanf:"indicators"`
	// BootstrapPurposes are seeded into the store on first start.
	BootstrapPurposes []Purpose `koanf:"bootstrap_purposes"`
}

// Server is the HTTP listener.
type Server struct {
	Addr string `koanf:"addr"` // host:port; default "127.0.0.1:8080"
	// SecureCookies marks the web UI's cookies Secure even when the request
	// reached verrijk over plain HTTP (behind a TLS-terminating proxy).
	// Default false: Secure only on TLS requests.
	SecureCookies bool `koanf:"secure_cookies"`
}

// Queue selects the Asynq backend.
type Queue struct {
	// RedisURL is a go-redis URL (redis://, rediss://, unix://); empty runs
	// an embedded in-process Redis (miniredis).
	RedisURL string `koanf:"redis_url"`
}

// Store selects the system of record.
type Store struct {
	// DSN is empty for SQLite in DataDir, or a postgres:// URL.
	DSN string `koanf:"dsn"`
}

// Index selects the search projection.
type Index struct {
	Backend       string        `koanf:"backend"` // bleve (default) or elasticsearch
	Elasticsearch Elasticsearch `koanf:"elasticsearch"`
}

// Elasticsearch is used when Index.Backend is "elasticsearch".
type Elasticsearch struct {
	Addresses []string `koanf:"addresses"` // required with backend elasticsearch
	APIKey    string   `koanf:"api_key"`   // optional; the encoded form; takes precedence over username/password
	Username  string   `koanf:"username"`  // optional basic auth
	Password  string   `koanf:"password"`  // with username; use ${ENV_VAR}
	// CAFile is a PEM file with the CA that signed the cluster's
	// certificate; only it is trusted then. Default "": the system roots.
	CAFile      string `koanf:"ca_file"`
	IndexPrefix string `koanf:"index_prefix"` // default "verrijk"
}

// Egress configures the only way out to the internet; see package egress.
type Egress struct {
	Proxy                string   `koanf:"proxy"`                  // http://, https://, socks5://, socks5h:// (Tor); empty: direct
	UserAgent            string   `koanf:"user_agent"`             // empty: egress.DefaultUserAgent
	AllowPrivateNetworks bool     `koanf:"allow_private_networks"` // default false: SSRF guard on
	MaxResponseBytes     int64    `koanf:"max_response_bytes"`     // default 10485760 (10 MiB)
	CAFiles              []string `koanf:"ca_files"`               // extra trusted PEM files
	// AllowCIDRs opens the SSRF guard for these networks only, e.g.
	// [10.20.0.0/24] for a lab's replay servers; the rest stays refused.
	// CIDR notation without host bits. Default none.
	AllowCIDRs []string `koanf:"allow_cidrs"`
}

// Source is one adapter's settings. Keys marked "<name> only" are an error
// on any other source (see sourceOnlyKeys).
type Source struct {
	Enabled     bool          `koanf:"enabled"`     // default true (opensanctions: false)
	BaseURL     string        `koanf:"base_url"`    // default per source, see knownSources
	APIKey      string        `koanf:"api_key"`     // use ${ENV_VAR}; never put real keys in files
	Rate        string        `koanf:"rate"`        // "n/s", "n/m" or "n/h", shared by all workers; default "10/s"
	Concurrency int           `koanf:"concurrency"` // in-flight requests across all worker processes together; default 4
	Timeout     time.Duration `koanf:"timeout"`     // per request; default 15s
	// CacheTTL keeps answers, shared by all workers, for this long; 0
	// disables caching. Default 1h; kvk 24h, because profile calls cost
	// money per call.
	CacheTTL time.Duration `koanf:"cache_ttl"`
	// MaxPages is how many Zoeken result pages one lookup reads, 1..10
	// (kvk; default 1), or how many pages one crawl fetches, 1..200
	// (website; default 20). kvk and website only.
	MaxPages int `koanf:"max_pages"`
	// MinScore drops matches scoring below it, (0, 1]. opensanctions only;
	// default 0.7.
	MinScore float64 `koanf:"min_score"`
	// Dataset is the collection matched against, a slug such as default or
	// sanctions. opensanctions only; default "default".
	Dataset string `koanf:"dataset"`
	// DataFile is a local FollowTheMoney JSON-lines export screened instead
	// of the API; when set it must be a regular file at start-up (relative
	// paths from the working directory). opensanctions only; default "".
	DataFile string `koanf:"data_file"`
	// BootstrapURL is the IANA RDAP DNS bootstrap file that maps TLDs to
	// RDAP servers. rdap only; default https://data.iana.org/rdap/dns.json.
	BootstrapURL string `koanf:"bootstrap_url"`
	// TLDServers override the bootstrap file for single TLDs. rdap only;
	// default none. A list, not a map: the only map in Config is sources.
	// Like bootstrap_purposes it can only be set in a file.
	TLDServers []TLDServer `koanf:"tld_servers"`
	// Proxy overrides egress.proxy for this source: an http://, https://,
	// socks5:// or socks5h:// URL, or "direct" to bypass egress.proxy.
	// Every source; default "" (egress.proxy).
	Proxy string `koanf:"proxy"`
	// MaxDepth is how many links deep a crawl follows from its start page,
	// 1..5. website only; default 2.
	MaxDepth int `koanf:"max_depth"`
	// RespectRobots honours robots.txt. website only; default true.
	RespectRobots bool `koanf:"respect_robots"`
	// Delay is the pause between two requests to one host, 0s..1m.
	// website only; default 1s (0s for tests against a local replay).
	Delay time.Duration `koanf:"delay"`
	// Platforms override the site one platform's profiles are read from,
	// e.g. to point at a local replay. social only; default none (the
	// public sites). A list, like tld_servers, and file only.
	Platforms []Platform `koanf:"platforms"`
}

// Platform is the site of one social platform's public profiles.
type Platform struct {
	Name    string `koanf:"name"`     // facebook, instagram, linkedin, tiktok, x or youtube
	BaseURL string `koanf:"base_url"` // http(s) URL; the profile path is appended
}

// TLDServer is the RDAP server of one top-level domain.
type TLDServer struct {
	TLD     string `koanf:"tld"`      // lower-case label without dot, e.g. "be"
	BaseURL string `koanf:"base_url"` // http(s) URL; /domain/{name} is appended
}

// Enrichment bounds follow-up lookups.
type Enrichment struct {
	MaxDepth int `koanf:"max_depth"` // 0..5; default 1
}

// Retention configures what the retention sweep removes besides expired
// links (those follow their purpose's retention period).
type Retention struct {
	// SignalPeriod is how long a signal is kept after its last activity
	// (an edit, a subject, an enrichment request), as an ISO 8601
	// duration; then the sweep closes and purges it. Default P2Y.
	SignalPeriod string `koanf:"signal_period"`
}

// Audit configures the processing log's export.
type Audit struct {
	// PseudonymKey keys the HMAC that pseudonymises data-subject ids in the
	// Logboek Dataverwerkingen export; use ${ENV}. Empty: a random key per
	// process, so pseudonyms are stable only within one run. Default "".
	PseudonymKey string `koanf:"pseudonym_key"`
}

// Auth configures how people log in to the web UI besides API tokens.
type Auth struct {
	OIDC OIDC `koanf:"oidc"`
}

// OIDC is single sign-on with an OpenID Connect provider (authorization
// code flow with PKCE). Empty Issuer: OIDC login is off.
type OIDC struct {
	Issuer       string `koanf:"issuer"`        // https URL of the provider; default ""
	ClientID     string `koanf:"client_id"`     // required with issuer
	ClientSecret string `koanf:"client_secret"` // use ${ENV_VAR}; empty for a public client
	RedirectURL  string `koanf:"redirect_url"`  // https://host/oidc/callback; required with issuer
	RoleClaim    string `koanf:"role_claim"`    // ID token claim holding the role; default "verrijk_role"
	TeamClaim    string `koanf:"team_claim"`    // ID token claim holding the team; default "verrijk_team"
}

// Indicators configures the indicator rules (package indicators).
type Indicators struct {
	// RulesFile is the YAML file of indicator rules, read at start-up and
	// followed for changes; relative paths start at the working directory.
	// Default "configs/indicators.yaml"; when that default is absent, the
	// rules built into the binary are used.
	RulesFile string `koanf:"rules_file"`
}

// Log configures the process logger.
type Log struct {
	Level  string `koanf:"level"`  // debug, info (default), warn, error
	Format string `koanf:"format"` // text (default) or json
}

// Purpose is a doelbinding seeded on first start.
type Purpose struct {
	ID                 string   `koanf:"id"` // slug, e.g. ondermijning-signaal
	Name               string   `koanf:"name"`
	LegalBasis         string   `koanf:"legal_basis"`
	ProcessingActivity string   `koanf:"processing_activity"` // reference into the register of processing activities
	Retention          string   `koanf:"retention"`           // ISO 8601 duration, e.g. P1Y
	AllowedSources     []string `koanf:"allowed_sources"`
	Description        string   `koanf:"description"`
	// CriminalOffenceData permits sources that yield criminal-offence data
	// (AVG art. 10): opensanctions, bekendmakingen. Default false.
	CriminalOffenceData bool `koanf:"criminal_offence_data"`
}

// Default returns the configuration used when nothing is set: one machine,
// embedded queue, SQLite and Bleve under ./data, every known source present
// and all but opensanctions (which needs a key or a data file) enabled.
func Default() *Config {
	c := &Config{
		Server:  Server{Addr: "127.0.0.1:8080"},
		DataDir: "./data",
		Index: Index{
			Backend:       "bleve",
			Elasticsearch: Elasticsearch{IndexPrefix: "verrijk"},
		},
		Egress:     Egress{MaxResponseBytes: 10 << 20},
		Sources:    make(map[string]Source, len(knownSources)),
		Enrichment: Enrichment{MaxDepth: 1},
		Retention:  Retention{SignalPeriod: "P2Y"},
		Log:        Log{Level: "info", Format: "text"},
		Auth:       Auth{OIDC: OIDC{RoleClaim: "verrijk_role", TeamClaim: "verrijk_team"}},
		Indicators: Indicators{RulesFile: "configs/indicators.yaml"},
	}
	for name, s := range knownSources {
		s.TLDServers = slices.Clone(s.TLDServers)
		s.Platforms = slices.Clone(s.Platforms)
		c.Sources[name] = s
	}
	return c
}
