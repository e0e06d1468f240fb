package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The keys of issue 4: egress.allow_cidrs, sources.<name>.proxy and the
// website and social settings.
func TestLoadEgressAndCrawlKeys(t *testing.T) {
	src := func(name, body string) string { return "sources:\n  " + name + ":\n" + body }
	runLoadCases(t, []loadCase{
		{name: "allow_cidrs", yaml: "egress:\n  allow_cidrs: [10.20.0.0/24, 'fd00:1::/64']\n", check: func(t *testing.T, c *Config) {
			want := []netip.Prefix{netip.MustParsePrefix("10.20.0.0/24"), netip.MustParsePrefix("fd00:1::/64")}
			if got := c.EgressConfig().AllowCIDRs; !reflect.DeepEqual(got, want) {
				t.Errorf("EgressConfig().AllowCIDRs = %v", got)
			}
		}},
		{name: "allow_cidrs by env", env: []string{"VERRIJK_EGRESS_ALLOW_CIDRS=192.168.7.0/24"}, check: func(t *testing.T, c *Config) {
			if len(c.Egress.AllowCIDRs) != 1 || c.Egress.AllowCIDRs[0] != "192.168.7.0/24" {
				t.Errorf("allow_cidrs = %v", c.Egress.AllowCIDRs)
			}
		}},
		{name: "allow_cidrs junk", yaml: "egress:\n  allow_cidrs: [lab]\n", err: `config: egress.allow_cidrs[0]: "lab" is not a network in CIDR notation`},
		{name: "allow_cidrs host bits", yaml: "egress:\n  allow_cidrs: [10.20.0.7/24]\n", err: `egress.allow_cidrs[0]: "10.20.0.7/24" has host bits set; the network is 10.20.0.0/24`},
		{name: "allow_cidrs everything", yaml: "egress:\n  allow_cidrs: [0.0.0.0/0]\n", err: `egress.allow_cidrs[0]: "0.0.0.0/0" opens every address`},

		{name: "source proxy", yaml: src("social", "    proxy: socks5h://127.0.0.1:9050\n") + "  kvk:\n    proxy: direct\n",
			check: func(t *testing.T, c *Config) {
				want := map[string]string{"social": "socks5h://127.0.0.1:9050", "kvk": "direct"}
				if got := c.EgressConfig().SourceProxies; !reflect.DeepEqual(got, want) {
					t.Errorf("SourceProxies = %v", got)
				}
			}},
		{name: "source proxy scheme", yaml: src("rdw", "    proxy: ftp://proxy:21\n"), err: `config: sources.rdw.proxy: scheme "ftp" must be http, https, socks5 or socks5h`},
		{name: "source proxy secret not echoed", env: []string{"VERRIJK_SOURCES_SOCIAL_PROXY=${P}", "P=tor-pass-without-scheme"},
			err: `sources.social.proxy: must be a URL such as socks5h://127.0.0.1:9050, or "direct"`, hide: []string{"tor-pass"}},

		{name: "website settings", yaml: src("website", "    max_pages: 50\n    max_depth: 3\n    respect_robots: false\n    delay: 0s\n"),
			check: func(t *testing.T, c *Config) {
				a := c.Sources["website"].AdapterConfig()
				if a.MaxPages != 50 || a.MaxDepth != 3 || !a.IgnoreRobots || a.Delay != 0 || a.BaseURL != "" {
					t.Errorf("website AdapterConfig() = %+v", a)
				}
			}},
		{name: "website defaults honour robots", check: func(t *testing.T, c *Config) {
			a := c.Sources["website"].AdapterConfig()
			if a.IgnoreRobots || a.Delay != time.Second || a.MaxDepth != 2 || a.MaxPages != 20 {
				t.Errorf("website AdapterConfig() = %+v", a)
			}
		}},
		{name: "website max_pages", yaml: src("website", "    max_pages: 201\n"), err: `sources.website.max_pages: 201 is out of range 1..200`},
		{name: "website max_depth", yaml: src("website", "    max_depth: 0\n"), err: `sources.website.max_depth: 0 is out of range 1..5`},
		{name: "website delay", yaml: src("website", "    delay: 2m\n"), err: `sources.website.delay: 2m0s is out of range 0s..1m0s`},
		{name: "website takes no base_url", yaml: src("website", "    base_url: https://example.nl\n"),
			err: `config: sources.website.base_url: website calls no service of its own and takes no base_url`},
		{name: "social takes no api_key by env", env: []string{"VERRIJK_SOURCES_SOCIAL_API_KEY=k"},
			err: `config: sources.social.api_key: social calls no service of its own and takes no api_key`},
		{name: "kvk max_depth", yaml: src("kvk", "    max_depth: 2\n"), err: `sources.kvk.max_depth: only website uses this key`},

		{name: "platforms", yaml: src("social", "    platforms:\n      - {name: instagram, base_url: http://127.0.0.1:18089/instagram}\n      - {name: x, base_url: http://127.0.0.1:18089/x}\n"),
			check: func(t *testing.T, c *Config) {
				want := map[string]string{"instagram": "http://127.0.0.1:18089/instagram", "x": "http://127.0.0.1:18089/x"}
				if got := c.Sources["social"].AdapterConfig().Platforms; !reflect.DeepEqual(got, want) {
					t.Errorf("Platforms = %v", got)
				}
			}},
		{name: "platforms empty list is default", yaml: src("social", "    platforms: []\n"), check: func(t *testing.T, c *Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("got %+v", c.Sources["social"])
			}
		}},
		{name: "platform unknown", yaml: src("social", "    platforms: [{name: myspace, base_url: https://x}]\n"),
			err: `sources.social.platforms[0].name: "myspace" must be facebook, instagram, linkedin, tiktok, x or youtube`},
		{name: "platform twice", yaml: src("social", "    platforms: [{name: x, base_url: https://a}, {name: x, base_url: https://b}]\n"),
			err: `sources.social.platforms[1].name: "x" is listed twice`},
		{name: "platform base_url", yaml: src("social", "    platforms: [{name: x, base_url: x.com}]\n"),
			err: `sources.social.platforms[0].base_url: must be an http`},
	})
}

func TestRedactedProxies(t *testing.T) {
	c := Default()
	s := c.Sources["social"]
	s.Proxy = "socks5h://tor:geheim@127.0.0.1:9050"
	s.Platforms = []Platform{{Name: "x", BaseURL: "http://u:geheim2@127.0.0.1:18089/x"}}
	c.Sources["social"] = s
	r := c.Redacted()
	y, err := r.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(y), "geheim") {
		t.Errorf("redacted YAML shows a proxy or platform password:\n%s", y)
	}
	if c.Sources["social"].Proxy != "socks5h://tor:geheim@127.0.0.1:9050" || c.Sources["social"].Platforms[0].BaseURL != "http://u:geheim2@127.0.0.1:18089/x" {
		t.Error("Redacted changed the original")
	}
	// Each source renders only its own keys.
	src := Default().Map()["sources"].(map[string]any)
	for name, key := range map[string]string{"website": "base_url", "social": "api_key", "bag": "max_depth", "kvk": "platforms"} {
		if _, ok := src[name].(map[string]any)[key]; ok {
			t.Errorf("%s renders %s", name, key)
		}
	}
	if _, ok := src["rdw"].(map[string]any)["proxy"]; !ok {
		t.Error("rdw does not render proxy")
	}
}
