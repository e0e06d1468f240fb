// Package egress is the only way out to the internet. Every source adapter
// gets a *Client and nothing else to make requests with, so anonymity
// (neutral User-Agent, no cookies, no Referer, optional proxy/Tor, per
// source if need be), the SSRF guard, response size caps, evidence hashing
// and source control (rate, concurrency cap, pauses, circuit breaker; see
// RedisLimiter) hold for all of them by construction. Libraries that want
// a transport get one that goes through Do (RoundTripper), and crawlers a
// colly collector built on it (Collector). A test scans the source tree
// for clients, transports and dialers built anywhere else.
package egress

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// Config is the egress part of verrijk's configuration.
type Config struct {
	// Proxy is an http://, https://, socks5:// or socks5h:// (Tor) URL;
	// empty: direct. Environment proxy variables are ignored. With http(s)
	// and socks5h the proxy resolves target names, so the SSRF guard can
	// only refuse IP literals and localhost there (see New).
	Proxy string
	// UserAgent sent on every request; empty: DefaultUserAgent.
	UserAgent string
	// SourceProxies overrides Proxy for single sources, keyed by source
	// name (sources.<name>.proxy): a proxy URL as for Proxy, or ProxyDirect
	// to go direct although Proxy is set. Social profiles can so leave
	// through Tor while registries that check the caller's IP go direct.
	SourceProxies map[string]string
	// AllowPrivateNetworks lifts the SSRF guard (loopback, private,
	// link-local, metadata). Only for tests and labs.
	AllowPrivateNetworks bool
	// AllowCIDRs opens the SSRF guard for these networks only
	// (egress.allow_cidrs): a lab's replay servers on 10.20.0.0/24, say,
	// while the rest of the private address space stays refused.
	AllowCIDRs []netip.Prefix
	// MaxResponseBytes caps every response body; default 10 MiB.
	MaxResponseBytes int64
	// ExtraCAFiles are PEM files trusted besides the system roots (KvK's
	// production chain is not in common trust stores).
	ExtraCAFiles []string
	// Limiter, when set, admits every request of a source (see Limiter).
	Limiter Limiter
	// Cache, when set, answers repeated questions of a source for as long
	// as CacheTTL gives for that source (no entry: not cached).
	Cache    Cache
	CacheTTL map[string]time.Duration
}

// DefaultUserAgent is neutral: it never identifies the organisation.
const DefaultUserAgent = "Mozilla/5.0 (compatible)"

// ProxyDirect in SourceProxies sends a source's requests without a proxy.
const ProxyDirect = "direct"

// Request is one outbound call on behalf of a source.
type Request struct {
	Source  string // the adapter's name, for rate limits and metrics
	Method  string // default GET
	URL     string
	Header  http.Header
	Body    []byte
	Timeout time.Duration // per request; 0: the client's default (15s)
	// MaxBytes lowers the client's body cap for this request (a robots.txt
	// needs far less than a document); 0 or more than the cap: the cap.
	MaxBytes int64
	// CheckRedirect, when set, vets each redirect target on top of the
	// client's own checks; an error stops the request (a crawler that must
	// not leave its site says so here, before the other site is asked).
	CheckRedirect func(next *url.URL) error
}

// Response is a fully read, size-capped answer plus what makes it evidence.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	URL       string // the final URL after redirects
	FetchedAt time.Time
	SHA256    string // hex SHA-256 of Body
	// Cached is true when the answer came from the cache; FetchedAt and
	// SHA256 are then those of the original fetch.
	Cached bool
}

// Limiter decides when a source may be sent a request. Implementations
// shared through Redis (RedisLimiter) hold one rate, one concurrency cap,
// one pause and one circuit breaker per source across all worker processes.
type Limiter interface {
	// Acquire returns once source may be sent one request: it is not held,
	// its rate allows one more request and a concurrency slot is free. The
	// slot is leased for at most lease, so a worker killed mid-request
	// cannot keep it. A held source (paused, circuit open, throttled) gives
	// a *HeldError at once, without waiting. Every wait ends with ctx. On
	// success the caller must call the Release exactly once.
	Acquire(ctx context.Context, source string, lease time.Duration) (Release, error)
}

// Release hands back a slot taken by Acquire and reports what became of
// the request, which drives the circuit breaker and throttling pauses. It
// works even when ctx has ended: a slot must not wait for its lease.
type Release func(ctx context.Context, o Outcome)

// OutcomeKind is what a request says about the health of its source.
type OutcomeKind int

const (
	// OutcomeNeutral says nothing about the source: the request was refused
	// by us (SSRF guard, size cap), cancelled by the caller, or throttled.
	OutcomeNeutral OutcomeKind = iota
	// OutcomeSuccess: the source answered with a status below 500, 4xx
	// included; it is up, whatever it thought of the question.
	OutcomeSuccess
	// OutcomeFailure is transient trouble at the source: a transport error,
	// a timeout or a 5xx (other than a 503 with Retry-After).
	OutcomeFailure
)

// Outcome of one request, as reported to Release.
type Outcome struct {
	Kind OutcomeKind
	// Throttle, when positive, is how long the source asked everyone to
	// wait (429, or 503 with Retry-After): the source is paused that long.
	Throttle time.Duration
}
