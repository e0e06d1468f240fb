package registry

import (
	"slices"
	"testing"

	"verrijk/config"
	"verrijk/egress"
	"verrijk/sources"
)

// TestNames pins the list of sources: adding one is a deliberate change.
func TestNames(t *testing.T) {
	want := []string{"bag", "bekendmakingen", "kvk", "opensanctions", "rdap", "rdw", "social", "wayback", "website"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
}

// TestConfigKnowsEverySource keeps the registry and the configuration's
// table of sources in step: a source without config cannot be enabled, and
// config for a source without an adapter would silently do nothing.
func TestConfigKnowsEverySource(t *testing.T) {
	if got := config.KnownSources(); !slices.Equal(got, Names()) {
		t.Fatalf("config knows %v, registry has %v", got, Names())
	}
}

func TestEveryEntryBuildsItsOwnName(t *testing.T) {
	c, err := egress.New(egress.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		f, ok := Lookup(name)
		if !ok {
			t.Fatalf("Lookup(%q) not found", name)
		}
		if got := f(c, sources.Config{}).Name(); got != name {
			t.Errorf("factory %q builds a source named %q", name, got)
		}
		d := Defaults(name)
		// website and social take no base_url; config refuses one for them.
		takesBase := config.UsesKey(name, "base_url")
		if takesBase && (d.BaseURL == "" || d.BaseURL[:8] != "https://") {
			t.Errorf("%s: default base_url %q is not an https URL", name, d.BaseURL)
		} else if !takesBase && d.BaseURL != "" {
			t.Errorf("%s: has a default base_url %q, but config refuses base_url for it", name, d.BaseURL)
		}
		if s, ok := New(name, c, sources.Config{}); !ok || s.Name() != name {
			t.Errorf("New(%q) = %v, %v", name, s, ok)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
	if _, ok := New("nope", c, sources.Config{}); ok {
		t.Error("New(nope) built something")
	}
}

func TestKvKDefaultsToTheTestEnvironment(t *testing.T) {
	d := Defaults("kvk")
	if d.BaseURL != "https://api.kvk.nl/test/api" || d.APIKey == "" {
		t.Fatalf("kvk defaults = %+v", d)
	}
	if Defaults("bag").APIKey != "" {
		t.Fatal("bag needs no key")
	}
}
