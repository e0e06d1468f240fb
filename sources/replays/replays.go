// Package replays lists the replay server of every source in one table:
// each serves that source's recorded answers at the real paths, so verrijk
// can be demonstrated offline (`verrijk replay`) and tested end to end.
package replays

import (
	"fmt"
	"net/http"
	"strings"

	"verrijk/sources/bag/bagtest"
	"verrijk/sources/bekendmakingen/bekendmakingentest"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/opensanctions/opensanctionstest"
	"verrijk/sources/rdap/rdaptest"
	"verrijk/sources/rdw/rdwtest"
	"verrijk/sources/social"
	"verrijk/sources/social/socialtest"
	"verrijk/sources/wayback/waybacktest"
	"verrijk/sources/website/websitetest"
)

// Replay is one source's replay server.
type Replay struct {
	Source string
	// Port is where `verrijk replay` serves it; configs/offline-test.yaml
	// points the source there.
	Port int
	// Path is appended to the server's URL to make the source's base_url
	// (the SRU endpoint is the base itself, so it gets one of its own).
	Path string
	// New returns a fresh handler; it counts the requests it serves.
	New func() Handler
	// settings renders what points the source at the replay, when that is
	// not base_url (see Settings).
	settings func(url string) string
}

// Settings renders the settings of sources.<Source> that point the source
// at its replay listening at url, as YAML flow-mapping entries (no braces),
// e.g. `base_url: "http://127.0.0.1:18081"`. The website replay is reached
// as the source's proxy, since a crawl's addresses are the subjects'; the
// social replay serves every platform under its own prefix.
func (r Replay) Settings(url string) string {
	if r.settings != nil {
		return r.settings(url)
	}
	return fmt.Sprintf("base_url: %q", url+r.Path)
}

// Handler is a replay handler that counts what it was asked.
type Handler interface {
	http.Handler
	Requests() int
	RequestsTo(part string) int
}

// All is the table, in port order.
var All = []Replay{
	{"kvk", 18081, "", func() Handler { return kvktest.NewHandler() }, nil},
	{"bag", 18082, "", func() Handler { return bagtest.NewHandler() }, nil},
	{"rdw", 18083, "", func() Handler { return rdwtest.NewHandler() }, nil},
	{"bekendmakingen", 18084, "/sru", func() Handler { return bekendmakingentest.NewHandler() }, nil},
	{"rdap", 18085, "", func() Handler { return rdaptest.NewHandler() }, nil},
	{"wayback", 18086, "", func() Handler { return waybacktest.NewHandler() }, nil},
	{"opensanctions", 18087, "", func() Handler { return opensanctionstest.NewHandler() }, nil},
	{"website", 18088, "", func() Handler { return websitetest.NewHandler() }, websiteSettings},
	{"social", 18089, "", func() Handler { return socialtest.NewHandler() }, socialSettings},
}

// websiteSettings makes the replay the crawler's proxy: it answers for
// www.testbvdonald.nl by host name. No pause between requests to it.
func websiteSettings(url string) string {
	return fmt.Sprintf("proxy: %q, delay: 0s", url)
}

// socialSettings points every platform at its prefix on the replay.
func socialSettings(url string) string {
	var items []string
	for _, p := range social.Platforms() {
		items = append(items, fmt.Sprintf("{name: %s, base_url: %q}", p, socialtest.PlatformURLs(url)[p]))
	}
	return "platforms: [" + strings.Join(items, ", ") + "]"
}

// RDAPBootstrapPath is where the rdap replay serves its bootstrap file.
const RDAPBootstrapPath = rdaptest.BootstrapPath

// OpenSanctionsAPIKey is the key the opensanctions replay accepts.
const OpenSanctionsAPIKey = opensanctionstest.APIKey
