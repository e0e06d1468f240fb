package egress

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cache keeps answers so that the same question within a source's TTL (the
// same KvK number for two signals) is not asked again: KvK profile calls
// cost money, and every public service deserves fewer calls. Only answers
// that state a fact are kept (200, and 404 "not found"); errors and
// throttling never are. Each use of a cached answer is still audited by the
// task that uses it, under that task's purpose.
type Cache interface {
	Get(ctx context.Context, key string) (*Response, bool)
	Set(ctx context.Context, key string, resp *Response, ttl time.Duration)
}

// cacheOpTimeout bounds a cache call, so a sick Redis slows a lookup by
// at most this much.
const cacheOpTimeout = 250 * time.Millisecond

// maxCachedBytes keeps very large answers out of Redis.
const maxCachedBytes = 2 << 20

// cacheKey identifies a request by source, method, URL and body. Headers
// (an API key) are not part of the question.
func cacheKey(req Request) string {
	h := sha256.New()
	for _, part := range []string{req.Source, req.Method, req.URL} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(req.Body)
	return req.Source + ":" + hex.EncodeToString(h.Sum(nil))
}

func cacheable(resp *Response) bool {
	return (resp.Status == http.StatusOK || resp.Status == http.StatusNotFound) && len(resp.Body) <= maxCachedBytes
}

// RedisCache shares cached answers between all worker processes.
type RedisCache struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisCache returns a cache in rdb under "verrijk:cache:".
func NewRedisCache(rdb redis.UniversalClient) *RedisCache {
	return &RedisCache{rdb: rdb, prefix: "verrijk:cache:"}
}

type cachedResponse struct {
	Status    int         `json:"status"`
	Header    http.Header `json:"header"`
	Body      []byte      `json:"body"`
	URL       string      `json:"url"`
	FetchedAt time.Time   `json:"fetched_at"`
	SHA256    string      `json:"sha256"`
}

// Get returns a cached answer. A Redis failure is a miss: the cache may
// make verrijk cheaper, never less available.
func (c *RedisCache) Get(ctx context.Context, key string) (*Response, bool) {
	ctx, cancel := context.WithTimeout(ctx, cacheOpTimeout)
	defer cancel()
	raw, err := c.rdb.Get(ctx, c.prefix+key).Bytes()
	if err != nil {
		return nil, false
	}
	var cr cachedResponse
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&cr); err != nil {
		return nil, false
	}
	return &Response{Status: cr.Status, Header: cr.Header, Body: cr.Body, URL: cr.URL,
		FetchedAt: cr.FetchedAt, SHA256: cr.SHA256, Cached: true}, true
}

// Set stores an answer for ttl; failures are ignored for the same reason.
func (c *RedisCache) Set(ctx context.Context, key string, resp *Response, ttl time.Duration) {
	raw, err := json.Marshal(cachedResponse{Status: resp.Status, Header: keepHeaders(resp.Header), Body: resp.Body,
		URL: resp.URL, FetchedAt: resp.FetchedAt, SHA256: resp.SHA256})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, cacheOpTimeout)
	defer cancel()
	_ = c.rdb.Set(ctx, c.prefix+key, raw, ttl).Err()
}

// keepHeaders keeps what adapters read from an answer and what evidence
// records (sources.EvidenceHeaders); cookies and the like never reach the
// cache.
func keepHeaders(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range []string{"Content-Type", "Content-Language", "Content-Disposition", "Date", "Last-Modified", "Etag", "Expires"} {
		if v := h.Values(k); len(v) > 0 {
			out[http.CanonicalHeaderKey(k)] = v
		}
	}
	return out
}

// cached answers from the cache when the source has a TTL.
func (c *Client) cached(ctx context.Context, req Request) (*Response, string, time.Duration) {
	ttl := c.cfg.CacheTTL[req.Source]
	if c.cfg.Cache == nil || ttl <= 0 {
		return nil, "", 0
	}
	key := cacheKey(req)
	if resp, ok := c.cfg.Cache.Get(ctx, key); ok {
		getMetrics().cache.WithLabelValues(req.Source, "hit").Inc()
		return resp, key, ttl
	}
	getMetrics().cache.WithLabelValues(req.Source, "miss").Inc()
	return nil, key, ttl
}
