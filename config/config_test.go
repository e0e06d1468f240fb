package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// loadCase is one YAML file plus environment, and either the error text
// expected or a check of the loaded config.
type loadCase struct {
	name  string
	yaml  string   // file contents; "" loads without a file
	env   []string // like os.Environ()
	err   string   // substring of the expected error; "" means success
	hide  []string // must not appear in the error (secrets)
	check func(t *testing.T, c *Config)
}

func runLoadCases(t *testing.T, cases []loadCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.yaml != "" {
				path = filepath.Join(t.TempDir(), "verrijk.yaml")
				if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			c, err := Load(path, tc.env)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("want error containing %q, got none", tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error containing %q, got:\n%v", tc.err, err)
				}
				for _, secret := range tc.hide {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error reveals %q:\n%v", secret, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func TestLoadUnknownKeys(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "top level", yaml: "datadir: /tmp\n", err: `config: unknown key "datadir"`},
		{name: "nested", yaml: "server:\n  adress: 127.0.0.1:1\n", err: `config: unknown key "server.adress"`},
		{name: "deep", yaml: "index:\n  elasticsearch:\n    adresses: [http://x:9200]\n", err: `config: unknown key "index.elasticsearch.adresses"`},
		{name: "in source", yaml: "sources:\n  kvk:\n    apikey: x\n", err: `config: unknown key "sources.kvk.apikey"`},
		{name: "in purpose", yaml: "bootstrap_purposes:\n  - id: ab\n    retension: P1Y\n", err: `config: unknown key "bootstrap_purposes[0].retension"`},
		{name: "dotted key is not a path", yaml: "server.addr: 127.0.0.1:1\n", err: `config: unknown key "server.addr"`},
		{name: "every problem reported", yaml: "server:\n  adress: x\nqueue:\n  url: y\n", err: `unknown key "queue.url"`},
		{name: "unknown source", yaml: "sources:\n  kvkk:\n    rate: 1/s\n", err: `config: sources.kvkk: unknown source (known: bag, bekendmakingen, kvk, opensanctions, rdap, rdw, social, wayback, website)`},
		{name: "mapping expected", yaml: "server: 127.0.0.1:1\n", err: `config: server: must be a mapping`},
		{name: "list expected", yaml: "bootstrap_purposes: {id: x}\n", err: `bootstrap_purposes: must be a list`},
		{name: "single value expected", yaml: "data_dir: [a, b]\n", err: `data_dir: must be a single value`},
		{name: "yaml syntax", yaml: "server: [\n", err: `config: loading`},
	})
}

func TestLoadBadValues(t *testing.T) {
	purpose := func(fields string) string {
		return "bootstrap_purposes:\n  - {id: ondermijning, name: N, legal_basis: L, retention: P1Y, allowed_sources: [kvk]" + fields + "}\n"
	}
	runLoadCases(t, []loadCase{
		{name: "addr", yaml: "server:\n  addr: x\n", err: `config: server.addr: "x" is not host:port`},
		{name: "addr port", yaml: "server:\n  addr: 127.0.0.1:99999\n", err: `server.addr: "127.0.0.1:99999" has no valid port`},
		{name: "data_dir empty", yaml: "data_dir: \"\"\n", err: `data_dir: must not be empty`},
		{name: "rate", yaml: "sources:\n  kvk:\n    rate: fast\n", err: `config: sources.kvk.rate: rate "fast"`},
		{name: "rate unit", yaml: "sources:\n  bag:\n    rate: 10/d\n", err: `sources.bag.rate:`},
		{name: "timeout", yaml: "sources:\n  kvk:\n    timeout: soon\n", err: `config: sources.kvk.timeout: "soon" is not a duration`},
		{name: "timeout zero", yaml: "sources:\n  kvk:\n    timeout: 0s\n", err: `sources.kvk.timeout: 0s is out of range`},
		{name: "concurrency", yaml: "sources:\n  kvk:\n    concurrency: 0\n", err: `sources.kvk.concurrency: 0 is out of range`},
		{name: "enabled", yaml: "sources:\n  kvk:\n    enabled: maybe\n", err: `sources.kvk.enabled: "maybe" is not true or false`},
		{name: "base_url", yaml: "sources:\n  bag:\n    base_url: ftp://x\n", err: `sources.bag.base_url: must be an http:// or https:// URL`},
		{name: "backend", yaml: "index:\n  backend: solr\n", err: `config: index.backend: must be bleve or elasticsearch`},
		{name: "elasticsearch needs addresses", yaml: "index:\n  backend: elasticsearch\n", err: `index.elasticsearch.addresses: must list at least one`},
		{name: "index prefix", yaml: "index:\n  elasticsearch:\n    index_prefix: Verrijk\n", err: `index.elasticsearch.index_prefix`},
		{name: "dsn scheme", yaml: "store:\n  dsn: mysql://u:hunter2@db/v\n", err: `config: store.dsn: must be empty or`, hide: []string{"hunter2"}},
		{name: "redis scheme", yaml: "queue:\n  redis_url: http://:hunter2@r:6379\n", err: `config: queue.redis_url: redis: invalid URL scheme`, hide: []string{"hunter2"}},
		{name: "redis unparsable", yaml: "queue:\n  redis_url: \"redis://:hunter2@r:6379/%zz\"\n", err: `config: queue.redis_url:`, hide: []string{"hunter2"}},
		{name: "proxy scheme", yaml: "egress:\n  proxy: ftp://u:hunter2@p:21\n", err: `config: egress.proxy: scheme "ftp" must be http, https, socks5 or socks5h`, hide: []string{"hunter2"}},
		{name: "max_response_bytes", yaml: "egress:\n  max_response_bytes: -1\n", err: `egress.max_response_bytes: -1 is out of range`},
		{name: "max_depth range", yaml: "enrichment:\n  max_depth: 9\n", err: `config: enrichment.max_depth: 9 is out of range 0..5`},
		{name: "max_depth type", yaml: "enrichment:\n  max_depth: deep\n", err: `enrichment.max_depth: "deep" is not an integer`},
		{name: "max_depth float", yaml: "enrichment:\n  max_depth: 1.5\n", err: `enrichment.max_depth: "1.5" is not an integer`},
		{name: "log level", yaml: "log:\n  level: verbose\n", err: `log.level: must be debug, info, warn or error`},
		{name: "purpose ok", yaml: purpose(""), check: func(t *testing.T, c *Config) {
			if len(c.BootstrapPurposes) != 1 || c.BootstrapPurposes[0].ID != "ondermijning" {
				t.Fatalf("purposes = %+v", c.BootstrapPurposes)
			}
		}},
		{name: "purpose id", yaml: strings.Replace(purpose(""), "ondermijning", "Ondermijning!", 1), err: `bootstrap_purposes[0].id: "Ondermijning!" must be a slug`},
		{name: "purpose name", yaml: strings.Replace(purpose(""), "name: N", `name: ""`, 1), err: `bootstrap_purposes[0].name: must not be empty`},
		{name: "purpose legal basis", yaml: strings.Replace(purpose(""), "legal_basis: L", `legal_basis: " "`, 1), err: `bootstrap_purposes[0].legal_basis: must not be empty`},
		{name: "purpose retention", yaml: strings.Replace(purpose(""), "P1Y", "one year", 1), err: `bootstrap_purposes[0].retention:`},
		{name: "purpose source", yaml: strings.Replace(purpose(""), "[kvk]", "[kvk, webcrawler]", 1), err: `bootstrap_purposes[0].allowed_sources[1]: unknown source "webcrawler"`},
		{name: "purpose duplicate", yaml: purpose("") + "  - {id: ondermijning, name: N, legal_basis: L, retention: P1Y}\n", err: `bootstrap_purposes[1].id: "ondermijning" is used by an earlier purpose`},
	})
}

func TestLoadSecrets(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "missing", yaml: "sources:\n  kvk:\n    api_key: ${KVK_API_KEY}\n",
			err: `config: sources.kvk.api_key: environment variable KVK_API_KEY is not set`},
		{name: "missing embedded", yaml: "store:\n  dsn: postgres://v:${VERRIJK_PG_PASSWORD}@db/v\n",
			env: []string{"OTHER=hunter2"},
			err: `config: store.dsn: environment variable VERRIJK_PG_PASSWORD is not set`, hide: []string{"hunter2"}},
		{name: "malformed", yaml: "sources:\n  kvk:\n    api_key: ${KVK-KEY}\n", err: `sources.kvk.api_key: malformed ${NAME} reference`},
		{name: "unclosed", yaml: "sources:\n  kvk:\n    api_key: ${KVK_KEY\n", env: []string{"KVK_KEY=x"}, err: `sources.kvk.api_key: malformed`},
		{name: "expanded whole", yaml: "sources:\n  kvk:\n    api_key: ${KVK_API_KEY}\n", env: []string{"KVK_API_KEY=s3cr3t"},
			check: func(t *testing.T, c *Config) {
				if got := c.Sources["kvk"].APIKey; got != "s3cr3t" {
					t.Fatalf("api_key = %q", got)
				}
			}},
		{name: "expanded embedded", yaml: "store:\n  dsn: postgres://v:${PG_PW}@${PG_HOST}:5432/v\n",
			env: []string{"PG_PW=p$w", "PG_HOST=db"},
			check: func(t *testing.T, c *Config) {
				if want := "postgres://v:p$w@db:5432/v"; c.Store.DSN != want {
					t.Fatalf("dsn = %q, want %q", c.Store.DSN, want)
				}
			}},
		{name: "bare dollar stays", yaml: "egress:\n  user_agent: a$b $c\n", check: func(t *testing.T, c *Config) {
			if c.Egress.UserAgent != "a$b $c" {
				t.Fatalf("user_agent = %q", c.Egress.UserAgent)
			}
		}},
		{name: "expanded before typing", yaml: "enrichment:\n  max_depth: ${DEPTH}\n", env: []string{"DEPTH=3"},
			check: func(t *testing.T, c *Config) {
				if c.Enrichment.MaxDepth != 3 {
					t.Fatalf("max_depth = %d", c.Enrichment.MaxDepth)
				}
			}},
		{name: "bad expanded value not echoed", yaml: "enrichment:\n  max_depth: ${DEPTH}\n", env: []string{"DEPTH=topsecret"},
			err: `enrichment.max_depth: the value from the environment is not an integer`, hide: []string{"topsecret"}},
		{name: "in env override", env: []string{"VERRIJK_SOURCES_KVK_API_KEY=${KEY}"},
			err: `sources.kvk.api_key: environment variable KEY is not set`},
	})
}

func TestLoadEnv(t *testing.T) {
	file := "server:\n  addr: 127.0.0.1:1111\nsources:\n  kvk:\n    rate: 5/s\n"
	runLoadCases(t, []loadCase{
		{name: "env beats file beats default", yaml: file, env: []string{"VERRIJK_SERVER_ADDR=0.0.0.0:9000"},
			check: func(t *testing.T, c *Config) {
				if c.Server.Addr != "0.0.0.0:9000" {
					t.Errorf("addr = %q", c.Server.Addr)
				}
				if kvk := c.Sources["kvk"]; kvk.Rate != "5/s" || kvk.BaseURL != knownSources["kvk"].BaseURL {
					t.Errorf("kvk = %+v, want file rate over default base_url", kvk)
				}
			}},
		{name: "underscore keys", env: []string{
			"VERRIJK_DATA_DIR=/srv/v",
			"VERRIJK_QUEUE_REDIS_URL=redis://127.0.0.1:6379/2",
			"VERRIJK_STORE_DSN=postgres://postgres@127.0.0.1:5432/v",
			"VERRIJK_EGRESS_ALLOW_PRIVATE_NETWORKS=true",
			"VERRIJK_EGRESS_MAX_RESPONSE_BYTES=2048",
			"VERRIJK_ENRICHMENT_MAX_DEPTH=3",
			"VERRIJK_INDEX_BACKEND=elasticsearch",
			"VERRIJK_INDEX_ELASTICSEARCH_ADDRESSES=http://es1:9200, http://es2:9200",
			"VERRIJK_INDEX_ELASTICSEARCH_INDEX_PREFIX=test",
		}, check: func(t *testing.T, c *Config) {
			want := Default()
			want.DataDir = "/srv/v"
			want.Queue.RedisURL = "redis://127.0.0.1:6379/2"
			want.Store.DSN = "postgres://postgres@127.0.0.1:5432/v"
			want.Egress.AllowPrivateNetworks = true
			want.Egress.MaxResponseBytes = 2048
			want.Enrichment.MaxDepth = 3
			want.Index.Backend = "elasticsearch"
			want.Index.Elasticsearch.Addresses = []string{"http://es1:9200", "http://es2:9200"}
			want.Index.Elasticsearch.IndexPrefix = "test"
			if !reflect.DeepEqual(c, want) {
				t.Fatalf("got  %+v\nwant %+v", c, want)
			}
		}},
		{name: "source keys", yaml: file, env: []string{
			"VERRIJK_SOURCES_KVK_BASE_URL=http://127.0.0.1:18081",
			"VERRIJK_SOURCES_KVK_API_KEY=k",
			"VERRIJK_SOURCES_KVK_TIMEOUT=2s",
			"VERRIJK_SOURCES_BAG_ENABLED=false",
			"VERRIJK_SOURCES_BAG_CONCURRENCY=1",
		}, check: func(t *testing.T, c *Config) {
			kvk, bag := c.Sources["kvk"], c.Sources["bag"]
			if kvk.BaseURL != "http://127.0.0.1:18081" || kvk.APIKey != "k" || kvk.Timeout != 2*time.Second || kvk.Rate != "5/s" {
				t.Errorf("kvk = %+v", kvk)
			}
			if bag.Enabled || bag.Concurrency != 1 || bag.BaseURL != knownSources["bag"].BaseURL {
				t.Errorf("bag = %+v", bag)
			}
		}},
		{name: "unrelated variables ignored", env: []string{
			"VERRIJK_TOKEN=abc", "VERRIJK_TEST_REDIS=1", "VERRIJK_SOURCES_WEBCRAWLER_RATE=x", "HOME=/root", "NOEQUALS",
		}, check: func(t *testing.T, c *Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Fatalf("got %+v, want defaults", c)
			}
		}},
		{name: "bad env value names key", env: []string{"VERRIJK_ENRICHMENT_MAX_DEPTH=abc"}, err: `config: enrichment.max_depth: "abc" is not an integer`},
		{name: "bad env bool", env: []string{"VERRIJK_EGRESS_ALLOW_PRIVATE_NETWORKS=sure"}, err: `egress.allow_private_networks: "sure" is not true or false`},
		{name: "env validated", env: []string{"VERRIJK_SERVER_ADDR=x"}, err: `server.addr: "x" is not host:port`},
	})
}

func TestLoadMerging(t *testing.T) {
	runLoadCases(t, []loadCase{
		{name: "null keeps default", yaml: "sources:\n  kvk:\n    api_key:\n  bag:\nbootstrap_purposes:\n",
			check: func(t *testing.T, c *Config) {
				if !reflect.DeepEqual(c, Default()) {
					t.Fatalf("got %+v, want defaults", c)
				}
			}},
		{name: "empty string empties", yaml: "sources:\n  kvk:\n    api_key: \"\"\n",
			check: func(t *testing.T, c *Config) {
				if c.Sources["kvk"].APIKey != "" {
					t.Fatalf("api_key = %q", c.Sources["kvk"].APIKey)
				}
			}},
		{name: "empty file", yaml: "# nothing\n", check: func(t *testing.T, c *Config) {
			if !reflect.DeepEqual(c, Default()) {
				t.Fatalf("got %+v, want defaults", c)
			}
		}},
	})
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "config: loading") {
		t.Fatalf("missing file: err = %v", err)
	}
}

func TestDefaultsEqualReferenceFile(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	fromFile, err := Load("../configs/verrijk.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, Default()) {
		t.Fatalf("configs/verrijk.yaml differs from Default():\nfile    %+v\ndefault %+v", fromFile, Default())
	}
	noFile, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(noFile, Default()) {
		t.Fatalf("Load(\"\") differs from Default()")
	}
}

// TestReferenceFileListsEveryKey keeps configs/verrijk.yaml the complete
// reference: a new field must be documented there, each source's keys in
// that source's own block, and no source may list a key it does not use.
func TestReferenceFileListsEveryKey(t *testing.T) {
	b, err := os.ReadFile("../configs/verrijk.yaml")
	if err != nil {
		t.Fatal(err)
	}
	paths := leafPathSet()
	paths["sources.rdap.tld_servers"] = nil // a list of structs: no leaf, still a key
	paths["sources.social.platforms"] = nil
	for path := range paths {
		parts := strings.Split(path, ".")
		if len(parts) == 3 && parts[0] == "sources" && !keyApplies(parts[1], parts[2]) {
			if blockOf(string(b), parts) != "" {
				t.Errorf("configs/verrijk.yaml lists %s, which that source does not use", path)
			}
			continue
		}
		if blockOf(string(b), parts) == "" {
			t.Errorf("configs/verrijk.yaml does not list %s", path)
		}
	}
	if !strings.Contains(string(b), "\nbootstrap_purposes:") {
		t.Error("configs/verrijk.yaml does not list bootstrap_purposes")
	}
}

// blockOf returns the YAML text under the nested keys parts (two spaces of
// indent per level), or "" when a key is missing at its place.
func blockOf(doc string, parts []string) string {
	block := "\n" + doc
	indent := ""
	for _, p := range parts {
		i := strings.Index(block, "\n"+indent+p+":")
		if i < 0 {
			return ""
		}
		block = block[i+1+len(indent)+len(p)+1:]
		// the block ends at the next line indented no deeper than the key
		lines := strings.Split(block, "\n")
		end := len(block)
		off := len(lines[0]) + 1
		for _, l := range lines[1:] {
			trimmed := strings.TrimLeft(l, " ")
			if trimmed != "" && !strings.HasPrefix(trimmed, "#") && len(l)-len(trimmed) <= len(indent) {
				end = off - 1
				break
			}
			off += len(l) + 1
		}
		block = "\n" + block[:min(end, len(block))]
		indent += "  "
	}
	return block
}

func leafPathSet() map[string]reflect.Type {
	paths := make(map[string]reflect.Type)
	leafPaths(configType, "", paths)
	return paths
}

// configEnv holds every secret the example configs reference.
var configEnv = []string{
	"REDIS_PASSWORD=r", "VERRIJK_PG_PASSWORD=p", "ES_API_KEY=e", "KVK_API_KEY=k",
	"RDW_APP_TOKEN=rdw", "OPENSANCTIONS_API_KEY=os", "ELASTIC_PASSWORD=es",
}

// offlineSampleFile is the data_file of configs/offline-test.yaml, relative
// to the repository root where verrijk runs.
const offlineSampleFile = "sources/opensanctions/testdata/entities.ftm.json"

// inSampleDir runs the rest of the test in a fresh directory holding a file
// at offlineSampleFile, so configs/offline-test.yaml resolves its data_file
// without depending on the real sample. It returns the absolute configs dir.
func inSampleDir(t *testing.T) string {
	t.Helper()
	configs, err := filepath.Abs("../configs")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sample := filepath.Join(dir, filepath.FromSlash(offlineSampleFile))
	if err := os.MkdirAll(filepath.Dir(sample), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sample, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return configs
}

func TestEveryConfigFileLoads(t *testing.T) {
	configs := inSampleDir(t)
	files, err := filepath.Glob(filepath.Join(configs, "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("configs: %v %v", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "indicators.yaml" {
			continue // indicator rules, not a configuration: package indicators loads and tests it
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f, configEnv); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestProductionConfig(t *testing.T) {
	prod, err := Load("../configs/production.yaml", configEnv)
	if err != nil {
		t.Fatal(err)
	}
	if prod.Sources["kvk"].APIKey != "k" || prod.Sources["kvk"].BaseURL != "https://api.kvk.nl/api" ||
		!strings.HasPrefix(prod.Store.DSN, "postgres://verrijk:p@") || prod.Queue.RedisURL == "" {
		t.Errorf("production.yaml: %+v", prod)
	}
	if rdw := prod.Sources["rdw"]; rdw.APIKey != "rdw" || !rdw.Enabled || rdw.BaseURL != "https://opendata.rdw.nl" {
		t.Errorf("production.yaml rdw: %+v", rdw)
	}
	if osc := prod.Sources["opensanctions"]; !osc.Enabled || osc.APIKey != "os" || osc.DataFile != "" ||
		osc.BaseURL != "https://api.opensanctions.org" || osc.Dataset != "default" || osc.MinScore != 0.7 {
		t.Errorf("production.yaml opensanctions: %+v", osc)
	}
	for _, p := range prod.BootstrapPurposes {
		if !slices.Equal(slices.Sorted(slices.Values(p.AllowedSources)), KnownSources()) {
			t.Errorf("production.yaml purpose %s allows %v", p.ID, p.AllowedSources)
		}
	}
	if _, err := Load("../configs/production.yaml", nil); err == nil {
		t.Error("production.yaml loaded without its secrets")
	}
	for _, drop := range []string{"RDW_APP_TOKEN", "OPENSANCTIONS_API_KEY"} {
		env := slices.DeleteFunc(slices.Clone(configEnv), func(kv string) bool { return strings.HasPrefix(kv, drop+"=") })
		if _, err := Load("../configs/production.yaml", env); err == nil || !strings.Contains(err.Error(), drop+" is not set") {
			t.Errorf("production.yaml without %s: err = %v", drop, err)
		}
	}
}

func TestOfflineConfig(t *testing.T) {
	off, err := Load(filepath.Join(inSampleDir(t), "offline-test.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOfflineConfig(t, off)
}

// TestOfflineConfigAtRepoRoot loads the offline config where verrijk runs
// it, against the real sample file.
func TestOfflineConfigAtRepoRoot(t *testing.T) {
	t.Chdir("..")
	if _, err := os.Stat(offlineSampleFile); err != nil {
		t.Fatalf("the offline sample file is missing: %v", err)
	}
	off, err := Load("configs/offline-test.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkOfflineConfig(t, off)
}

func checkOfflineConfig(t *testing.T, off *Config) {
	t.Helper()
	want := Purpose{
		ID: "ondermijning-signaal", Name: off.BootstrapPurposes[0].Name,
		LegalBasis:          "AVG art. 6(1)(e) and art. 10; UAVG art. 33; Gemeentewet art. 172 (openbare orde)",
		ProcessingActivity:  "https://register.example-gemeente.nl/verwerkingen/ondermijning",
		Retention:           "P1Y",
		AllowedSources:      []string{"kvk", "bag", "rdw", "bekendmakingen", "rdap", "wayback", "opensanctions", "website", "social"},
		CriminalOffenceData: true,
	}
	if !off.Egress.AllowPrivateNetworks || len(off.BootstrapPurposes) != 1 || !reflect.DeepEqual(off.BootstrapPurposes[0], want) {
		t.Errorf("offline-test.yaml: %+v", off)
	}
	for i, name := range want.AllowedSources[:7] { // the sources with a base_url
		s := off.Sources[name]
		url := fmt.Sprintf("http://127.0.0.1:%d", 18081+i)
		if name == "bekendmakingen" {
			url += "/sru" // the SRU endpoint is the base itself; the replay serves it under /sru
		}
		if s.BaseURL != url || !s.Enabled {
			t.Errorf("offline-test.yaml %s: base_url %q enabled %v, want %s enabled", name, s.BaseURL, s.Enabled, url)
		}
	}
	if got := off.Sources["rdap"].BootstrapURL; got != "http://127.0.0.1:18085/bootstrap/dns.json" {
		t.Errorf("rdap bootstrap_url = %q", got)
	}
	if w := off.Sources["website"]; w.Proxy != "http://127.0.0.1:18088" || w.Delay != 0 || !w.Enabled {
		t.Errorf("offline-test.yaml website = %+v", w)
	}
	if p := off.Sources["social"].AdapterConfig().Platforms; len(p) != 6 || p["x"] != "http://127.0.0.1:18089/x" {
		t.Errorf("offline-test.yaml social platforms = %v", p)
	}
	if got := off.Sources["opensanctions"].DataFile; got != "./"+offlineSampleFile {
		t.Errorf("opensanctions data_file = %q", got)
	}
}

func TestEnvNames(t *testing.T) {
	names := envNames()
	for name, path := range map[string]string{
		"VERRIJK_SERVER_ADDR":                   "server.addr",
		"VERRIJK_DATA_DIR":                      "data_dir",
		"VERRIJK_QUEUE_REDIS_URL":               "queue.redis_url",
		"VERRIJK_INDEX_ELASTICSEARCH_ADDRESSES": "index.elasticsearch.addresses",
		"VERRIJK_SOURCES_KVK_API_KEY":           "sources.kvk.api_key",
		"VERRIJK_SOURCES_BAG_BASE_URL":          "sources.bag.base_url",
		"VERRIJK_LOG_FORMAT":                    "log.format",
	} {
		if names[name] != path {
			t.Errorf("%s maps to %q, want %q", name, names[name], path)
		}
	}
	if _, ok := names["VERRIJK_TOKEN"]; ok {
		t.Error("VERRIJK_TOKEN must not be a config key")
	}
	if len(names) != len(leafPathSet()) {
		t.Errorf("%d names for %d paths", len(names), len(leafPathSet()))
	}
}

// TestKnownSources pins the source table; a new adapter updates it here,
// in configs/verrijk.yaml and in sources/registry together.
func TestKnownSources(t *testing.T) {
	want := []string{"bag", "bekendmakingen", "kvk", "opensanctions", "rdap", "rdw", "social", "wayback", "website"}
	if got := KnownSources(); !slices.Equal(got, want) {
		t.Fatalf("KnownSources() = %v", got)
	}
	if got := slices.Sorted(maps.Keys(Default().Sources)); !slices.Equal(got, want) {
		t.Fatalf("Default().Sources = %v", got)
	}
}
