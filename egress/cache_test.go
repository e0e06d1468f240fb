package egress

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// tokenCounter records how often a request asked for a rate token.
type tokenCounter struct{ n atomic.Int32 }

func (l *tokenCounter) Acquire(context.Context, string, time.Duration) (Release, error) {
	l.n.Add(1)
	return func(context.Context, Outcome) {}, nil
}

func newCachedClient(t *testing.T, ttl map[string]time.Duration) (*Client, *tokenCounter, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	lim := &tokenCounter{}
	c, err := New(Config{AllowPrivateNetworks: true, Limiter: lim, Cache: NewRedisCache(rdb), CacheTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	return c, lim, mr
}

func TestCacheAnswersRepeatedQuestions(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.SetCookie(w, &http.Cookie{Name: "track", Value: "me"})
		switch r.URL.Path {
		case "/missing":
			http.Error(w, `{"fout":[]}`, http.StatusNotFound)
		case "/broken":
			http.Error(w, "down", http.StatusInternalServerError)
		default:
			w.Write([]byte(`{"naam":"Test BV Donald"}`))
		}
	}))
	defer srv.Close()
	c, lim, _ := newCachedClient(t, map[string]time.Duration{"kvk": time.Hour})
	ctx := context.Background()

	first, err := c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/ok"})
	if err != nil || first.Cached {
		t.Fatalf("first: %v cached=%v", err, first != nil && first.Cached)
	}
	second, err := c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/ok", Header: http.Header{"Apikey": {"other"}}})
	if err != nil || !second.Cached {
		t.Fatalf("second: %v cached=%v", err, second != nil && second.Cached)
	}
	if string(second.Body) != string(first.Body) || second.SHA256 != first.SHA256 || !second.FetchedAt.Equal(first.FetchedAt) {
		t.Errorf("cached answer differs: %+v vs %+v", second, first)
	}
	if second.Header.Get("Set-Cookie") != "" {
		t.Errorf("a cookie reached the cache")
	}
	if hits.Load() != 1 || lim.n.Load() != 1 {
		t.Errorf("server hits %d, rate tokens %d; want 1 and 1 (a hit costs nothing)", hits.Load(), lim.n.Load())
	}

	// "Not found" is a fact worth keeping; a server error is not.
	for i := 0; i < 2; i++ {
		c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/missing"})
		c.Do(ctx, Request{Source: "kvk", URL: srv.URL + "/broken"})
	}
	if hits.Load() != 1+1+2 {
		t.Errorf("server hits %d, want 4: one for the 404, two for the 500", hits.Load())
	}

	// A source without a TTL, and another source, are not served from kvk's cache.
	c.Do(ctx, Request{Source: "bag", URL: srv.URL + "/ok"})
	c.Do(ctx, Request{Source: "bag", URL: srv.URL + "/ok"})
	if hits.Load() != 6 {
		t.Errorf("server hits %d, want 6: bag has no TTL", hits.Load())
	}
}

func TestCacheExpires(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c, _, mr := newCachedClient(t, map[string]time.Duration{"rdw": time.Minute})
	ctx := context.Background()
	c.Do(ctx, Request{Source: "rdw", URL: srv.URL})
	mr.FastForward(2 * time.Minute)
	resp, err := c.Do(ctx, Request{Source: "rdw", URL: srv.URL})
	if err != nil || resp.Cached || hits.Load() != 2 {
		t.Errorf("after the TTL: cached=%v hits=%d err=%v, want a fresh fetch", resp != nil && resp.Cached, hits.Load(), err)
	}
}

func TestCacheOutageIsAMiss(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c, _, mr := newCachedClient(t, map[string]time.Duration{"kvk": time.Hour})
	mr.Close()
	for i := 0; i < 2; i++ {
		if _, err := c.Do(context.Background(), Request{Source: "kvk", URL: srv.URL}); err != nil {
			t.Fatalf("with Redis down: %v", err)
		}
	}
	if hits.Load() != 2 {
		t.Errorf("hits %d, want 2", hits.Load())
	}
}
