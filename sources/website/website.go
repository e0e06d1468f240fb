// Package website is the adapter for a company's own website. It crawls
// from the subject's URL, or a domain's home page, with colly through the
// egress client, and keeps every HTML page it read as evidence for the
// pipeline's extractors (KvK and BTW numbers, IBANs, phone numbers,
// addresses, social links, JSON-LD).
//
// How it crawls, and why:
//   - Same registrable domain only (www.example.nl and shop.example.nl are
//     one site; example.com is another), decided with the public suffix
//     list. Redirects off the site are refused before the other site is
//     asked; links off the site are never followed.
//   - robots.txt is read first and honoured (sources.website.respect_robots,
//     default true) for the group "*": verrijk names no crawler of its own.
//     A 4xx robots.txt allows everything, a 5xx stops the crawl until the
//     site answers again (as Google does). Its Crawl-delay is honoured up
//     to 10s. A robots.txt that was read is kept as evidence.
//   - Breadth first from the start page, at most max_depth links deep
//     (default 2) and max_pages requests (default 20), with a pause of
//     delay (default 1s) between two requests to one host, all within a
//     crawl budget of three request timeouts so a slow site cannot hold a
//     worker. A page whose answer ran into the budget ends the crawl with
//     what was read so far.
//   - Only text/html pages are kept; links to files with binary extensions
//     (.pdf, .jpg, .zip …) are not fetched at all, and answers of another
//     content type are dropped. Everything read is hostile input: pages
//     are capped at 5 MiB, a crawl keeps at most 20 MiB, at most 200 links
//     per page are looked at, and URLs longer than 2048 characters are
//     ignored.
//   - A domain subject starts at https://domain/; when that site cannot be
//     reached at all (no TLS, nothing listening) it tries https://www.domain/,
//     then the same over plain http, since many small company sites have no
//     working https. A domain that resolves nowhere or where nothing
//     listens has no website: Found false. A URL subject is crawled as
//     given.
//   - Profile pages on the social platforms are the social source's: a URL
//     subject there is not crawled (Found false, nothing asked).
package website

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/social"
)

// Name is the source's name in config, queues and evidence.
const Name = "website"

// Evidence kinds: one KindPage per HTML page read (Body the raw HTML, URL
// the final page URL, Status 200), and KindRobots for a robots.txt read.
const (
	KindPage   = "website.page"
	KindRobots = "website.robots"
)

// Defaults of the crawl limits (sources.website.max_depth, max_pages).
const (
	DefaultMaxDepth = 2
	DefaultMaxPages = 20
)

// Caps on hostile input.
const (
	maxPageBytes    = 5 << 20
	maxRobotsBytes  = 512 << 10 // Google reads the first 500 KiB
	maxCrawlBytes   = 20 << 20  // kept per crawl, all pages together
	maxLinksPerPage = 200
	maxURLLength    = 2048
	maxCrawlDelay   = 10 * time.Second
	budgetTimeouts  = 3 // the crawl's budget, in request timeouts
)

// Defaults is the configuration used when config leaves a field empty.
// There is no base_url: the subject is the address.
func Defaults() sources.Config {
	return sources.Config{MaxDepth: DefaultMaxDepth, MaxPages: DefaultMaxPages}
}

// Source crawls company websites.
type Source struct {
	client *egress.Client
	cfg    sources.Config
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; empty fields of cfg take Defaults(). Delay is
// taken as given (0: no pause), see sources.Config.
func New(c *egress.Client, cfg sources.Config) *Source {
	return &Source{client: c, cfg: cfg.WithDefaults(Defaults())}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source: web addresses and domain names.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.URL || t == subject.Domain }

// Fetch crawls the site and returns one evidence per HTML page read, plus
// the robots.txt. Found is true when at least one page was read; a start
// page that does not exist (404, 410) is Found false, not an error.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	starts, err := startURLs(subj)
	if err != nil {
		return nil, fmt.Errorf("website: %w: %w", err, asynq.SkipRetry)
	}
	if len(starts) == 0 {
		return &sources.Result{}, nil // a social profile: not a website to crawl
	}
	timeout := s.cfg.Timeout
	if timeout <= 0 {
		timeout = egress.DefaultTimeout
	}
	budget, cancel := context.WithTimeout(ctx, budgetTimeouts*timeout)
	defer cancel()
	absent := true // every start so far found no site at all
	for i, start := range starts {
		res, err := newCrawl(s, ctx, budget, start, timeout).run()
		absent = absent && err != nil && noSite(err)
		if err != nil && i+1 < len(starts) && unreachable(err) && budget.Err() == nil {
			continue // try the next way to reach the site
		}
		if err != nil && absent && subj.Type == subject.Domain {
			// No name in DNS and nothing listening, however asked: a
			// domain without a website (many only carry e-mail).
			return &sources.Result{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("website: %s: %w", egress.RedactURL(start.String()), err)
		}
		return res, nil
	}
	return &sources.Result{}, nil // not reached: the last start returns
}

// noSite reports an error that means nobody serves the host: its name does
// not resolve, or nothing accepts connections there.
func noSite(err error) bool {
	var dns *net.DNSError
	return unreachable(err) && (errors.As(err, &dns) && dns.IsNotFound || errors.Is(err, syscall.ECONNREFUSED))
}

// startURLs turns the subject into the URLs to try, in order: the URL
// itself, or the ways a domain's home page may be served. Nothing (and no
// error) for a profile on a social platform.
func startURLs(subj subject.Subject) ([]*url.URL, error) {
	// Parse again: the value may come from a follow-up or an old record.
	p, err := subject.Parse(subj.Type, subj.Value)
	if err != nil {
		return nil, err
	}
	switch p.Type {
	case subject.URL:
		u, err := url.Parse(p.Value)
		if err != nil {
			return nil, fmt.Errorf("url %q does not parse: %w", p.Value, err)
		}
		if social.IsPlatformHost(u.Hostname()) {
			return nil, nil
		}
		return []*url.URL{u}, nil
	case subject.Domain:
		if social.IsPlatformHost(p.Value) {
			return nil, nil
		}
		hosts := []string{p.Value}
		if !hasWWW(p.Value) {
			hosts = append(hosts, "www."+p.Value)
		}
		var out []*url.URL
		for _, scheme := range []string{"https", "http"} {
			for _, h := range hosts {
				out = append(out, &url.URL{Scheme: scheme, Host: h, Path: "/"})
			}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("subject type %q is not supported", subj.Type)
	}
}

func hasWWW(host string) bool { return len(host) > 4 && host[:4] == "www." }
