package website

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"
	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// depthKey holds a page's link depth in its colly context.
const depthKey = "depth"

// maxFrontier bounds the links waiting to be visited; a crawl of at most
// max_pages pages never needs more.
const maxFrontier = 4000

// queued is a page waiting to be visited, depth links from the start.
type queued struct {
	url   string
	depth int
}

// crawl is one lookup's walk over a site. It runs in one goroutine: colly
// is synchronous here, and the frontier is ours, so that the walk is
// breadth first and every visit's outcome is seen by the loop.
type crawl struct {
	s       *Source
	ctx     context.Context // the lookup's; its end is the caller's doing
	budget  context.Context // ctx, bounded by the crawl budget
	start   *url.URL
	site    site
	timeout time.Duration
	col     *colly.Collector

	res      sources.Result
	robots   map[string]*robots   // by origin, scheme://host
	lastAt   map[string]time.Time // last request per host, for the pause
	frontier []queued
	seen     map[string]bool
	visits   int
	kept     int64

	answer *egress.Response // of the visit under way, as egress read it
	sent   bool             // the visit under way reached the network
}

func newCrawl(s *Source, ctx, budget context.Context, start *url.URL, timeout time.Duration) *crawl {
	c := &crawl{s: s, ctx: ctx, budget: budget, start: start, site: siteOf(start), timeout: timeout,
		robots: map[string]*robots{}, lastAt: map[string]time.Time{}, seen: map[string]bool{}}
	c.col = s.client.Collector(Name,
		egress.WithTimeout(timeout),
		egress.WithMaxBytes(maxPageBytes),
		egress.WithRedirectCheck(c.site.check),
		egress.WithResponses(func(r *egress.Response) {
			c.answer = r
			c.seen[r.URL] = true // a redirect's target is visited too
		}))
	c.col.Context = budget
	c.col.OnRequest(func(*colly.Request) { c.sent = true })
	c.col.OnHTML("html", c.links)
	return c
}

// errBudget ends a crawl that used up its time.
var errBudget = errors.New("the crawl used up its time budget")

// unreachableError is a start that got no HTTP answer at all (nothing
// listening, no TLS, no such host): the next way to reach the site may work.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

func unreachable(err error) bool {
	var u *unreachableError
	return errors.As(err, &u)
}

// run walks the site breadth first and returns what it read.
func (c *crawl) run() (*sources.Result, error) {
	c.enqueue(c.start.String(), 0)
	for len(c.frontier) > 0 && c.visits < c.s.cfg.MaxPages && c.kept < maxCrawlBytes {
		q := c.frontier[0]
		c.frontier = c.frontier[1:]
		first := c.visits == 0
		u, err := url.Parse(q.url)
		if err != nil {
			continue
		}
		ok, err := c.allowed(u)
		switch {
		case err != nil && first:
			return nil, err
		case err != nil && c.ctx.Err() != nil:
			return nil, err
		case err != nil:
			continue // another host of the site with a broken robots.txt
		case !ok && first:
			return nil, &sources.NotAvailableError{Reason: "robots.txt disallows crawling the site"}
		case !ok:
			continue
		}
		if err := c.pause(u.Host); err != nil {
			if first || c.ctx.Err() != nil {
				return nil, err
			}
			break
		}
		stop, err := c.visit(q, first)
		if err != nil {
			return nil, err
		}
		if stop {
			break
		}
	}
	c.res.Found = c.pages() > 0
	return &c.res, nil
}

// visit fetches one page, keeps it when it is HTML, and reports whether
// the crawl must stop. An error ends the whole lookup.
func (c *crawl) visit(q queued, first bool) (stop bool, err error) {
	c.answer, c.sent = nil, false
	ctx := colly.NewContext()
	ctx.Put(depthKey, q.depth)
	c.visits++
	reqErr := c.col.Request(http.MethodGet, q.url, nil, ctx, nil)
	if !c.sent {
		c.visits-- // colly had already seen it (a redirect target): nothing asked
		return false, nil
	}
	host := c.hostOf(q.url)
	c.lastAt[host] = time.Now()
	resp := c.answer
	if resp == nil {
		return c.failed(reqErr, first)
	}
	if first {
		return c.judgeStart(resp)
	}
	var rl *egress.RateLimited
	if errors.As(egress.CheckStatus(resp), &rl) {
		return true, nil // the site asked us to slow down: stop, keep what we have
	}
	if resp.Status == http.StatusOK && isHTML(resp) {
		return !c.keep(resp), nil
	}
	return false, nil
}

// failed handles a visit that got no answer at all.
func (c *crawl) failed(err error, first bool) (bool, error) {
	var held *egress.HeldError
	var off *offSiteError
	switch {
	case c.ctx.Err() != nil:
		return true, err
	case c.budget.Err() != nil && first:
		return true, fmt.Errorf("%w before the start page answered: %w", errBudget, err)
	case c.budget.Err() != nil:
		return true, nil // out of time: keep what was read
	case errors.As(err, &held) && first:
		return true, err
	case errors.As(err, &held):
		return true, nil
	case errors.As(err, &off) && first:
		return true, fmt.Errorf("the start page %w; look that site up instead: %w", off, asynq.SkipRetry)
	case first && transportOnly(err):
		return true, &unreachableError{err}
	case first:
		return true, err
	}
	return false, nil // one page of the site failed; the others may not
}

// transportOnly reports an error below HTTP that says nothing about the
// site itself: not a refusal of ours (guard, size cap), a hold or a
// cancellation.
func transportOnly(err error) bool {
	var blocked *egress.BlockedError
	var tooLarge *egress.TooLargeError
	var held *egress.HeldError
	return !errors.As(err, &blocked) && !errors.As(err, &tooLarge) && !errors.As(err, &held) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, asynq.SkipRetry)
}

// judgeStart decides about the start page's answer: the crawl goes on only
// from an HTML page. A missing page is an empty result, not an error.
func (c *crawl) judgeStart(resp *egress.Response) (bool, error) {
	switch {
	case resp.Status == http.StatusOK && isHTML(resp):
		c.keep(resp)
		return false, nil
	case resp.Status == http.StatusOK:
		return true, fmt.Errorf("the start page is not a web page (content type %q): %w",
			sources.Clip(resp.Header.Get("Content-Type"), 64), asynq.SkipRetry)
	case resp.Status >= 200 && resp.Status < 300,
		resp.Status == http.StatusNotFound, resp.Status == http.StatusGone:
		c.frontier = nil
		return true, nil
	}
	return true, sources.CheckStatus(resp, sources.StatusWords{
		Refused: "the site refused the crawl",
	})
}

// keep adds an HTML page to the evidence unless the crawl's byte budget
// is used up, and reports whether it was kept.
func (c *crawl) keep(resp *egress.Response) bool {
	if c.kept+int64(len(resp.Body)) > maxCrawlBytes {
		c.kept = maxCrawlBytes
		return false
	}
	c.kept += int64(len(resp.Body))
	c.keepOnce(sources.EvidenceOf(Name, KindPage, resp))
	return true
}

// keepOnce adds evidence unless the same bytes were kept already ("/" and
// "/index.html", one robots.txt reached from two hosts).
func (c *crawl) keepOnce(ev sources.Evidence) {
	for _, have := range c.res.Evidence {
		if have.SHA256 == ev.SHA256 {
			return
		}
	}
	c.res.Evidence = append(c.res.Evidence, ev)
}

func (c *crawl) pages() int {
	n := 0
	for _, ev := range c.res.Evidence {
		if ev.Kind == KindPage {
			n++
		}
	}
	return n
}

// links queues the page's links that stay on the site, up to the depth.
func (c *crawl) links(e *colly.HTMLElement) {
	depth, _ := e.Request.Ctx.GetAny(depthKey).(int)
	if depth >= c.s.cfg.MaxDepth {
		return
	}
	e.DOM.Find("a[href]").EachWithBreak(func(i int, a *goquery.Selection) bool {
		if i >= maxLinksPerPage {
			return false
		}
		href, _ := a.Attr("href")
		if len(href) > maxURLLength {
			return true
		}
		if u, ok := c.follow(e.Request.AbsoluteURL(href)); ok {
			c.enqueue(u, depth+1)
		}
		return true
	})
}

func (c *crawl) enqueue(u string, depth int) {
	if c.seen[u] || len(c.frontier) >= maxFrontier {
		return
	}
	c.seen[u] = true
	c.frontier = append(c.frontier, queued{u, depth})
}

// pause waits until host may be asked again: the configured delay, or the
// site's Crawl-delay when that is longer.
func (c *crawl) pause(host string) error {
	last, ok := c.lastAt[host]
	if !ok {
		return nil
	}
	delay := c.s.cfg.Delay
	for origin, r := range c.robots {
		if r.delay > delay && hostOfOrigin(origin) == host {
			delay = r.delay
		}
	}
	wait := time.Until(last.Add(delay))
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-c.budget.Done():
		if err := c.ctx.Err(); err != nil {
			return err
		}
		return errBudget
	}
}

func (c *crawl) hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}

func hostOfOrigin(origin string) string {
	if u, err := url.Parse(origin); err == nil {
		return u.Host
	}
	return ""
}
