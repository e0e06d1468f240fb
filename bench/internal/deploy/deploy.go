// Package deploy runs verrijk the way an operator does, for the benchmarks
// in bench/ratelimit and bench/memory: it builds the binary, starts `serve`
// and `worker` as real processes, and prepares (and cleans up) a fresh
// PostgreSQL database and a flushed Redis database for them.
package deploy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build compiles cmd/verrijk into dir and returns the binary's path. It
// runs `go build` on the import path, so it works from anywhere inside the
// module (`go run ./bench/...` starts in the repository root).
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "verrijk")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "verrijk/cmd/verrijk")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building verrijk: %w\n%s", err, out)
	}
	return bin, nil
}

// WriteConfig writes yaml as dir/verrijk.yaml and returns its path.
func WriteConfig(dir, yaml string) (string, error) {
	path := filepath.Join(dir, "verrijk.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		return "", fmt.Errorf("writing config: %w", err)
	}
	return path, nil
}
