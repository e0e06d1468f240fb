package pipeline

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// The Wayback Machine's answers describe a website's history, which belongs
// to its registrable domain: the Domain entity gets the same id as the
// registration data (rdap), so both merge into one profile.
const (
	// waybackMaxCaptures caps the archiveCapture entries: a sample across
	// the history, enough to open the site as it was at any period.
	waybackMaxCaptures = 50
	waybackMaxStatuses = 20
	// waybackReplay is the public replay prefix; evidence from a mirror or
	// a replay server still points analysts at the real archive.
	waybackReplay = "https://web.archive.org/web/"
)

// normalizeWaybackCDX reads a capture history (oldest first): first
// capture, number of versions, last capture unless the answer was cut off
// at its limit, a sample of captures and the status codes seen.
func normalizeWaybackCDX(ev sources.Evidence) ([]entity.Entity, error) {
	return waybackEntities(ev, false)
}

// normalizeWaybackLatest reads the answer with the latest capture, asked
// when the history was cut off: it only knows the last capture.
func normalizeWaybackLatest(ev sources.Evidence) ([]entity.Entity, error) {
	return waybackEntities(ev, true)
}

func waybackEntities(ev sources.Evidence, latest bool) ([]entity.Entity, error) {
	caps, rows, err := readWaybackCDX(ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading wayback cdx: %w", err)
	}
	domain := waybackQueryDomain(ev.URL)
	caps, domain = waybackInDomain(caps, domain)
	if len(caps) == 0 {
		return nil, nil
	}
	sort.SliceStable(caps, func(i, j int) bool { return caps[i].at.Before(caps[j].at) })

	b := newBuilder(ev)
	e := b.get(entity.SchemaDomain, entity.MakeID(entity.SchemaDomain, "domain", domain))
	e.Add("name", domain)
	if !latest {
		e.Add("archiveFirstCapture", caps[0].at.Format(time.RFC3339))
		if n := waybackVersions(caps); n > 0 {
			e.Add("archiveVersions", strconv.Itoa(n))
		}
	}
	// A history cut off at its limit does not reach the last capture;
	// the latest answer beside it does.
	if latest || !waybackCutOff(ev.URL, rows) {
		e.Add("archiveLastCapture", caps[len(caps)-1].at.Format(time.RFC3339))
	}
	for _, c := range waybackSample(caps) {
		if c.original != "" {
			e.Add("archiveCapture", c.at.Format(time.RFC3339)+" "+waybackReplay+c.at.Format("20060102150405")+"/"+c.original)
		}
	}
	for _, c := range caps {
		if c.status != "" && len(e.Properties["archiveStatusCodes"]) < waybackMaxStatuses {
			e.Add("archiveStatusCodes", c.status)
		}
	}
	return b.entities(), nil
}

// normalizeWaybackBlocked records that the archive excludes the site (a
// 403 naming an access-control exception): worth knowing, since owners
// ask for exclusion. The domain comes from the request; without it there
// is nothing to attach the fact to.
func normalizeWaybackBlocked(ev sources.Evidence) ([]entity.Entity, error) {
	domain := waybackQueryDomain(ev.URL)
	if domain == "" {
		return nil, nil
	}
	reason := "excluded"
	line, _, _ := strings.Cut(string(ev.Body[:min(len(ev.Body), 1024)]), "\n")
	if i := strings.LastIndex(line, "Exception: "); i >= 0 {
		if r := waybackClip(line[i+len("Exception: "):], 120); r != "" {
			reason = r
		}
	}
	b := newBuilder(ev)
	e := b.get(entity.SchemaDomain, entity.MakeID(entity.SchemaDomain, "domain", domain))
	e.Add("name", domain)
	e.Add("archiveExcluded", reason)
	return b.entities(), nil
}

// waybackQueryDomain is the registrable domain of the url parameter of a
// CDX request ("*.shop.example.nl", "https://www.example.nl/contact"), or
// "" when the evidence URL has none.
func waybackQueryDomain(evURL string) string {
	u, err := url.Parse(evURL)
	if err != nil {
		return ""
	}
	target := strings.TrimSuffix(strings.TrimPrefix(u.Query().Get("url"), "*."), "*")
	return waybackHostDomain(target)
}

// waybackHostDomain returns the registrable domain of a url or bare host,
// in canonical (punycode) form; "" for IP addresses and garbage.
func waybackHostDomain(s string) string {
	if s == "" || len(s) > 2048 {
		return ""
	}
	host := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return ""
		}
		host = u.Hostname()
	} else {
		host, _, _ = strings.Cut(host, "/")
		host, _, _ = strings.Cut(host, "?")
		host, _, _ = strings.Cut(host, ":")
	}
	d, err := subject.Parse(subject.Domain, host)
	if err != nil {
		return ""
	}
	reg, err := subject.RegistrableDomain(d.Value)
	if err != nil {
		return ""
	}
	return reg
}

// waybackInDomain keeps the captures of domain; without a domain from the
// request, the first capture with a usable url decides. A capture of
// another host (or an IP address) is dropped: an answer is hostile input,
// and someone else's site must not land on this profile. A capture without
// a usable url stays, since the server put it in the query's scope: its
// date counts, it just gets no replay link.
func waybackInDomain(caps []waybackCapture, domain string) ([]waybackCapture, string) {
	for _, c := range caps {
		if domain != "" {
			break
		}
		domain = waybackHostDomain(c.original)
	}
	if domain == "" {
		return nil, ""
	}
	var out []waybackCapture
	for _, c := range caps {
		if c.original == "" || waybackHostDomain(c.original) == domain {
			out = append(out, c)
		}
	}
	return out, domain
}

// waybackCutOff reports whether the answer has as many rows as the
// request's limit, so more captures may exist past it.
func waybackCutOff(evURL string, rows int) bool {
	u, err := url.Parse(evURL)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(u.Query().Get("limit"))
	return err == nil && n > 0 && rows >= n
}

// waybackVersions counts distinct content digests.
func waybackVersions(caps []waybackCapture) int {
	seen := map[string]bool{}
	for _, c := range caps {
		if c.digest != "" {
			seen[c.digest] = true
		}
	}
	return len(seen)
}

// waybackSample picks up to waybackMaxCaptures captures spread evenly over
// the history, always with the first and the last.
func waybackSample(caps []waybackCapture) []waybackCapture {
	n := len(caps)
	if n <= waybackMaxCaptures {
		return caps
	}
	out := make([]waybackCapture, 0, waybackMaxCaptures)
	for i := range waybackMaxCaptures {
		out = append(out, caps[i*(n-1)/(waybackMaxCaptures-1)])
	}
	return out
}
