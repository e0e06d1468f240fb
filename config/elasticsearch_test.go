package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestElasticsearchKeys(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "http_ca.crt")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	es := "index:\n  backend: elasticsearch\n  elasticsearch:\n    addresses: [https://es:9200]\n"
	runLoadCases(t, []loadCase{
		{name: "basic auth and CA", yaml: es + "    username: verrijk\n    password: ${ES_PASSWORD}\n    ca_file: " + ca + "\n",
			env: []string{"ES_PASSWORD=s3cr3t-es"}, check: func(t *testing.T, c *Config) {
				got := c.Index.Elasticsearch
				if got.Username != "verrijk" || got.Password != "s3cr3t-es" || got.CAFile != ca {
					t.Fatalf("elasticsearch = %+v", got)
				}
				r := c.Redacted().Index.Elasticsearch
				if r.Password != Mask || r.Username != "verrijk" {
					t.Errorf("redacted = %+v", r)
				}
				out, _ := c.Redacted().YAML()
				if strings.Contains(string(out), "s3cr3t-es") {
					t.Errorf("YAML of the redacted config shows the password")
				}
			}},
		{name: "from the environment", env: []string{
			"VERRIJK_INDEX_BACKEND=elasticsearch",
			"VERRIJK_INDEX_ELASTICSEARCH_ADDRESSES=https://es:9200",
			"VERRIJK_INDEX_ELASTICSEARCH_USERNAME=u",
			"VERRIJK_INDEX_ELASTICSEARCH_PASSWORD=p",
			"VERRIJK_INDEX_ELASTICSEARCH_CA_FILE=" + ca,
		}, check: func(t *testing.T, c *Config) {
			if got := c.Index.Elasticsearch; got.Username != "u" || got.Password != "p" || got.CAFile != ca {
				t.Fatalf("elasticsearch = %+v", got)
			}
		}},
		{name: "password without username", yaml: es + "    password: x\n", err: "index.elasticsearch.username: username and password go together"},
		{name: "username without password", yaml: es + "    username: x\n", err: "index.elasticsearch.username"},
		{name: "CA file blank", yaml: es + "    ca_file: \"  \"\n", err: "index.elasticsearch.ca_file: must not be blank"},
	})
}
