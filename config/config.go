// Package config loads verrijk's configuration: built-in defaults, then a
// YAML file, then VERRIJK_* environment variables, with ${NAME} secrets
// expanded from the environment. Loading is strict: an unknown key, a bad
// value or a missing secret stops start-up with an error naming the key,
// because a typo that silently falls back to a default (say, an SSRF guard
// left open or a production key unused) is worse than not starting.
package config

import (
	"sort"
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
	// BootstrapPurposes are seeded into the store on first start.
	BootstrapPurposes []Purpose `koanf:"bootstrap_purposes"`
}

// Server is the HTTP listener.
type Server struct {
	Addr string `koanf:"addr"` // host:port; default "127.0.0.1:8080"
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
	Addresses   []string `koanf:"addresses"`    // required with backend elasticsearch
	APIKey      string   `koanf:"api_key"`      // optional
	IndexPrefix string   `koanf:"index_prefix"` // default "verrijk"
}

// Egress configures the only way out to the internet; see package egress.
type Egress struct {
	Proxy                string   `koanf:"proxy"`                  // http://, https://, socks5://, socks5h:// (Tor); empty: direct
	UserAgent            string   `koanf:"user_agent"`             // empty: egress.DefaultUserAgent
	AllowPrivateNetworks bool     `koanf:"allow_private_networks"` // default false: SSRF guard on
	MaxResponseBytes     int64    `koanf:"max_response_bytes"`     // default 10485760 (10 MiB)
	CAFiles              []string `koanf:"ca_files"`               // extra trusted PEM files
}

// Source is one adapter's settings.
type Source struct {
	Enabled     bool          `koanf:"enabled"`     // default true
	BaseURL     string        `koanf:"base_url"`    // default per source, see knownSources
	APIKey      string        `koanf:"api_key"`     // use ${ENV_VAR}; never put real keys in files
	Rate        string        `koanf:"rate"`        // "n/s", "n/m" or "n/h", shared by all workers; default "10/s"
	Concurrency int           `koanf:"concurrency"` // per worker process; default 4
	Timeout     time.Duration `koanf:"timeout"`     // per request; default 15s
}

// Enrichment bounds follow-up lookups.
type Enrichment struct {
	MaxDepth int `koanf:"max_depth"` // 0..5; default 1
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
}

// Defaults shared by every source unless knownSources says otherwise.
const (
	defaultRate        = "10/s"
	defaultConcurrency = 4
	defaultTimeout     = 15 * time.Second
)

// knownSources is the one table of source names the configuration accepts,
// with each source's defaults. A `sources.<name>` block in YAML merges over
// these, so setting only `rate` keeps the default base_url. Adding a source
// adapter means adding its row here (and to sources/registry.go).
var knownSources = map[string]Source{
	// KvK Handelsregister. The default is the public test environment with
	// its published test key, which returns fictitious companies: a fresh
	// install can be tried without a contract. Production is
	// https://api.kvk.nl/api with api_key ${KVK_API_KEY}.
	"kvk": {
		Enabled: true, BaseURL: "https://api.kvk.nl/test/api",
		APIKey: "l7xx1f2691f2520d487b902f4e0b57a0b197",
		Rate:   defaultRate, Concurrency: defaultConcurrency, Timeout: defaultTimeout,
	},
	// BAG addresses through the PDOK Locatieserver; no key.
	"bag": {
		Enabled: true, BaseURL: "https://api.pdok.nl/bzk/locatieserver/search/v3_1",
		Rate: defaultRate, Concurrency: defaultConcurrency, Timeout: defaultTimeout,
	},
}

// KnownSources returns the names of all configurable sources, sorted.
func KnownSources() []string {
	names := make([]string, 0, len(knownSources))
	for name := range knownSources {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Default returns the configuration used when nothing is set: one machine,
// embedded queue, SQLite and Bleve under ./data, every known source enabled.
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
		Log:        Log{Level: "info", Format: "text"},
	}
	for name, s := range knownSources {
		c.Sources[name] = s
	}
	return c
}
