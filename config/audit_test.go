package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuditPseudonymKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.yaml")
	if err := os.WriteFile(path, []byte("audit:\n  pseudonym_key: ${PSEUDO_KEY}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, []string{"PSEUDO_KEY=short"}); err == nil || !strings.Contains(err.Error(), "audit.pseudonym_key") ||
		strings.Contains(err.Error(), "short") {
		t.Errorf("a short key: %v (must name the key, never the value)", err)
	}
	cfg, err := Load(path, []string{"PSEUDO_KEY=a-long-enough-secret-key"})
	if err != nil || cfg.Audit.PseudonymKey != "a-long-enough-secret-key" {
		t.Fatalf("Load = %+v, %v", cfg, err)
	}
	if got := cfg.Redacted().Audit.PseudonymKey; got != Mask {
		t.Errorf("Redacted key = %q", got)
	}
	if _, err := Load(path, nil); err == nil || !strings.Contains(err.Error(), "PSEUDO_KEY") {
		t.Errorf("missing secret: %v", err)
	}
}
