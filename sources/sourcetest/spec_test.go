package sourcetest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestSpecCopiesAreVerbatim: the repository's copies of the OpenAPI
// documents equal the shared originals, where those lie beside the
// repository (as in CI); a clone elsewhere has only the copies.
func TestSpecCopiesAreVerbatim(t *testing.T) {
	root := ModuleRoot(t)
	shared := filepath.Join(root, "..", "shared", "specs")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared/specs beside the repository to compare with (%v)", err)
	}
	copies := filepath.Join(root, "third_party", "specs")
	n := 0
	err := filepath.WalkDir(shared, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, path)
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(copies, rel))
		if err != nil {
			t.Errorf("%s is not copied into third_party/specs: %v", rel, err)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("third_party/specs/%s differs from shared/specs/%s: copy it again", rel, rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("shared/specs holds no files")
	}
}
