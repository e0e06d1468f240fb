package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"verrijk/retention"
)

// Limits that keep a typo from doing harm.
const (
	maxDepthLimit      = 5
	maxConcurrency     = 256
	maxSourceTimeout   = 10 * time.Minute
	maxResponseCeiling = 1 << 30 // 1 GiB; larger bodies belong in a bulk import, not a lookup
	maxCacheTTL        = 30 * 24 * time.Hour
	maxPagesLimit      = 10
)

var (
	purposeIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	indexPrefixPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	datasetPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	tldPattern         = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// Validate checks every value and reports all problems, each naming its
// key. Values that may hold secrets (URLs with passwords, API keys) are
// never echoed.
func (c *Config) Validate() error {
	v := &validator{}
	v.hostPort("server.addr", c.Server.Addr)
	if strings.TrimSpace(c.DataDir) == "" {
		v.fail("data_dir", "must not be empty")
	}
	if strings.TrimSpace(c.Indicators.RulesFile) == "" {
		v.fail("indicators.rules_file", "must name the indicator rules file (default configs/indicators.yaml)")
	}
	if c.Queue.RedisURL != "" {
		if _, err := redis.ParseURL(c.Queue.RedisURL); err != nil {
			v.fail("queue.redis_url", "%v", withoutURL(err))
		}
	}
	v.dsn("store.dsn", c.Store.DSN)
	v.index(c.Index)
	if _, err := retention.Parse(c.Retention.SignalPeriod); err != nil {
		v.fail("retention.signal_period", "%v", err)
	}
	if k := c.Audit.PseudonymKey; k != "" && len(k) < 16 {
		v.fail("audit.pseudonym_key", "must be at least 16 characters (it keys the pseudonyms of data subjects)")
	}
	v.egress(c.Egress)
	v.oidc(c.Auth.OIDC)
	for _, name := range sortedSourceNames(c.Sources) {
		v.source("sources."+name, name, c.Sources[name])
	}
	if d := c.Enrichment.MaxDepth; d < 0 || d > maxDepthLimit {
		v.fail("enrichment.max_depth", "%d is out of range 0..%d", d, maxDepthLimit)
	}
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "text", "json")
	seen := make(map[string]bool)
	for i, p := range c.BootstrapPurposes {
		path := fmt.Sprintf("bootstrap_purposes[%d]", i)
		v.purpose(path, p)
		if seen[p.ID] {
			v.fail(path+".id", "%q is used by an earlier purpose", p.ID)
		}
		seen[p.ID] = true
	}
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("config: %s: "+format, append([]any{path}, args...)...))
}

func (v *validator) oneOf(path, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		v.fail(path, "must be %s", orList(allowed))
	}
}

func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func (v *validator) hostPort(path, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.fail(path, "%q is not host:port", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.fail(path, "%q has no valid port", addr)
	}
}

func (v *validator) dsn(path, dsn string) {
	if dsn == "" {
		return
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		v.fail(path, "must be empty or postgres://user:password@host/db (empty: SQLite in data_dir)")
	}
}

func (v *validator) index(ix Index) {
	v.oneOf("index.backend", ix.Backend, "bleve", "elasticsearch")
	es := ix.Elasticsearch
	if ix.Backend == "elasticsearch" && len(es.Addresses) == 0 {
		v.fail("index.elasticsearch.addresses", "must list at least one address with backend elasticsearch")
	}
	for i, a := range es.Addresses {
		v.httpURL(fmt.Sprintf("index.elasticsearch.addresses[%d]", i), a)
	}
	if !indexPrefixPattern.MatchString(es.IndexPrefix) {
		v.fail("index.elasticsearch.index_prefix", "%q must be lower-case letters, digits, - and _", es.IndexPrefix)
	}
	if (es.Username == "") != (es.Password == "") {
		v.fail("index.elasticsearch.username", "username and password go together")
	}
	if es.CAFile != "" && strings.TrimSpace(es.CAFile) == "" {
		v.fail("index.elasticsearch.ca_file", "must not be blank")
	}
}

// httpURL checks an endpoint without echoing it: it may carry credentials.
func (v *validator) httpURL(path, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(path, "must be an http:// or https:// URL with a host")
	}
}

func (v *validator) egress(e Egress) {
	v.proxy("egress.proxy", e.Proxy, false)
	for i, c := range e.AllowCIDRs {
		path := fmt.Sprintf("egress.allow_cidrs[%d]", i)
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			v.fail(path, "%q is not a network in CIDR notation, e.g. 10.20.0.0/24", c)
		case p != p.Masked():
			v.fail(path, "%q has host bits set; the network is %s", c, p.Masked())
		case p.Bits() == 0:
			v.fail(path, "%q opens every address; use allow_private_networks in a lab instead", c)
		}
	}
	if e.MaxResponseBytes <= 0 || e.MaxResponseBytes > maxResponseCeiling {
		v.fail("egress.max_response_bytes", "%d is out of range 1..%d", e.MaxResponseBytes, maxResponseCeiling)
	}
	for i, f := range e.CAFiles {
		if strings.TrimSpace(f) == "" {
			v.fail(fmt.Sprintf("egress.ca_files[%d]", i), "must not be empty")
		}
	}
}

// oidc checks single sign-on settings; they matter only with an issuer.
func (v *validator) oidc(o OIDC) {
	if o.Issuer == "" {
		return
	}
	v.httpURL("auth.oidc.issuer", o.Issuer)
	v.httpURL("auth.oidc.redirect_url", o.RedirectURL)
	if strings.TrimSpace(o.ClientID) == "" {
		v.fail("auth.oidc.client_id", "is required with auth.oidc.issuer")
	}
	if strings.TrimSpace(o.RoleClaim) == "" {
		v.fail("auth.oidc.role_claim", "must name the ID token claim that holds the role")
	}
}

// proxy checks a proxy URL without echoing it (it may hold a password);
// "" means none, and for a source (direct) "direct" bypasses egress.proxy.
func (v *validator) proxy(path, value string, direct bool) {
	if value == "" || (direct && value == "direct") {
		return
	}
	u, err := url.Parse(value)
	switch {
	case err != nil || u.Host == "":
		if direct {
			v.fail(path, `must be a URL such as socks5h://127.0.0.1:9050, or "direct"`)
		} else {
			v.fail(path, "must be a URL such as socks5h://127.0.0.1:9050")
		}
	case !slices.Contains([]string{"http", "https", "socks5", "socks5h"}, u.Scheme):
		v.fail(path, "scheme %q must be http, https, socks5 or socks5h", u.Scheme)
	}
}

func (v *validator) purpose(path string, p Purpose) {
	if !purposeIDPattern.MatchString(p.ID) {
		v.fail(path+".id", "%q must be a slug of 2 to 63 characters: a-z, 0-9 and -", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		v.fail(path+".name", "must not be empty")
	}
	if strings.TrimSpace(p.LegalBasis) == "" {
		v.fail(path+".legal_basis", "must not be empty")
	}
	if _, err := retention.Parse(p.Retention); err != nil {
		v.fail(path+".retention", "%v", err)
	}
	for i, s := range p.AllowedSources {
		if _, ok := knownSources[s]; !ok {
			v.fail(fmt.Sprintf("%s.allowed_sources[%d]", path, i), "unknown source %q (known: %s)", s, strings.Join(KnownSources(), ", "))
		}
	}
}

// withoutURL drops the *url.Error wrapper, whose message repeats the whole
// URL, password included.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func sortedSourceNames(m map[string]Source) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
