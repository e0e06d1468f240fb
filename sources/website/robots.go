package website

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/temoto/robotstxt"

	"verrijk/egress"
	"verrijk/sources"
)

// robotsAgent is the group of robots.txt that applies to us: verrijk names
// no crawler of its own, so the rules for everyone.
const robotsAgent = "*"

// robots is what one origin's robots.txt allows; nil data allows all.
type robots struct {
	data  *robotstxt.RobotsData
	delay time.Duration // Crawl-delay, capped
}

// allowed reports whether robots.txt lets us fetch u, reading the origin's
// robots.txt on first use. With respect_robots off everything is allowed.
func (c *crawl) allowed(u *url.URL) (bool, error) {
	if c.s.cfg.IgnoreRobots {
		return true, nil
	}
	origin := u.Scheme + "://" + u.Host
	r, ok := c.robots[origin]
	if !ok {
		var final string
		var err error
		r, final, err = c.readRobots(origin, u.Host)
		if err != nil {
			c.robots[origin] = &robots{data: disallowAll} // not asked again in this crawl
			return false, err
		}
		c.robots[origin] = r
		if _, known := c.robots[final]; !known && final != "" {
			// example.nl/robots.txt redirected to www.example.nl: the same
			// rules serve www.example.nl without asking again.
			c.robots[final] = r
		}
	}
	if r.data == nil {
		return true, nil
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return r.data.TestAgent(path, robotsAgent), nil
}

// disallowAll stands for a robots.txt that could not be read.
var disallowAll, _ = robotstxt.FromStatusAndBytes(http.StatusInternalServerError, nil)

// readRobots fetches and reads origin's robots.txt, keeping it as
// evidence when there is one, and returns the origin it was finally read
// from. As RFC 9309 and Google have it: a 4xx means no rules, a 5xx means
// the site is not crawled now; its redirects are followed (within
// egress's limits) wherever they go.
func (c *crawl) readRobots(origin, host string) (*robots, string, error) {
	r, resp, err := c.fetchRobots(origin, host)
	final := ""
	if resp != nil {
		if u, perr := url.Parse(resp.URL); perr == nil {
			final = u.Scheme + "://" + u.Host
		}
	}
	return r, final, err
}

func (c *crawl) fetchRobots(origin, host string) (*robots, *egress.Response, error) {
	if err := c.pause(host); err != nil {
		return nil, nil, err
	}
	resp, err := c.s.client.Do(c.budget, egress.Request{
		Source: Name, URL: origin + "/robots.txt", Timeout: c.timeout, MaxBytes: maxRobotsBytes,
		Header: http.Header{"Accept": {"text/plain, */*;q=0.5"}},
	})
	c.lastAt[host] = time.Now()
	if err != nil {
		if c.budget.Err() != nil && c.ctx.Err() == nil {
			return nil, nil, fmt.Errorf("reading robots.txt: %w: %w", errBudget, err)
		}
		if transportOnly(err) {
			return nil, nil, &unreachableError{fmt.Errorf("reading robots.txt: %w", err)}
		}
		return nil, nil, fmt.Errorf("reading robots.txt: %w", err)
	}
	var rl *egress.RateLimited
	switch status := egress.CheckStatus(resp); {
	case errors.As(status, &rl):
		return nil, resp, fmt.Errorf("reading robots.txt: %w", status)
	case resp.Status >= 500:
		return nil, resp, fmt.Errorf("reading robots.txt: %w; the site is not crawled until it answers", status)
	case resp.Status < 200 || resp.Status >= 300:
		return &robots{}, resp, nil // no robots.txt: no rules
	}
	if resp.Status == http.StatusOK {
		c.keepOnce(sources.EvidenceOf(Name, KindRobots, resp))
	}
	data, err := robotstxt.FromBytes(resp.Body)
	if err != nil {
		// Lines it cannot read are ignored by major crawlers; this parser
		// gives up on the whole file instead, so do as they do: no rules.
		return &robots{}, resp, nil
	}
	return &robots{data: data, delay: min(data.FindGroup(robotsAgent).CrawlDelay, maxCrawlDelay)}, resp, nil
}
