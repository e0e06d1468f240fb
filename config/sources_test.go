package config

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/sources"
)

func TestSourceDefaults(t *testing.T) {
	type want struct {
		enabled     bool
		baseURL     string
		rate        string
		cacheTTL    time.Duration
		concurrency int
		timeout     time.Duration
	}
	for name, w := range map[string]want{
		"kvk":            {true, "https://api.kvk.nl/test/api", "10/s", 24 * time.Hour, 4, 15 * time.Second},
		"bag":            {true, "https://api.pdok.nl/bzk/locatieserver/search/v3_1", "10/s", time.Hour, 4, 15 * time.Second},
		"rdw":            {true, "https://opendata.rdw.nl", "10/s", time.Hour, 4, 15 * time.Second},
		"bekendmakingen": {true, "https://repository.overheid.nl/sru", "5/s", time.Hour, 4, 15 * time.Second},
		"rdap":           {true, "https://rdap.sidn.nl", "2/s", time.Hour, 4, 15 * time.Second},
		"wayback":        {true, "https://web.archive.org", "48/m", 24 * time.Hour, 2, 45 * time.Second},
		"opensanctions":  {false, "https://api.opensanctions.org", "2/s", time.Hour, 4, 15 * time.Second},
		"website":        {true, "", "5/s", time.Hour, 4, 15 * time.Second},
		"social":         {true, "", "30/m", time.Hour, 2, 15 * time.Second},
	} {
		s := Default().Sources[name]
		if s.Enabled != w.enabled || s.BaseURL != w.baseURL || s.Rate != w.rate || s.CacheTTL != w.cacheTTL ||
			s.Concurrency != w.concurrency || s.Timeout != w.timeout {
			t.Errorf("%s defaults = %+v, want %+v", name, s, w)
		}
		if name != "kvk" && s.APIKey != "" {
			t.Errorf("%s has a default key", name)
		}
	}
	d := Default().Sources
	if d["kvk"].MaxPages != 1 || d["opensanctions"].MinScore != 0.7 || d["opensanctions"].Dataset != "default" ||
		d["opensanctions"].DataFile != "" || d["rdap"].BootstrapURL != "https://data.iana.org/rdap/dns.json" ||
		d["rdap"].TLDServers != nil {
		t.Errorf("source-specific defaults: %+v", d)
	}
	if w := d["website"]; w.MaxPages != 20 || w.MaxDepth != 2 || !w.RespectRobots || w.Delay != time.Second || w.Proxy != "" {
		t.Errorf("website defaults: %+v", w)
	}
	if d["social"].Platforms != nil {
		t.Errorf("social defaults: %+v", d["social"])
	}
	for name, s := range d {
		if f := foreignKeys(name, s); len(f) > 0 {
			t.Errorf("%s default sets keys it does not use: %v", name, f)
		}
	}
}

func TestLoadSourceKeys(t *testing.T) {
	src := func(name, body string) string { return "sources:\n  " + name + ":\n" + body }
	osKey := "    enabled: true\n    api_key: k\n"
	runLoadCases(t, []loadCase{
		// cache_ttl, every source
		{name: "cache_ttl", yaml: src("bag", "    cache_ttl: 10m\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["bag"].CacheTTL != 10*time.Minute || c.Sources["kvk"].CacheTTL != 24*time.Hour {
				t.Errorf("cache_ttl bag %s kvk %s", c.Sources["bag"].CacheTTL, c.Sources["kvk"].CacheTTL)
			}
		}},
		{name: "cache_ttl zero disables", yaml: src("kvk", "    cache_ttl: 0\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["kvk"].CacheTTL != 0 || c.CacheTTLs()["kvk"] != 0 {
				t.Errorf("cache_ttl = %s", c.Sources["kvk"].CacheTTL)
			}
		}},
		{name: "cache_ttl type", yaml: src("kvk", "    cache_ttl: daily\n"), err: `config: sources.kvk.cache_ttl: "daily" is not a duration`},
		{name: "cache_ttl negative", yaml: src("rdw", "    cache_ttl: -1s\n"), err: `config: sources.rdw.cache_ttl: -1s is out of range`},
		{name: "cache_ttl too long", yaml: src("rdw", "    cache_ttl: 721h\n"), err: `sources.rdw.cache_ttl: 721h0m0s is out of range`},

		// max_pages, kvk only
		{name: "max_pages", yaml: src("kvk", "    max_pages: 10\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["kvk"].MaxPages != 10 {
				t.Errorf("max_pages = %d", c.Sources["kvk"].MaxPages)
			}
		}},
		{name: "max_pages zero", yaml: src("kvk", "    max_pages: 0\n"), err: `config: sources.kvk.max_pages: 0 is out of range 1..10`},
		{name: "max_pages high", yaml: src("kvk", "    max_pages: 11\n"), err: `sources.kvk.max_pages: 11 is out of range 1..10`},
		{name: "max_pages type", yaml: src("kvk", "    max_pages: all\n"), err: `sources.kvk.max_pages: "all" is not an integer`},

		// min_score, opensanctions only: floats from YAML numbers and text
		{name: "min_score float", yaml: src("opensanctions", "    min_score: 0.85\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["opensanctions"].MinScore != 0.85 {
				t.Errorf("min_score = %v", c.Sources["opensanctions"].MinScore)
			}
		}},
		{name: "min_score integer", yaml: src("opensanctions", "    min_score: 1\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["opensanctions"].MinScore != 1 {
				t.Errorf("min_score = %v", c.Sources["opensanctions"].MinScore)
			}
		}},
		{name: "min_score quoted", yaml: src("opensanctions", "    min_score: \"0.5\"\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["opensanctions"].MinScore != 0.5 {
				t.Errorf("min_score = %v", c.Sources["opensanctions"].MinScore)
			}
		}},
		{name: "min_score from secret", yaml: src("opensanctions", "    min_score: ${SCORE}\n"), env: []string{"SCORE=0.9"},
			check: func(t *testing.T, c *Config) {
				if c.Sources["opensanctions"].MinScore != 0.9 {
					t.Errorf("min_score = %v", c.Sources["opensanctions"].MinScore)
				}
			}},
		{name: "min_score text", yaml: src("opensanctions", "    min_score: high\n"), err: `config: sources.opensanctions.min_score: "high" is not a number`},
		{name: "min_score comma", yaml: src("opensanctions", "    min_score: \"0,7\"\n"), err: `sources.opensanctions.min_score: "0,7" is not a number`},
		{name: "min_score nan", yaml: src("opensanctions", "    min_score: .nan\n"), err: `sources.opensanctions.min_score: "NaN" is not a number`},
		{name: "min_score inf", yaml: src("opensanctions", "    min_score: .inf\n"), err: `sources.opensanctions.min_score: "+Inf" is not a number`},
		{name: "min_score list", yaml: src("opensanctions", "    min_score: [1]\n"), err: `sources.opensanctions.min_score: must be a single value`},
		{name: "min_score above 1", yaml: src("opensanctions", "    min_score: 1.5\n"), err: `config: sources.opensanctions.min_score: 1.5 is out of range (0, 1]`},
		{name: "min_score zero", yaml: src("opensanctions", "    min_score: 0\n"), err: `sources.opensanctions.min_score: 0 is out of range (0, 1]`},
		{name: "min_score negative", yaml: src("opensanctions", "    min_score: -0.1\n"), err: `sources.opensanctions.min_score: -0.1 is out of range`},

		// dataset, opensanctions only
		{name: "dataset", yaml: src("opensanctions", "    dataset: us_ofac_sdn\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["opensanctions"].Dataset != "us_ofac_sdn" {
				t.Errorf("dataset = %q", c.Sources["opensanctions"].Dataset)
			}
		}},
		{name: "dataset path", yaml: src("opensanctions", "    dataset: ../admin\n"), err: `config: sources.opensanctions.dataset: "../admin" must be a slug`},
		{name: "dataset empty", yaml: src("opensanctions", "    dataset: \"\"\n"), err: `sources.opensanctions.dataset: "" must be a slug`},

		// opensanctions needs a key or a file once enabled
		{name: "opensanctions enabled with key", yaml: src("opensanctions", osKey), check: func(t *testing.T, c *Config) {
			if s := c.Sources["opensanctions"]; !s.Enabled || s.APIKey != "k" {
				t.Errorf("opensanctions = %+v", s)
			}
		}},
		{name: "opensanctions enabled bare", yaml: src("opensanctions", "    enabled: true\n"),
			err: `config: sources.opensanctions.api_key: must be set when opensanctions is enabled, unless data_file is`},
		{name: "opensanctions enabled by env", env: []string{"VERRIJK_SOURCES_OPENSANCTIONS_ENABLED=true"},
			err: `config: sources.opensanctions.api_key: must be set`},

		// bootstrap_url and tld_servers, rdap only
		{name: "bootstrap_url", yaml: src("rdap", "    bootstrap_url: http://127.0.0.1:1/dns.json\n"), check: func(t *testing.T, c *Config) {
			if c.Sources["rdap"].BootstrapURL != "http://127.0.0.1:1/dns.json" {
				t.Errorf("bootstrap_url = %q", c.Sources["rdap"].BootstrapURL)
			}
		}},
		{name: "bootstrap_url scheme", yaml: src("rdap", "    bootstrap_url: file:///etc/passwd\n"), err: `config: sources.rdap.bootstrap_url: must be an http:// or https:// URL`},
		{name: "bootstrap_url empty", yaml: src("rdap", "    bootstrap_url: \"\"\n"), err: `sources.rdap.bootstrap_url: must be an http`},
		{name: "tld_servers", yaml: src("rdap", "    tld_servers:\n      - {tld: be, base_url: https://rdap.example.be}\n      - {tld: xn--p1ai, base_url: http://127.0.0.1:9}\n"),
			check: func(t *testing.T, c *Config) {
				want := []TLDServer{{"be", "https://rdap.example.be"}, {"xn--p1ai", "http://127.0.0.1:9"}}
				if got := c.Sources["rdap"].TLDServers; !reflect.DeepEqual(got, want) {
					t.Errorf("tld_servers = %+v", got)
				}
			}},
		{name: "tld_servers empty list is default", yaml: src("rdap", "    tld_servers: []\n"), check: func(t *testing.T, c *Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Errorf("got %+v", c.Sources["rdap"])
			}
		}},
		{name: "tld upper case", yaml: src("rdap", "    tld_servers: [{tld: BE, base_url: https://x.be}]\n"), err: `config: sources.rdap.tld_servers[0].tld: "BE" must be a lower-case label`},
		{name: "tld with dot", yaml: src("rdap", "    tld_servers: [{tld: .be, base_url: https://x.be}]\n"), err: `sources.rdap.tld_servers[0].tld: ".be" must be`},
		{name: "tld twice", yaml: src("rdap", "    tld_servers: [{tld: be, base_url: https://x.be}, {tld: be, base_url: https://y.be}]\n"), err: `sources.rdap.tld_servers[1].tld: "be" is listed twice`},
		{name: "tld base_url", yaml: src("rdap", "    tld_servers: [{tld: be, base_url: x.be}]\n"), err: `sources.rdap.tld_servers[0].base_url: must be an http`},
		{name: "tld unknown key", yaml: src("rdap", "    tld_servers: [{tld: be, url: https://x.be}]\n"), err: `config: unknown key "sources.rdap.tld_servers[0].url"`},
		{name: "tld_servers mapping", yaml: src("rdap", "    tld_servers: {be: https://x.be}\n"), err: `sources.rdap.tld_servers: must be a list`},
	})
}

func TestLoadSourceKeysFromEnv(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "overrides", yaml: "sources:\n  kvk:\n    cache_ttl: 2h\n", env: []string{
			"VERRIJK_SOURCES_KVK_CACHE_TTL=48h",
			"VERRIJK_SOURCES_KVK_MAX_PAGES=3",
			"VERRIJK_SOURCES_OPENSANCTIONS_MIN_SCORE= 0.8 ",
			"VERRIJK_SOURCES_OPENSANCTIONS_DATASET=sanctions",
			"VERRIJK_SOURCES_RDAP_BOOTSTRAP_URL=http://127.0.0.1:18085/bootstrap/dns.json",
			"VERRIJK_SOURCES_WAYBACK_CACHE_TTL=0s",
			"VERRIJK_SOURCES_RDW_API_KEY=token",
		}, check: func(t *testing.T, c *Config) {
			want := Default()
			set := func(name string, f func(*Source)) {
				s := want.Sources[name]
				f(&s)
				want.Sources[name] = s
			}
			set("kvk", func(s *Source) { s.CacheTTL, s.MaxPages = 48*time.Hour, 3 })
			set("opensanctions", func(s *Source) { s.MinScore, s.Dataset = 0.8, "sanctions" })
			set("rdap", func(s *Source) { s.BootstrapURL = "http://127.0.0.1:18085/bootstrap/dns.json" })
			set("wayback", func(s *Source) { s.CacheTTL = 0 })
			set("rdw", func(s *Source) { s.APIKey = "token" })
			if !reflect.DeepEqual(c, want) {
				t.Fatalf("got  %+v\nwant %+v", c.Sources, want.Sources)
			}
		}},
		{name: "float error names key", env: []string{"VERRIJK_SOURCES_OPENSANCTIONS_MIN_SCORE=0.7.1"},
			err: `config: sources.opensanctions.min_score: "0.7.1" is not a number`},
		{name: "float from secret not echoed", env: []string{"VERRIJK_SOURCES_OPENSANCTIONS_MIN_SCORE=${S}", "S=hunter2"},
			err: `sources.opensanctions.min_score: the value from the environment is not a number`, hide: []string{"hunter2"}},
		{name: "duration error names key", env: []string{"VERRIJK_SOURCES_KVK_CACHE_TTL=1d"},
			err: `config: sources.kvk.cache_ttl: "1d" is not a duration`},
		{name: "wrong source by env", env: []string{"VERRIJK_SOURCES_BAG_MIN_SCORE=0.5"},
			err: `config: sources.bag.min_score: only opensanctions uses this key`},
		{name: "no env form for tld_servers", env: []string{"VERRIJK_SOURCES_RDAP_TLD_SERVERS=be=https://x.be"},
			check: func(t *testing.T, c *Config) {
				if c.Sources["rdap"].TLDServers != nil {
					t.Errorf("tld_servers = %+v", c.Sources["rdap"].TLDServers)
				}
			}},
	})
}

func TestLoadWrongSourceKeys(t *testing.T) {
	var cases []loadCase
	values := map[string]string{
		"max_pages": "2", "min_score": "0.5", "dataset": "x", "data_file": "/etc/hostname",
		"bootstrap_url": "https://x", "tld_servers": "[{tld: be, base_url: https://x}]",
		"max_depth": "2", "respect_robots": "false", "delay": "2s", "platforms": "[{name: x, base_url: https://x}]",
	}
	for _, key := range slices.Sorted(maps.Keys(sourceOnlyKeys)) {
		users := sourceOnlyKeys[key]
		for _, name := range KnownSources() {
			if slices.Contains(users, name) {
				continue
			}
			cases = append(cases, loadCase{
				name: name + "." + key,
				yaml: "sources:\n  " + name + ":\n    " + key + ": " + values[key] + "\n",
				err:  "config: sources." + name + "." + key + ": " + onlyUsedBy(key),
			})
		}
	}
	// A zero value is still the wrong place, and every misplaced key is named.
	cases = append(cases,
		loadCase{name: "zero value", yaml: "sources:\n  bag:\n    max_pages: 0\n", err: `sources.bag.max_pages: only kvk and website use this key`},
		loadCase{name: "all reported", yaml: "sources:\n  bag:\n    min_score: 0.5\n    bootstrap_url: https://x\n", err: `sources.bag.min_score: only opensanctions uses this key`},
		loadCase{name: "all reported 2", yaml: "sources:\n  bag:\n    min_score: 0.5\n    bootstrap_url: https://x\n", err: `sources.bag.bootstrap_url: only rdap uses this key`},
		loadCase{name: "null is no value", yaml: "sources:\n  bag:\n    min_score:\n"},
	)
	runLoadCases(t, cases)
}

func TestValidateWrongSourceKeys(t *testing.T) {
	c := Default()
	bag := c.Sources["bag"]
	bag.MinScore = 0.5
	bag.TLDServers = []TLDServer{{TLD: "be", BaseURL: "https://x"}}
	c.Sources["bag"] = bag
	err := c.Validate()
	for _, want := range []string{
		"config: sources.bag.min_score: only opensanctions uses this key",
		"config: sources.bag.tld_servers: only rdap uses this key",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	if got := onlyUsedBy("max_pages"); got != "only kvk and website use this key" {
		t.Errorf("onlyUsedBy = %q", got)
	}
	sourceOnlyKeys["test_key"] = []string{"kvk", "rdap", "rdw"}
	defer delete(sourceOnlyKeys, "test_key")
	if got := onlyUsedBy("test_key"); got != "only kvk, rdap and rdw use this key" {
		t.Errorf("onlyUsedBy = %q", got)
	}
}

func TestLoadDataFile(t *testing.T) {
	dir := t.TempDir()
	sample := filepath.Join(dir, "sample.ftm.json")
	if err := os.WriteFile(sample, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	block := func(body string) string { return "sources:\n  opensanctions:\n" + body }
	runLoadCases(t, []loadCase{
		{name: "file instead of key", yaml: block("    enabled: true\n    data_file: " + sample + "\n"), check: func(t *testing.T, c *Config) {
			if s := c.Sources["opensanctions"]; !s.Enabled || s.DataFile != sample || s.APIKey != "" {
				t.Errorf("opensanctions = %+v", s)
			}
		}},
		{name: "file by env", env: []string{"VERRIJK_SOURCES_OPENSANCTIONS_ENABLED=1", "VERRIJK_SOURCES_OPENSANCTIONS_DATA_FILE=" + sample},
			check: func(t *testing.T, c *Config) {
				if c.Sources["opensanctions"].DataFile != sample {
					t.Errorf("data_file = %q", c.Sources["opensanctions"].DataFile)
				}
			}},
		{name: "missing", yaml: block("    enabled: true\n    data_file: " + filepath.Join(dir, "nope.json") + "\n"),
			err: `config: sources.opensanctions.data_file: "` + filepath.Join(dir, "nope.json") + `" does not exist`},
		{name: "missing while disabled", yaml: block("    data_file: " + filepath.Join(dir, "nope.json") + "\n"),
			err: `sources.opensanctions.data_file: "` + filepath.Join(dir, "nope.json") + `" does not exist`},
		{name: "directory", yaml: block("    enabled: true\n    data_file: " + dir + "\n"),
			err: `sources.opensanctions.data_file: "` + dir + `" is not a regular file`},
	})
}

func TestAdapterConfig(t *testing.T) {
	s := Source{
		Enabled: true, BaseURL: "http://127.0.0.1:18085", APIKey: "k", Rate: "1/s", Concurrency: 2,
		Timeout: 5 * time.Second, CacheTTL: time.Minute, MaxPages: 3, MinScore: 0.8, Dataset: "sanctions",
		DataFile: "f.json", BootstrapURL: "http://127.0.0.1:18085/bootstrap/dns.json",
		TLDServers: []TLDServer{{"be", "https://rdap.example.be"}, {"de", "https://rdap.example.de"}},
		MaxDepth:   3, RespectRobots: false, Delay: 2 * time.Second,
		Platforms: []Platform{{"x", "http://127.0.0.1:18089/x"}},
	}
	want := sources.Config{
		BaseURL: "http://127.0.0.1:18085", APIKey: "k", Timeout: 5 * time.Second, CacheTTL: time.Minute,
		MaxPages: 3, MinScore: 0.8, Dataset: "sanctions", DataFile: "f.json",
		BootstrapURL: "http://127.0.0.1:18085/bootstrap/dns.json",
		TLDServers:   map[string]string{"be": "https://rdap.example.be", "de": "https://rdap.example.de"},
		MaxDepth:     3, IgnoreRobots: true, Delay: 2 * time.Second,
		Platforms: map[string]string{"x": "http://127.0.0.1:18089/x"},
	}
	if got := s.AdapterConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("AdapterConfig() = %+v\nwant %+v", got, want)
	}
	if got := Default().Sources["bag"].AdapterConfig(); got.TLDServers != nil || got.BaseURL != knownSources["bag"].BaseURL ||
		got.CacheTTL != time.Hour || got.Timeout != 15*time.Second {
		t.Errorf("bag AdapterConfig() = %+v", got)
	}
	// every field of sources.Config is filled from somewhere
	full := reflect.ValueOf(s.AdapterConfig())
	for i := range full.NumField() {
		if full.Field(i).IsZero() {
			t.Errorf("AdapterConfig leaves sources.Config.%s unset", full.Type().Field(i).Name)
		}
	}
}

func TestCacheTTLs(t *testing.T) {
	c := Default()
	wayback := c.Sources["wayback"]
	wayback.CacheTTL = 0
	c.Sources["wayback"] = wayback
	got := c.CacheTTLs()
	want := map[string]time.Duration{
		"kvk": 24 * time.Hour, "bag": time.Hour, "rdw": time.Hour, "bekendmakingen": time.Hour, "rdap": time.Hour,
		"website": time.Hour, "social": time.Hour,
	}
	if !reflect.DeepEqual(got, want) { // opensanctions disabled, wayback 0
		t.Errorf("CacheTTLs() = %v", got)
	}
	if !reflect.DeepEqual(c.EgressConfig().CacheTTL, want) {
		t.Errorf("EgressConfig().CacheTTL = %v", c.EgressConfig().CacheTTL)
	}
}

func TestMapShowsOnlyOwnKeys(t *testing.T) {
	src := Default().Map()["sources"].(map[string]any)
	if _, ok := src["bag"].(map[string]any)["min_score"]; ok {
		t.Error("bag renders min_score")
	}
	for key, users := range sourceOnlyKeys {
		for _, u := range users {
			if _, ok := src[u].(map[string]any)[key]; !ok {
				t.Errorf("%s does not render %s", u, key)
			}
		}
	}
}

func TestBlockOf(t *testing.T) {
	doc := "a:\n  b:\n    c: 1\n  # d: 2\n  e:\n    f: 3\ng: 4\n"
	for path, found := range map[string]bool{
		"a.b.c": true, "a.e.f": true, "g": true, "a.b.f": false, "a.d": false, "a.g": false, "a.b.e": false,
	} {
		if got := blockOf(doc, strings.Split(path, ".")) != ""; got != found {
			t.Errorf("blockOf(%s) found = %v, want %v", path, got, found)
		}
	}
}

func TestRedactedSourceURLs(t *testing.T) {
	c := Default()
	rdap := c.Sources["rdap"]
	rdap.BootstrapURL = "https://u:bootsecret@iana.example/dns.json"
	rdap.TLDServers = []TLDServer{{TLD: "be", BaseURL: "https://u:tldsecret@rdap.example.be"}}
	c.Sources["rdap"] = rdap
	r := c.Redacted()
	out, err := r.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"bootsecret", "tldsecret"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("redacted YAML shows %s:\n%s", secret, out)
		}
	}
	if !strings.Contains(string(out), "rdap.example.be") || !strings.Contains(string(out), "min_score: 0.7") {
		t.Errorf("redacted YAML lost a value:\n%s", out)
	}
	r.Sources["rdap"].TLDServers[0].TLD = "changed"
	if c.Sources["rdap"].TLDServers[0].TLD != "be" || !strings.Contains(c.Sources["rdap"].TLDServers[0].BaseURL, "tldsecret") {
		t.Error("Redacted shares tld_servers with the original")
	}
}
