package rdap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// Limits on the bootstrap file, which is input like any other: IANA's has
// about 1,200 TLDs in some 600 services.
const (
	maxServices    = 5000
	maxServiceURLs = 8
	maxEntryLen    = 253
	maxURLLen      = 512
)

// bootstrap is one cached bootstrap file. Entries are shared per URL by
// every Source in the process, so a worker that builds an adapter per
// task still fetches the file once a day, not once a lookup.
type bootstrap struct {
	url string
	ttl time.Duration
	now func() time.Time
	// lock is a one-slot semaphore rather than a mutex so that a task
	// waiting behind another's fetch can still give up when its ctx ends.
	lock     chan struct{}
	services map[string]string // TLD or domain suffix → base URL without "/"
	ev       sources.Evidence
	fetched  time.Time
}

var (
	bootMu    sync.Mutex
	bootByURL = map[string]*bootstrap{}
)

// sharedBootstrap returns the process-wide cache entry for a bootstrap URL.
func sharedBootstrap(u string) *bootstrap {
	bootMu.Lock()
	defer bootMu.Unlock()
	b, ok := bootByURL[u]
	if !ok {
		b = &bootstrap{url: u, ttl: BootstrapTTL, now: time.Now, lock: make(chan struct{}, 1)}
		bootByURL[u] = b
	}
	return b
}

// serverFor returns the RDAP base URL (without trailing "/") for domain, or
// "" when its TLD has no RDAP service. Configured servers win over SIDN for
// .nl, which wins over the bootstrap file. A bootstrap file read for this
// lookup, or that is the reason nothing was asked, is added to res.
func (s *Source) serverFor(ctx context.Context, res *sources.Result, domain string) (string, error) {
	if base, ok := longestMatch(s.cfg.TLDServers, domain); ok {
		return strings.TrimRight(base, "/"), nil
	}
	if strings.HasSuffix(domain, ".nl") {
		return s.cfg.BaseURL, nil
	}
	services, ev, fresh, err := s.boot.get(ctx, s.fetchBootstrap)
	if err != nil {
		return "", err
	}
	if fresh {
		res.Evidence = append(res.Evidence, ev)
	}
	base, ok := longestMatch(services, domain)
	if !ok {
		if !fresh {
			res.Evidence = append(res.Evidence, ev)
		}
		return "", nil
	}
	return base, nil
}

// longestMatch finds the entry for the longest label-wise suffix of domain
// (RFC 9224 §4: "sub.example.net" before "net").
func longestMatch(m map[string]string, domain string) (string, bool) {
	if len(m) == 0 {
		return "", false
	}
	name := domain
	for {
		if v, ok := m[name]; ok && v != "" {
			return v, true
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return "", false
		}
		name = name[i+1:]
	}
}

// get returns the cached services, fetching them when absent or stale;
// fresh tells whether this call fetched them.
func (b *bootstrap) get(ctx context.Context, fetch func(context.Context) (map[string]string, sources.Evidence, error)) (map[string]string, sources.Evidence, bool, error) {
	select {
	case b.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, sources.Evidence{}, false, fmt.Errorf("rdap: waiting for the bootstrap file: %w", ctx.Err())
	}
	defer func() { <-b.lock }()
	if b.services != nil && b.now().Sub(b.fetched) < b.ttl {
		return b.services, b.ev, false, nil
	}
	services, ev, err := fetch(ctx)
	if err != nil {
		return nil, sources.Evidence{}, false, err
	}
	b.services, b.ev, b.fetched = services, ev, b.now()
	return services, ev, true, nil
}

// fetchBootstrap reads and parses the bootstrap file through egress.
func (s *Source) fetchBootstrap(ctx context.Context) (map[string]string, sources.Evidence, error) {
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BootstrapURL,
		Header:  http.Header{"Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, sources.Evidence{}, fmt.Errorf("rdap: fetching bootstrap file: %w", err)
	}
	if err := checkStatus(resp); err != nil {
		return nil, sources.Evidence{}, fmt.Errorf("rdap: fetching bootstrap file (check sources.rdap.bootstrap_url): %w", err)
	}
	services, err := ParseBootstrap(resp.Body)
	if err != nil {
		return nil, sources.Evidence{}, fmt.Errorf("rdap: reading bootstrap file: %w: %w", err, asynq.SkipRetry)
	}
	return services, sources.EvidenceOf(Name, KindBootstrap, resp), nil
}

// ParseBootstrap reads an RFC 9224 DNS bootstrap file into a map from TLD
// (or domain suffix) to base URL without trailing "/". Of a service's URLs
// the first https one is taken, else the first http one.
func ParseBootstrap(body []byte) (map[string]string, error) {
	var f struct {
		Services *[][][]string `json:"services"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, fmt.Errorf("services must be a list of [[entries…], [urls…]]: %w", err)
	}
	if f.Services == nil {
		return nil, fmt.Errorf("no services member")
	}
	if len(*f.Services) > maxServices {
		return nil, fmt.Errorf("%d services, more than the %d expected", len(*f.Services), maxServices)
	}
	out := map[string]string{}
	for _, svc := range *f.Services {
		if len(svc) < 2 {
			continue
		}
		base := pickURL(svc[len(svc)-1])
		if base == "" {
			continue
		}
		for _, entry := range svc[len(svc)-2] {
			entry = strings.ToLower(strings.Trim(strings.TrimSpace(entry), "."))
			if entry != "" && len(entry) <= maxEntryLen {
				out[entry] = base
			}
		}
	}
	return out, nil
}

func pickURL(urls []string) string {
	var http string
	for i, raw := range urls {
		if i >= maxServiceURLs {
			break
		}
		u, err := url.Parse(raw)
		if err != nil || len(raw) > maxURLLen || u.Host == "" || u.User != nil {
			continue
		}
		base := strings.TrimRight(raw, "/")
		switch u.Scheme {
		case "https":
			return base
		case "http":
			if http == "" {
				http = base
			}
		}
	}
	return http
}
