package egress

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultTimeout applies to a request that names no timeout.
const DefaultTimeout = 15 * time.Second

// Client makes outbound requests for source adapters.
type Client struct {
	cfg  Config
	http *http.Client
}

// New builds a Client from cfg.
func New(cfg Config) (*Client, error) {
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 10 << 20
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	transport := &http.Transport{Proxy: nil}
	return &Client{cfg: cfg, http: &http.Client{Transport: transport}}, nil
}

// Do sends req and reads the whole (capped) body. Any HTTP status is a
// Response, not an error: the adapter decides what a 404 means.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if c.cfg.Limiter != nil {
		if err := c.cfg.Limiter.Wait(ctx, req.Source); err != nil {
			return nil, fmt.Errorf("waiting for rate limit of %s: %w", req.Source, err)
		}
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, req.URL, body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	if int64(len(data)) > c.cfg.MaxResponseBytes {
		return nil, fmt.Errorf("response of %s exceeds %d bytes", req.URL, c.cfg.MaxResponseBytes)
	}
	sum := sha256.Sum256(data)
	return &Response{
		Status: resp.StatusCode, Header: resp.Header, Body: data,
		URL: resp.Request.URL.String(), FetchedAt: time.Now().UTC(),
		SHA256: hex.EncodeToString(sum[:]),
	}, nil
}
