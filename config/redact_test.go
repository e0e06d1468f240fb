package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestRedactedHidesSecrets(t *testing.T) {
	yaml := `
queue:
  redis_url: redis://user:${REDIS_PW}@redis:6379/0
store:
  dsn: postgres://verrijk:${PG_PW}@db:5432/verrijk?sslmode=disable&password=${PG_PW}
index:
  backend: elasticsearch
  elasticsearch:
    addresses: ["https://elastic:${ES_PW}@es:9200"]
    api_key: ${ES_KEY}
egress:
  proxy: socks5h://tor:${PROXY_PW}@127.0.0.1:9050
sources:
  kvk:
    api_key: ${KVK_KEY}
`
	secrets := map[string]string{
		"REDIS_PW": "redissecret", "PG_PW": "pgsecret", "ES_PW": "essecret",
		"ES_KEY": "eskeysecret", "PROXY_PW": "proxysecret", "KVK_KEY": "kvksecret",
	}
	var env []string
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	runLoadCases(t, []loadCase{{name: "all secrets", yaml: yaml, env: env, check: func(t *testing.T, c *Config) {
		before := *c.Redacted() // also proves Redacted works on a loaded config twice
		r := c.Redacted()
		out, err := r.YAML()
		if err != nil {
			t.Fatal(err)
		}
		for name, secret := range secrets {
			if strings.Contains(string(out), secret) {
				t.Errorf("redacted YAML shows %s:\n%s", name, out)
			}
		}
		for _, keep := range []string{"redis:6379", "db:5432", "es:9200", "127.0.0.1:9050", "https://api.pdok.nl", Mask} {
			if !strings.Contains(string(out), keep) {
				t.Errorf("redacted YAML lost %q:\n%s", keep, out)
			}
		}
		if c.Sources["kvk"].APIKey != "kvksecret" || !strings.Contains(c.Store.DSN, "pgsecret") {
			t.Error("Redacted changed the original")
		}
		if !reflect.DeepEqual(before, *r) {
			t.Error("Redacted is not deterministic")
		}
		r.Sources["bag"] = Source{}
		r.Index.Elasticsearch.Addresses[0] = "changed"
		if c.Sources["bag"].BaseURL == "" || c.Index.Elasticsearch.Addresses[0] == "changed" {
			t.Error("Redacted shares maps or slices with the original")
		}
	}}})
}

func TestRedactedKeepsEmpty(t *testing.T) {
	r := Default().Redacted()
	if r.Store.DSN != "" || r.Queue.RedisURL != "" || r.Sources["bag"].APIKey != "" {
		t.Errorf("empty values must stay empty: %+v", r)
	}
	if r.Sources["kvk"].APIKey != Mask {
		t.Errorf("kvk api_key = %q, want masked", r.Sources["kvk"].APIKey)
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	c := Default()
	c.BootstrapPurposes = []Purpose{{ID: "ab", Name: "n", LegalBasis: "l", Retention: "P1Y", AllowedSources: []string{"kvk"}}}
	out, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	runLoadCases(t, []loadCase{{name: "round trip", yaml: string(out), check: func(t *testing.T, got *Config) {
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip differs:\n%s", out)
		}
	}}})
}

func TestEgressConfig(t *testing.T) {
	c := Default()
	c.Egress = Egress{Proxy: "socks5h://127.0.0.1:9050", UserAgent: "ua", AllowPrivateNetworks: true, MaxResponseBytes: 5, CAFiles: []string{"a.pem"}}
	e := c.EgressConfig()
	if e.Proxy != c.Egress.Proxy || e.UserAgent != "ua" || !e.AllowPrivateNetworks || e.MaxResponseBytes != 5 || e.ExtraCAFiles[0] != "a.pem" {
		t.Fatalf("EgressConfig() = %+v", e)
	}
}
