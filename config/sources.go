package config

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"verrijk/sources"
)

// Defaults shared by every source unless knownSources says otherwise.
const (
	defaultRate        = "10/s"
	defaultConcurrency = 4
	defaultTimeout     = 15 * time.Second
	defaultCacheTTL    = time.Hour
)

// knownSources is the one table of source names the configuration accepts,
// with each source's defaults. A `sources.<name>` block in YAML merges over
// these, so setting only `rate` keeps the default base_url. Adding a source
// adapter means adding its row here (and to sources/registry). Base URLs
// are the production prefixes of /work/shared/design/SOURCES.md.
var knownSources = map[string]Source{
	// KvK Handelsregister. The default is the public test environment with
	// its published test key, which returns fictitious companies: a fresh
	// install can be tried without a contract. Production is
	// https://api.kvk.nl/api with api_key ${KVK_API_KEY}. Profile calls
	// cost money, hence the long cache and a single Zoeken page.
	"kvk": {
		Enabled: true, BaseURL: "https://api.kvk.nl/test/api",
		APIKey: "l7xx1f2691f2520d487b902f4e0b57a0b197",
		Rate:   defaultRate, Concurrency: defaultConcurrency, Timeout: defaultTimeout,
		CacheTTL: 24 * time.Hour, MaxPages: 1,
	},
	// BAG addresses through the PDOK Locatieserver; no key.
	"bag": {
		Enabled: true, BaseURL: "https://api.pdok.nl/bzk/locatieserver/search/v3_1",
		Rate: defaultRate, Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
	},
	// RDW open data (Socrata). The key is optional and sent as
	// X-App-Token; without it Socrata throttles per IP.
	"rdw": {
		Enabled: true, BaseURL: "https://opendata.rdw.nl",
		Rate: defaultRate, Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
	},
	// Official publications through the SRU endpoint; no key.
	"bekendmakingen": {
		Enabled: true, BaseURL: "https://repository.overheid.nl/sru",
		Rate: "5/s", Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
	},
	// RDAP: SIDN for .nl, other TLDs through the IANA bootstrap file.
	"rdap": {
		Enabled: true, BaseURL: "https://rdap.sidn.nl",
		Rate: "2/s", Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
		BootstrapURL: "https://data.iana.org/rdap/dns.json",
	},
	// Internet Archive CDX; no key, and a service to be gentle with. The
	// Archive allows 60 CDX requests a minute, asks tools to stay at
	// 80% of that and blocks clients that push past 429s; domain queries
	// are slow, and a site's history changes slowly.
	"wayback": {
		Enabled: true, BaseURL: "https://web.archive.org",
		Rate: "48/m", Concurrency: 2, Timeout: 45 * time.Second, CacheTTL: 24 * time.Hour,
	},
	// A company's own website, crawled from the subject's URL or domain:
	// no base_url or key. Rate and concurrency hold for all sites crawled
	// together; delay spaces the requests to one site.
	"website": {
		Enabled: true, Rate: "5/s", Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
		MaxPages: 20, MaxDepth: 2, RespectRobots: true, Delay: time.Second,
	},
	// Public profile pages on social media, read anonymously at the
	// platforms' own sites (platforms overrides them): no base_url or key.
	// The platforms block clients that ask much, so the rate is low.
	"social": {
		Enabled: true, Rate: "30/m", Concurrency: 2, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
	},
	// OpenSanctions matching. Off by default: it needs an API key or a
	// local data file, neither of which a fresh install has.
	"opensanctions": {
		Enabled: false, BaseURL: "https://api.opensanctions.org",
		Rate: "2/s", Concurrency: defaultConcurrency, Timeout: defaultTimeout, CacheTTL: defaultCacheTTL,
		Dataset: "default", MinScore: 0.7,
	},
}

// sourceOnlyKeys names the keys that only some sources use; every other
// Source key applies to all. Setting one on another source is an error, in
// the file, in the environment and in Validate.
var sourceOnlyKeys = map[string][]string{
	"max_pages":      {"kvk", "website"},
	"min_score":      {"opensanctions"},
	"dataset":        {"opensanctions"},
	"data_file":      {"opensanctions"},
	"bootstrap_url":  {"rdap"},
	"tld_servers":    {"rdap"},
	"max_depth":      {"website"},
	"respect_robots": {"website"},
	"delay":          {"website"},
	"platforms":      {"social"},
}

// noServiceKeys are keys of every source except those that call no service
// of their own: website reads the subject's site, social the platforms'.
var noServiceKeys = map[string][]string{
	"base_url": {"website", "social"},
	"api_key":  {"website", "social"},
}

var sourceType = reflect.TypeFor[Source]()

// keyApplies reports whether source uses key.
func keyApplies(source, key string) bool {
	if slices.Contains(noServiceKeys[key], source) {
		return false
	}
	users, only := sourceOnlyKeys[key]
	return !only || slices.Contains(users, source)
}

// UsesKey reports whether source takes key (sources.<source>.<key>); an
// unknown key counts as used by every source.
func UsesKey(source, key string) bool { return keyApplies(source, key) }

// notUsed is the error text for key set on a source that ignores it.
func notUsed(source, key string) string {
	if slices.Contains(noServiceKeys[key], source) {
		return source + " calls no service of its own and takes no " + key
	}
	return onlyUsedBy(key)
}

// onlyUsedBy is the error text for key set on a source that ignores it.
func onlyUsedBy(key string) string {
	users := sourceOnlyKeys[key]
	if len(users) == 1 {
		return "only " + users[0] + " uses this key"
	}
	return "only " + strings.Join(users[:len(users)-1], ", ") + " and " + users[len(users)-1] + " use this key"
}

// foreignKeys lists the keys set (non-empty) on source that it does not use.
func foreignKeys(source string, s Source) []string {
	v := reflect.ValueOf(s)
	var out []string
	for _, key := range foreignCandidates() {
		if keyApplies(source, key) {
			continue
		}
		f, _ := field(sourceType, key)
		fv := v.FieldByIndex(f.Index)
		if (fv.Kind() == reflect.Slice && fv.Len() > 0) || (fv.Kind() != reflect.Slice && !fv.IsZero()) {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// dropForeign removes from a rendered source the keys it does not use, so
// Map() and YAML() show each source only its own keys.
func dropForeign(source string, m map[string]any) {
	for _, key := range foreignCandidates() {
		if !keyApplies(source, key) {
			delete(m, key)
		}
	}
}

// foreignCandidates lists the keys some source does not use.
func foreignCandidates() []string {
	keys := make([]string, 0, len(sourceOnlyKeys)+len(noServiceKeys))
	for k := range sourceOnlyKeys {
		keys = append(keys, k)
	}
	for k := range noServiceKeys {
		keys = append(keys, k)
	}
	return keys
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

// AdapterConfig is s as a source adapter takes it. Rate, concurrency and
// enabled are applied outside the adapter (egress, workers); CacheTTL is
// passed along for information, the egress cache applies it (CacheTTLs).
func (s Source) AdapterConfig() sources.Config {
	var tld map[string]string
	if len(s.TLDServers) > 0 {
		tld = make(map[string]string, len(s.TLDServers))
		for _, t := range s.TLDServers {
			tld[t.TLD] = t.BaseURL
		}
	}
	var platforms map[string]string
	if len(s.Platforms) > 0 {
		platforms = make(map[string]string, len(s.Platforms))
		for _, p := range s.Platforms {
			platforms[p.Name] = p.BaseURL
		}
	}
	return sources.Config{
		BaseURL:      s.BaseURL,
		APIKey:       s.APIKey,
		Timeout:      s.Timeout,
		CacheTTL:     s.CacheTTL,
		MaxPages:     s.MaxPages,
		MinScore:     s.MinScore,
		Dataset:      s.Dataset,
		DataFile:     s.DataFile,
		BootstrapURL: s.BootstrapURL,
		TLDServers:   tld,
		MaxDepth:     s.MaxDepth,
		IgnoreRobots: !s.RespectRobots,
		Delay:        s.Delay,
		Platforms:    platforms,
	}
}

// SourceProxies maps each source with a proxy of its own to it, as
// egress.Config.SourceProxies takes it.
func (c *Config) SourceProxies() map[string]string {
	out := map[string]string{}
	for name, s := range c.Sources {
		if s.Proxy != "" {
			out[name] = s.Proxy
		}
	}
	return out
}

// CacheTTLs maps every enabled source with a cache_ttl above 0 to it, as
// egress.Config.CacheTTL takes it; a source left out is not cached.
func (c *Config) CacheTTLs() map[string]time.Duration {
	out := make(map[string]time.Duration)
	for name, s := range c.Sources {
		if s.Enabled && s.CacheTTL > 0 {
			out[name] = s.CacheTTL
		}
	}
	return out
}
