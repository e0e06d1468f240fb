// Package social is the adapter for public profile pages on social media:
// Facebook pages, Instagram, TikTok, X, LinkedIn company pages and
// YouTube. It reads one profile page per lookup, anonymously, and keeps
// its raw HTML as evidence; the pipeline reads OpenGraph, JSON-LD and
// outbound links from it.
//
// It never logs in, never solves a captcha and never clicks through a
// consent or cookie wall. A platform that puts one of those in front of
// the profile gives a *sources.NotAvailableError, which the worker records
// as a skipped task ("not publicly available") without retrying:
//   - a redirect to a login page (/login, /accounts/login, /i/flow/login,
//     LinkedIn's /authwall, /checkpoint) or to a consent host;
//   - 401, 403 and LinkedIn's 999; a 403 or 429 with a captcha page;
//   - a page without any public profile data (no og:title, no JSON-LD)
//     that asks for a password, shows a captcha or a consent question.
//
// A plain 429 stays *egress.RateLimited: the platform only asks us to wait.
// A 404 is Found false. A social subject (social:instagram/acme) or a URL
// of a profile on one of the platforms is read at the platform's site; the
// sites are configurable per platform (sources.social.platforms) so tests
// and demos can point at a local replay. A URL elsewhere is no profile:
// Found false, nothing asked.
package social

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "social"

// KindProfile is the evidence of one public profile page: Body the raw
// HTML, URL the profile URL as finally read.
const KindProfile = "social.profile"

// maxProfileBytes caps a profile page; the platforms' pages are large
// (inline scripts), but not this large.
const maxProfileBytes = 5 << 20

// Defaults is the configuration used when config leaves a field empty:
// every platform at its public site.
func Defaults() sources.Config { return sources.Config{} }

// Source reads public profile pages.
type Source struct {
	client *egress.Client
	cfg    sources.Config
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; cfg.Platforms overrides single platforms' sites.
func New(c *egress.Client, cfg sources.Config) *Source {
	return &Source{client: c, cfg: cfg.WithDefaults(Defaults())}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source: social handles, and URLs (only
// profile URLs on the platforms are read).
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Social || t == subject.URL }

// Fetch reads the profile page.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	p, ok, err := profileOf(subj)
	if err != nil {
		return nil, fmt.Errorf("social: %w: %w", err, asynq.SkipRetry)
	}
	if !ok {
		return &sources.Result{}, nil // a URL that is no profile on a platform
	}
	target := s.baseURL(p.platform) + p.path
	resp, err := s.client.Do(ctx, egress.Request{
		Source: Name, URL: target, Timeout: s.cfg.Timeout, MaxBytes: maxProfileBytes,
		Header: http.Header{"Accept": {"text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}},
	})
	if err != nil {
		return nil, fmt.Errorf("social: %s: %w", p, err)
	}
	page := readPage(resp)
	if reason := wall(target, resp, page); reason != "" {
		return nil, fmt.Errorf("social: %s: %w", p, &sources.NotAvailableError{Reason: reason})
	}
	switch {
	case resp.Status == http.StatusOK && page.html && page.profile:
		return &sources.Result{Found: true, Evidence: []sources.Evidence{sources.EvidenceOf(Name, KindProfile, resp)}}, nil
	case resp.Status == http.StatusOK && page.html:
		return nil, fmt.Errorf("social: %s: %w", p, &sources.NotAvailableError{Reason: "the page shows no public profile"})
	case resp.Status == http.StatusOK:
		return nil, fmt.Errorf("social: %s: the answer is not a web page (content type %q): %w",
			p, sources.Clip(resp.Header.Get("Content-Type"), 64), asynq.SkipRetry)
	case resp.Status == http.StatusNotFound || resp.Status == http.StatusGone:
		return &sources.Result{}, nil // no such profile
	}
	return nil, fmt.Errorf("social: %s: %w", p, sources.CheckStatus(resp, sources.StatusWords{}))
}

// profileOf reads the profile a subject names; ok is false for a URL that
// is no profile on a platform.
func profileOf(subj subject.Subject) (profile, bool, error) {
	// Parse again: the value may come from a follow-up or an old record.
	v, err := subject.Parse(subj.Type, subj.Value)
	if err != nil {
		return profile{}, false, err
	}
	switch v.Type {
	case subject.Social:
		name, handle, _ := strings.Cut(v.Value, "/")
		p, ok := platforms[name]
		if !ok || !validHandle(handle) {
			return profile{}, false, fmt.Errorf("%s: platform %q is not read by this source", v, name)
		}
		return profile{platform: name, handle: handle, path: p.path(handle)}, true, nil
	case subject.URL:
		u, err := url.Parse(v.Value)
		if err != nil {
			return profile{}, false, fmt.Errorf("url does not parse: %w", err)
		}
		return profileFromURL(u)
	default:
		return profile{}, false, fmt.Errorf("subject type %q is not supported", subj.Type)
	}
}

// baseURL is the site a platform's profiles are read from.
func (s *Source) baseURL(name string) string {
	if b := s.cfg.Platforms[name]; b != "" {
		return strings.TrimRight(b, "/")
	}
	return platforms[name].base
}
