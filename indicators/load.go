package indicators

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"verrijk/configs"
)

// builtinName names the rules compiled into the binary in messages.
const builtinName = "built-in configs/indicators.yaml"

// LoadFile reads and validates the rules file at path.
func LoadFile(path string) (*Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("indicators: reading rules: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("indicators: reading %s: %w", path, err)
	}
	return parseWithDigest(data, path)
}

// Builtin returns the rules shipped in the binary: configs/indicators.yaml
// as it was at build time.
func Builtin() (*Rules, error) {
	return parseWithDigest(configs.IndicatorRules, builtinName)
}

// Open returns the rules at path and the path to follow for changes. When
// the file does not exist and fallback is set (path is the default, which
// is relative to the working directory), the built-in rules are used and
// the path to follow is "": a binary started outside the repository still
// has its rules. A file that exists but is invalid is always an error.
func Open(path string, fallback bool) (*Rules, string, error) {
	rs, err := LoadFile(path)
	if err == nil {
		return rs, path, nil
	}
	if fallback && errors.Is(err, fs.ErrNotExist) {
		rs, berr := Builtin()
		return rs, "", berr
	}
	return nil, "", err
}

func parseWithDigest(data []byte, name string) (*Rules, error) {
	rs, err := Parse(data, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	rs.Digest = hex.EncodeToString(sum[:])
	return rs, nil
}
