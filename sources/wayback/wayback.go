// Package wayback is the adapter for the Internet Archive's Wayback Machine
// CDX server: a website's capture history (first seen, last seen, how
// often its content changed). No key.
//
// What the service does, as learned from its documentation and source
// (internetarchive/wayback, wayback-cdx-server: README, CDXServer.java,
// CDXQuery.java, JsonWriter.java) and recorded answers:
//   - GET /cdx/search/cdx; url is the only required parameter (without it:
//     400, text "url parameter is required"). Parameters are read by name
//     and anything else is ignored, as is an unknown matchType value (it
//     falls back to exact) or a malformed number.
//   - matchType: exact (default; one SURT key, so http/https, a port and a
//     leading "www." all match), prefix, host, or domain (the host and all
//     its subdomains). "*.example.nl" means matchType=domain.
//   - output=json gives an array of arrays whose first row is the header
//     naming the fl fields, e.g. ["timestamp","original","statuscode","digest"];
//     every value is a string. Nothing found is "[]" (some report an empty
//     body; both are an empty answer here).
//   - Rows are sorted by SURT key, then timestamp (YYYYMMDDhhmmss, UTC). For
//     a domain query the first rows are the bare host's pages, oldest first,
//     not the oldest captures of the whole domain.
//   - collapse=digest drops a row whose digest equals the previous row's
//     (adjacent only). limit=N gives the first N rows, limit=-N the last N;
//     limit=-1 reads the index backwards and is cheap for an exact url
//     (fastLatest=true says so explicitly).
//   - A site excluded from the archive answers 403 with a text body such as
//     "org.archive.util.io.RuntimeIOException: …AdministrativeAccessControlException:
//     Blocked Site Error" (robots exclusions name RobotAccessControlException).
//   - Limits: the Archive enforces about 60 CDX requests a minute per client
//     and blocks clients that keep going past 429s; it asks tools to stay at
//     80% of that. CDX answers can take tens of seconds.
//
// One lookup reads at most two answers. The first asks the subject's
// captures oldest first, collapsed by digest, up to Limit rows (kind
// wayback.cdx): a domain with its subdomains, or exactly the page of a url.
// Only when that answer was cut off at Limit does a second request ask for
// the latest capture of the exact url or the domain's home page (limit=-1,
// fastLatest=true; kind wayback.latest): cheap for the Archive, and the
// last capture is then known without paging through the history.
package wayback

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "wayback"

// Evidence kinds this adapter produces.
const (
	KindCDX     = "wayback.cdx"     // the capture history, oldest first
	KindLatest  = "wayback.latest"  // the latest capture, when the history was cut off
	KindBlocked = "wayback.blocked" // the Archive excludes the site (403)
)

const (
	// DefaultBaseURL is the Wayback Machine.
	DefaultBaseURL = "https://web.archive.org"
	// Limit caps the rows of the history request: enough to date a site
	// and count its versions, small enough to be a light query.
	Limit = 500
	// Fields are the CDX fields asked for, in this order.
	Fields = "timestamp,original,statuscode,digest"
	// DefaultTimeout allows for the CDX server's slow domain queries.
	DefaultTimeout = 45 * time.Second
	// DefaultCacheTTL: a site's archive history changes slowly, and every
	// request saved is load taken off a shared public service.
	DefaultCacheTTL = 24 * time.Hour
)

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config {
	return sources.Config{BaseURL: DefaultBaseURL, Timeout: DefaultTimeout, CacheTTL: DefaultCacheTTL}
}

// Source looks up a website's capture history in the Wayback Machine.
type Source struct {
	client *egress.Client
	cfg    sources.Config
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; empty fields of cfg take Defaults().
func New(c *egress.Client, cfg sources.Config) *Source {
	cfg = cfg.WithDefaults(Defaults())
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Source{client: c, cfg: cfg}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source: domains and urls.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Domain || t == subject.URL }

// Fetch reads the subject's capture history and, when that was cut off at
// Limit, its latest capture.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	target, err := target(subj)
	if err != nil {
		return nil, fmt.Errorf("wayback: %w: %w", err, asynq.SkipRetry)
	}
	res := &sources.Result{}
	rows, err := s.get(ctx, res, HistoryQuery(subj.Type, target), KindCDX, "reading capture history")
	if err != nil || rows == 0 {
		return res, err
	}
	res.Found = true
	if rows >= Limit {
		_, err = s.get(ctx, res, LatestQuery(target), KindLatest, "reading latest capture")
	}
	return res, err
}

// target checks the subject again (it comes from a queue, which is input
// like any other) and returns its canonical value.
func target(subj subject.Subject) (string, error) {
	if subj.Type != subject.Domain && subj.Type != subject.URL {
		return "", fmt.Errorf("subject type %q is not supported", subj.Type)
	}
	s, err := subject.Parse(subj.Type, subj.Value)
	if err != nil {
		return "", err
	}
	return s.Value, nil
}

// HistoryQuery asks for a subject's captures oldest first: a domain with
// all its subdomains, a url exactly.
func HistoryQuery(t subject.Type, target string) url.Values {
	q := url.Values{}
	q.Set("url", target)
	if t == subject.Domain {
		q.Set("matchType", "domain")
	}
	q.Set("output", "json")
	q.Set("fl", Fields)
	q.Set("collapse", "digest")
	q.Set("limit", strconv.Itoa(Limit))
	return q
}

// LatestQuery asks for the latest capture of target as an exact url; for a
// domain that is its home page. fastLatest only helps exact queries, and
// reading a whole domain backwards would be slow for the Archive.
func LatestQuery(target string) url.Values {
	q := url.Values{}
	q.Set("url", target)
	q.Set("output", "json")
	q.Set("fl", Fields)
	q.Set("limit", "-1")
	q.Set("fastLatest", "true")
	return q
}
