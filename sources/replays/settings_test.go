package replays

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"verrijk/config"
)

// The settings each replay renders load as configuration and point the
// source at the replay.
func TestSettingsLoad(t *testing.T) {
	var b strings.Builder
	b.WriteString("egress: {allow_private_networks: true}\nsources:\n")
	for _, r := range All {
		extra := ""
		if r.Source == "opensanctions" {
			extra = ", api_key: " + OpenSanctionsAPIKey
		}
		fmt.Fprintf(&b, "  %s: {%s%s}\n", r.Source, r.Settings(fmt.Sprintf("http://127.0.0.1:%d", r.Port)), extra)
	}
	path := filepath.Join(t.TempDir(), "replays.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if w := c.Sources["website"]; w.Proxy != "http://127.0.0.1:18088" || w.Delay != 0 {
		t.Errorf("website = %+v", w)
	}
	if p := c.Sources["social"].AdapterConfig().Platforms; len(p) != 6 || p["instagram"] != "http://127.0.0.1:18089/instagram" {
		t.Errorf("social platforms = %v", p)
	}
	if got := c.Sources["bekendmakingen"].BaseURL; got != "http://127.0.0.1:18084/sru" {
		t.Errorf("bekendmakingen base_url = %q", got)
	}
}
