// Package egress is the only way out to the internet. Every source adapter
// gets a *Client and nothing else to make requests with, so anonymity
// (neutral User-Agent, no cookies, optional proxy/Tor), the SSRF guard,
// response size caps, rate limits and evidence hashing hold for all of them
// by construction.
package egress

import (
	"context"
	"net/http"
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
	// AllowPrivateNetworks lifts the SSRF guard (loopback, private,
	// link-local, metadata). Only for tests and labs.
	AllowPrivateNetworks bool
	// MaxResponseBytes caps every response body; default 10 MiB.
	MaxResponseBytes int64
	// ExtraCAFiles are PEM files trusted besides the system roots (KvK's
	// production chain is not in common trust stores).
	ExtraCAFiles []string
	// Limiter, when set, is waited on before every request of a source.
	Limiter Limiter
	// Cache, when set, answers repeated questions of a source for as long
	// as CacheTTL gives for that source (no entry: not cached).
	Cache    Cache
	CacheTTL map[string]time.Duration
}

// DefaultUserAgent is neutral: it never identifies the organisation.
const DefaultUserAgent = "Mozilla/5.0 (compatible)"

// Request is one outbound call on behalf of a source.
type Request struct {
	Source  string // the adapter's name, for rate limits and metrics
	Method  string // default GET
	URL     string
	Header  http.Header
	Body    []byte
	Timeout time.Duration // per request; 0: the client's default (15s)
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

// Limiter throttles requests per source. Implementations shared through Redis
// hold one rate across all worker processes.
type Limiter interface {
	// Wait blocks until source may make one more request, or ctx ends.
	Wait(ctx context.Context, source string) error
}
