package egress

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout applies to a request that names no timeout.
const DefaultTimeout = 15 * time.Second

// DefaultMaxResponseBytes caps a body when Config.MaxResponseBytes is unset.
const DefaultMaxResponseBytes = 10 << 20

// maxRedirects is how many hops a request may take; sources redirect once
// or twice (http→https, trailing slash), more smells of a loop or a trap.
const maxRedirects = 5

// Client makes outbound requests for source adapters. It is safe for
// concurrent use and meant to be shared; it keeps no cookies.
type Client struct {
	cfg      Config
	http     *http.Client            // through Config.Proxy, or direct
	bySource map[string]*http.Client // sources with a proxy of their own
	target   func(netip.Addr) string // policy for target addresses
	m        *metrics
}

// New builds a Client from cfg. Errors name the config key at fault
// (egress.proxy, egress.extra_ca_files).
//
// The SSRF guard checks every address at dial time. With socks5:// we
// resolve names ourselves and hand the proxy a checked IP. With http(s)://
// and socks5h:// proxies the proxy resolves target names (for Tor that is
// the point), so only IP literals and localhost names in URLs can be refused
// here; the connection to the proxy itself is guarded by a policy that
// allows loopback and private addresses, where Tor and sidecars live.
func New(cfg Config) (*Client, error) {
	return newClient(cfg, targetPolicy, nil)
}

// newClient lets tests replace the policies; a nil dialGuard enforces target.
func newClient(cfg Config, target func(netip.Addr) string, dialGuard guard) (*Client, error) {
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	proxyPol := proxyPolicy
	switch {
	case cfg.AllowPrivateNetworks:
		target, proxyPol, dialGuard = allowAll, allowAll, nil
	case len(cfg.AllowCIDRs) > 0:
		target, proxyPol = allowing(cfg.AllowCIDRs, target), allowing(cfg.AllowCIDRs, proxyPol)
		dialGuard = nil
	}
	if dialGuard == nil {
		dialGuard = newGuard(target)
	}
	c := &Client{cfg: cfg, target: target, m: getMetrics()}
	build := func(proxyURL, key string) (*http.Client, error) {
		transport, err := newTransport(cfg.ExtraCAFiles, proxyURL, key, target, dialGuard, proxyPol)
		if err != nil {
			return nil, err
		}
		// No Jar: nothing a source sets survives the response. No Timeout:
		// the per-request context bounds the whole exchange, body included.
		return &http.Client{Transport: transport, CheckRedirect: c.checkRedirect}, nil
	}
	var err error
	if c.http, err = build(cfg.Proxy, "egress.proxy"); err != nil {
		return nil, err
	}
	for source, p := range cfg.SourceProxies {
		if p == "" || p == cfg.Proxy {
			continue
		}
		if p == ProxyDirect {
			p = ""
		}
		if c.bySource == nil {
			c.bySource = map[string]*http.Client{}
		}
		if c.bySource[source], err = build(p, "sources."+source+".proxy"); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// clientFor returns the http.Client that carries source's requests.
func (c *Client) clientFor(source string) *http.Client {
	if hc, ok := c.bySource[source]; ok {
		return hc
	}
	return c.http
}

// redirectCheckKey carries a Request's CheckRedirect to checkRedirect,
// which the http.Client shares between all requests.
type redirectCheckKey struct{}

// leaseMargin is added to a request's timeout for its concurrency lease:
// the slot is released explicitly long before, unless the worker died.
const leaseMargin = 10 * time.Second

// Do sends req and reads the whole (capped) body. Any HTTP status is a
// Response, not an error: the adapter decides what a 404 means (CheckStatus
// helps). Do never retries; the queue does, guided by the typed errors.
//
// In order: the cache answers if it can; then the Limiter may hold the
// source (*HeldError, nothing sent), makes the request wait for the rate
// and a concurrency slot, and afterwards learns the outcome (circuit
// breaker, throttling pause). A cached answer is served even while the
// source is held: it does not touch the source. The waits are bounded by
// ctx, not by req.Timeout, which covers the exchange itself from dial to
// the last body byte.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	hit, key, ttl := c.cached(ctx, req)
	if hit != nil {
		return hit, nil // costs the source nothing: no rate token, no slot
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// Built before any wait, so a bad URL costs no rate token.
	hreq, err := c.newRequest(ctx, req)
	if err != nil {
		c.observe(req.Source, time.Now(), nil, err)
		return nil, err
	}
	release := Release(func(context.Context, Outcome) {})
	if c.cfg.Limiter != nil {
		release, err = c.cfg.Limiter.Acquire(ctx, req.Source, timeout+leaseMargin)
		var held *HeldError
		if errors.As(err, &held) {
			c.m.held.WithLabelValues(req.Source, held.Reason).Inc()
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("waiting for a turn at %s: %w", req.Source, err)
		}
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if req.CheckRedirect != nil {
		rctx = context.WithValue(rctx, redirectCheckKey{}, req.CheckRedirect)
	}
	limit := c.cfg.MaxResponseBytes
	if req.MaxBytes > 0 && req.MaxBytes < limit {
		limit = req.MaxBytes
	}
	inFlight := c.m.inFlight.WithLabelValues(req.Source)
	inFlight.Inc()
	start := time.Now()
	resp, err := c.send(rctx, c.clientFor(req.Source), hreq.WithContext(rctx), limit)
	inFlight.Dec()
	release(ctx, outcome(ctx, resp, err))
	c.observe(req.Source, start, resp, err)
	if err == nil && key != "" && cacheable(resp) {
		c.cfg.Cache.Set(ctx, key, resp, ttl)
	}
	return resp, err
}

// outcome judges what a request says about its source's health; ctx is the
// caller's, whose end is the caller's doing, not the source's.
func outcome(ctx context.Context, resp *Response, err error) Outcome {
	if err != nil {
		var blocked *BlockedError
		var tooLarge *TooLargeError
		if errors.As(err, &blocked) || errors.As(err, &tooLarge) || ctx.Err() != nil {
			return Outcome{Kind: OutcomeNeutral}
		}
		return Outcome{Kind: OutcomeFailure}
	}
	var rl *RateLimited
	if errors.As(CheckStatus(resp), &rl) {
		return Outcome{Kind: OutcomeNeutral, Throttle: rl.RetryIn}
	}
	if resp.Status >= 500 {
		return Outcome{Kind: OutcomeFailure}
	}
	return Outcome{Kind: OutcomeSuccess}
}

// newRequest builds the http.Request with the anonymity rules applied on top
// of whatever headers the adapter asked for.
func (c *Client) newRequest(ctx context.Context, req Request) (*http.Request, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("building request: invalid url %s", RedactURL(req.URL))
	}
	if err := c.checkURL(u); err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body) // also lets 307/308 redirects replay it
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", redactErr(err))
	}
	hreq.Header = req.Header.Clone()
	if hreq.Header == nil {
		hreq.Header = http.Header{}
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent) // adapters never pick their own
	hreq.Header.Del("Referer")
	hreq.Header.Del("Cookie")
	// Leave compression to the transport: it then decodes transparently and
	// the size cap applies to the decoded bytes, defusing gzip bombs.
	hreq.Header.Del("Accept-Encoding")
	return hreq, nil
}

// checkURL refuses what must not be fetched before any connection exists.
func (c *Client) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("unsupported scheme %q (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("url has no host")
	}
	return checkHost(c.target, u.Hostname())
}

// checkRedirect caps and vets each redirect hop. Addresses are checked again
// at dial time; this catches what the dialer cannot see behind a proxy.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if err := c.checkURL(req.URL); err != nil {
		return fmt.Errorf("redirect refused: %w", err)
	}
	if check, ok := req.Context().Value(redirectCheckKey{}).(func(*url.URL) error); ok {
		if err := check(req.URL); err != nil {
			return fmt.Errorf("redirect to %s refused: %w", RedactURL(req.URL.String()), err)
		}
	}
	req.Header.Del("Referer") // net/http adds one; it would tell the next site where we came from
	if !strings.EqualFold(req.URL.Hostname(), via[0].URL.Hostname()) {
		// net/http only strips Authorization and Cookie; source API keys
		// travel in other headers and must not follow us to another host.
		for _, h := range secretHeaders {
			req.Header.Del(h)
		}
	}
	return nil
}

// send performs the exchange through hc and reads the body within limit
// bytes. The limit applies to the decoded body: the transport asks for gzip
// itself and decodes it, so a small compressed bomb cannot get past it.
func (c *Client) send(ctx context.Context, hc *http.Client, hreq *http.Request, limit int64) (*Response, error) {
	hresp, err := hc.Do(hreq)
	if err != nil {
		return nil, withCtxErr(ctx, "sending request", err)
	}
	defer hresp.Body.Close()
	// The transport asked for gzip and has decoded it (dropping the header).
	// Any coding left (br, zstd, deflate) was never asked for: its bytes are
	// not the document, and inflating them later would bypass the cap.
	if ce := strings.TrimSpace(hresp.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, fmt.Errorf("reading response: content encoding %q was not asked for", ce[:min(len(ce), 32)])
	}
	if hresp.ContentLength > limit {
		return nil, fmt.Errorf("reading response: %w", &TooLargeError{Limit: limit})
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		return nil, withCtxErr(ctx, "reading response", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("reading response: %w", &TooLargeError{Limit: limit})
	}
	sum := sha256.Sum256(data)
	return &Response{
		Status: hresp.StatusCode, Header: hresp.Header, Body: data,
		// Evidence is stored: an api key in the query must not be.
		URL:       RedactURL(hresp.Request.URL.String()),
		FetchedAt: time.Now().UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
	}, nil
}

// withCtxErr redacts err and makes sure a timeout or cancellation is
// detectable with errors.Is whatever layer noticed it first.
func withCtxErr(ctx context.Context, op string, err error) error {
	err = redactErr(err)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%s: %w: %w", op, cerr, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// observe records one request in the metrics.
func (c *Client) observe(source string, start time.Time, resp *Response, err error) {
	class := "error"
	if err == nil {
		class = statusClass(resp.Status)
		c.m.bytes.WithLabelValues(source).Add(float64(len(resp.Body)))
	}
	var be *BlockedError
	if errors.As(err, &be) {
		c.m.blocked.WithLabelValues(source).Inc()
	}
	c.m.requests.WithLabelValues(source, class).Inc()
	c.m.duration.WithLabelValues(source).Observe(time.Since(start).Seconds())
}
