package egress

import (
	"github.com/gocolly/colly/v2"
)

// Collector returns a colly collector whose every request goes through c on
// behalf of source (see RoundTripper), with nothing of colly's own left
// that could reach out or remember: no transport, no cookie jar, no disk
// cache, no robots.txt fetch behind our back, and no settings read from
// COLLY_* environment variables. It is the only way code outside egress
// may get a collector (a test scanning the source tree holds it to that).
//
// The caller sets crawl limits (MaxDepth, MaxRequests, AllowedDomains)
// and callbacks; it must not call WithTransport, SetCookieJar or
// SetClient, which would undo the above. One collector serves one lookup:
// its visited-URL memory must not outlive the task.
func (c *Client) Collector(source string, opts ...RoundTripOption) *colly.Collector {
	// Init rather than colly.NewCollector: the constructor applies COLLY_*
	// environment variables, which could switch on a disk cache of pages
	// (evidence outside the store and its retention) or lift limits.
	col := &colly.Collector{}
	col.Init()
	col.WithTransport(c.RoundTripper(source, opts...))
	col.DisableCookies()
	// Do bounds each exchange (Request.Timeout) and every wait (the
	// caller's context); a second, shorter clock in colly's http.Client
	// would cut off requests queued behind the rate limiter.
	col.SetRequestTimeout(0)
	col.UserAgent = c.cfg.UserAgent // Do sets it anyway; this keeps colly's own from ever showing
	col.IgnoreRobotsTxt = true      // colly would fetch robots.txt outside the caller's context
	col.MaxBodySize = int(min(c.cfg.MaxResponseBytes, int64(^uint(0)>>1)))
	col.CacheDir = ""
	return col
}
