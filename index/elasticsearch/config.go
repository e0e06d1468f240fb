package esindex

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

// Config is how to reach the cluster and name the indices.
type Config struct {
	// Addresses are node URLs (http:// or https://); at least one.
	Addresses []string
	// APIKey is an Elasticsearch API key in its encoded form (the base64
	// of id:key, as the create API key API returns it under "encoded").
	// It takes precedence over Username and Password.
	APIKey   string
	Username string
	Password string
	// CAFile is a PEM file with the CA(s) that signed the cluster's
	// certificate; when set only those are trusted. Empty: the system roots.
	CAFile string
	// IndexPrefix starts every index and alias name; default "verrijk".
	IndexPrefix string
	// Refresh is the refresh policy of Upsert and Delete: "wait_for"
	// (default; a search right after sees the change, as the conformance
	// suite and an analyst after `enrich --wait` expect), "false" (faster,
	// visible within the index's refresh interval) or "true".
	Refresh string

	// Transport replaces the HTTP transport (tests replay recordings
	// through it). Default: a transport with timeouts and the CA file.
	Transport http.RoundTripper
	// Now is the clock that names new indices; default time.Now.
	Now func() time.Time
	// Backoff is the wait before retry n (1-based) of a request or of the
	// bulk items the cluster rejected; default exponential from 200ms to
	// 10s with jitter.
	Backoff func(n int) time.Duration
	// MaxRetries bounds those retries; default 5.
	MaxRetries int
	Log        *slog.Logger
}

var prefixPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func (c Config) withDefaults() (Config, error) {
	if len(c.Addresses) == 0 {
		// The client would otherwise fall back to $ELASTICSEARCH_URL or
		// localhost: an index must never land somewhere unconfigured.
		return c, errors.New("elasticsearch: no addresses configured")
	}
	for i, a := range c.Addresses {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("elasticsearch: address %d is not an http(s) URL with a host", i)
		}
	}
	if c.IndexPrefix == "" {
		c.IndexPrefix = "verrijk"
	}
	if !prefixPattern.MatchString(c.IndexPrefix) {
		return c, fmt.Errorf("elasticsearch: index prefix %q must be lower-case letters, digits, - and _", c.IndexPrefix)
	}
	switch c.Refresh {
	case "":
		c.Refresh = "wait_for"
	case "wait_for", "false", "true":
	default:
		return c, fmt.Errorf("elasticsearch: refresh %q must be wait_for, false or true", c.Refresh)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Backoff == nil {
		c.Backoff = defaultBackoff
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = 5
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c, nil
}

// defaultBackoff doubles from 200ms up to 10s, with up to 50% jitter so
// that workers rejected together do not come back together.
func defaultBackoff(n int) time.Duration {
	d := 200 * time.Millisecond << min(n-1, 6)
	d = min(d, 10*time.Second)
	return d/2 + rand.N(d/2+1)
}

// newClient builds the go-elasticsearch client: its transport retries
// whole requests on 429 and 5xx gateway errors with c.Backoff, checks that
// the server is Elasticsearch (X-Elastic-Product) and sends the
// credentials.
func newClient(c Config) (*elasticsearch.Client, error) {
	tr := c.Transport
	if tr == nil {
		t, err := newHTTPTransport(c.CAFile)
		if err != nil {
			return nil, err
		}
		tr = t
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses:     c.Addresses,
		APIKey:        c.APIKey,
		Username:      c.Username,
		Password:      c.Password,
		Transport:     tr,
		RetryOnStatus: []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout},
		MaxRetries:    c.MaxRetries,
		RetryBackoff:  c.Backoff,
	})
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	return client, nil
}

// newHTTPTransport dials the cluster directly (it is infrastructure like
// the store, not the internet: no egress proxy), with timeouts, TLS 1.2 or
// later and, given a CA file, only that CA trusted.
func newHTTPTransport(caFile string) (*http.Transport, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("elasticsearch ca_file %s: no PEM certificate in it", caFile)
		}
		tlsConf.RootCAs = pool
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute, // a bulk of large documents can take a while
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		ForceAttemptHTTP2:     true,
	}, nil
}
