package main

import (
	"os"
	"path/filepath"
	"testing"

	"verrijk/config"
)

func TestReadRSSOfSelf(t *testing.T) {
	rss, err := readRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || rss > 1<<40 {
		t.Errorf("rss of the test process: %d bytes", rss)
	}
}

// TestConfigLoads keeps the generated config in step with verrijk's keys.
func TestConfigLoads(t *testing.T) {
	o := options{concurrency: 4, redisURL: "redis://127.0.0.1:6379/10"}
	path := filepath.Join(t.TempDir(), "verrijk.yaml")
	yaml := configYAML(o, "127.0.0.1:1", t.TempDir(), "postgres://postgres@127.0.0.1:5432/x?sslmode=disable",
		"http://127.0.0.1:2", "http://127.0.0.1:3")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	for name, sc := range cfg.Sources {
		want := name == "rdw" || name == "kvk"
		if sc.Enabled != want {
			t.Errorf("source %s enabled %v, want %v", name, sc.Enabled, want)
		}
		if want && (sc.CacheTTL != 0 || sc.Rate != "100000/s") {
			t.Errorf("source %s: %+v", name, sc)
		}
	}
}
