package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"verrijk/egress"
)

// source checks one sources.<name> block: the keys every source has, then
// the keys of this source alone.
func (v *validator) source(path, name string, s Source) {
	if _, ok := knownSources[name]; !ok {
		v.fail(path, "unknown source (known: %s)", strings.Join(KnownSources(), ", "))
		return
	}
	if keyApplies(name, "base_url") {
		v.httpURL(path+".base_url", s.BaseURL)
	}
	v.proxy(path+".proxy", s.Proxy, true)
	if _, err := egress.ParseRate(s.Rate); err != nil {
		v.fail(path+".rate", "%v", err)
	}
	if s.Concurrency < 1 || s.Concurrency > maxConcurrency {
		v.fail(path+".concurrency", "%d is out of range 1..%d", s.Concurrency, maxConcurrency)
	}
	if s.Timeout <= 0 || s.Timeout > maxSourceTimeout {
		v.fail(path+".timeout", "%s is out of range (0s, %s]", s.Timeout, maxSourceTimeout)
	}
	if s.CacheTTL < 0 || s.CacheTTL > maxCacheTTL {
		v.fail(path+".cache_ttl", "%s is out of range 0s..%s (0s: no caching)", s.CacheTTL, maxCacheTTL)
	}
	for _, key := range foreignKeys(name, s) {
		v.fail(path+"."+key, "%s", notUsed(name, key))
	}
	switch name {
	case "kvk":
		if s.MaxPages < 1 || s.MaxPages > maxPagesLimit {
			v.fail(path+".max_pages", "%d is out of range 1..%d", s.MaxPages, maxPagesLimit)
		}
	case "website":
		v.website(path, s)
	case "social":
		v.platforms(path+".platforms", s.Platforms)
	case "opensanctions":
		v.opensanctions(path, s)
	case "rdap":
		v.httpURL(path+".bootstrap_url", s.BootstrapURL)
		v.tldServers(path+".tld_servers", s.TLDServers)
	}
}

func (v *validator) opensanctions(path string, s Source) {
	// 0 is refused rather than taken as "everything": the adapter reads a
	// zero as "use the default", so it could not mean what it says.
	if !(s.MinScore > 0 && s.MinScore <= 1) {
		v.fail(path+".min_score", "%g is out of range (0, 1]", s.MinScore)
	}
	if !datasetPattern.MatchString(s.Dataset) {
		v.fail(path+".dataset", "%q must be a slug: a-z, 0-9, - and _ (e.g. default, sanctions)", s.Dataset)
	}
	if s.DataFile != "" {
		v.regularFile(path+".data_file", s.DataFile)
	}
	if s.Enabled && s.APIKey == "" && s.DataFile == "" {
		v.fail(path+".api_key", "must be set when opensanctions is enabled, unless data_file is (use ${OPENSANCTIONS_API_KEY})")
	}
}

// regularFile checks that a file named in the config is there now, so a
// wrong path stops start-up instead of the first lookup.
func (v *validator) regularFile(path, name string) {
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.fail(path, "%q does not exist", name)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		v.fail(path, "%q cannot be read: %v", name, err)
	case !st.Mode().IsRegular():
		v.fail(path, "%q is not a regular file", name)
	}
}

func (v *validator) tldServers(path string, list []TLDServer) {
	seen := make(map[string]bool, len(list))
	for i, t := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !tldPattern.MatchString(t.TLD) {
			v.fail(p+".tld", "%q must be a lower-case label without dots, e.g. be", t.TLD)
		} else if seen[t.TLD] {
			v.fail(p+".tld", "%q is listed twice", t.TLD)
		}
		seen[t.TLD] = true
		v.httpURL(p+".base_url", t.BaseURL)
	}
}

// Limits of the website crawl: enough for a company's site, not a mirror.
const (
	maxCrawlPages = 200
	maxCrawlDepth = 5
	maxCrawlDelay = time.Minute
)

func (v *validator) website(path string, s Source) {
	if s.MaxPages < 1 || s.MaxPages > maxCrawlPages {
		v.fail(path+".max_pages", "%d is out of range 1..%d", s.MaxPages, maxCrawlPages)
	}
	if s.MaxDepth < 1 || s.MaxDepth > maxCrawlDepth {
		v.fail(path+".max_depth", "%d is out of range 1..%d (max_pages: 1 reads only the start page)", s.MaxDepth, maxCrawlDepth)
	}
	if s.Delay < 0 || s.Delay > maxCrawlDelay {
		v.fail(path+".delay", "%s is out of range 0s..%s", s.Delay, maxCrawlDelay)
	}
}

// socialPlatforms are the platform names sources.social.platforms takes.
var socialPlatforms = []string{"facebook", "instagram", "linkedin", "tiktok", "x", "youtube"}

func (v *validator) platforms(path string, list []Platform) {
	seen := make(map[string]bool, len(list))
	for i, p := range list {
		at := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !slices.Contains(socialPlatforms, p.Name):
			v.fail(at+".name", "%q must be %s", p.Name, orList(socialPlatforms))
		case seen[p.Name]:
			v.fail(at+".name", "%q is listed twice", p.Name)
		}
		seen[p.Name] = true
		v.httpURL(at+".base_url", p.BaseURL)
	}
}
