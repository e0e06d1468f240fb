package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/knadh/koanf/maps"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// EnvPrefix starts every environment variable that overrides a key.
const EnvPrefix = "VERRIJK_"

// Load builds the configuration from defaults, then the YAML file at path
// (none if path is ""), then VERRIJK_* variables in environ (as from
// os.Environ), expands ${NAME} references from environ and validates the
// result. Errors name their keys. Unknown keys, wrong types and missing
// secrets are all reported together; value checks (Validate) follow once
// those are fixed, since they need a complete config.
func Load(path string, environ []string) (*Config, error) {
	env := environMap(environ)

	k := koanf.New(".")
	if err := k.Load(mapProvider(Default().Map()), nil); err != nil {
		return nil, fmt.Errorf("config: loading defaults: %w", err)
	}
	if path != "" {
		if err := k.Load(file.Provider(path), yaml.Parser(), koanf.WithMergeFunc(mergeFile)); err != nil {
			return nil, fmt.Errorf("config: loading %s: %w", path, err)
		}
	}
	if err := k.Load(mapProvider(envOverrides(env)), nil); err != nil {
		return nil, fmt.Errorf("config: loading environment: %w", err)
	}

	n := normalizer{lookup: func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}}
	clean := n.object("", configType, k.Raw())
	if len(n.errs) > 0 {
		return nil, errors.Join(n.errs...)
	}

	// clean holds exactly the field types, so decoding cannot fail on
	// input; an error here is a bug in the normalizer.
	dk := koanf.New(".")
	if err := dk.Load(mapProvider(clean), nil); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	if err := dk.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("config: decoding: %w", err)
	}
	c.canonicalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Map renders c as nested maps keyed like the YAML file, durations as text.
func (c *Config) Map() map[string]any {
	return toMap(reflect.ValueOf(c).Elem()).(map[string]any)
}

// mapProvider hands an already built map to koanf.
type mapProvider map[string]any

func (m mapProvider) ReadBytes() ([]byte, error) {
	return nil, errors.New("map provider does not read bytes")
}

func (m mapProvider) Read() (map[string]any, error) { return m, nil }

// mergeFile merges a YAML file over the defaults. A key written with no
// value (`api_key:`) is YAML null; it leaves the default in place instead of
// wiping a whole block such as `sources: {kvk: }`.
func mergeFile(src, dest map[string]any) error {
	dropNulls(src)
	maps.Merge(src, dest)
	return nil
}

func dropNulls(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			dropNulls(v)
		}
	}
}

// envNames maps each VERRIJK_* variable name to its key path. Key names
// contain "_" themselves (data_dir, redis_url), so the mapping comes from
// the known paths instead of replacing "_" by ".".
var envNames = sync.OnceValue(func() map[string]string {
	paths := make(map[string]reflect.Type)
	leafPaths(configType, "", paths)
	names := make(map[string]string, len(paths))
	for path := range paths {
		name := EnvName(path)
		if other, dup := names[name]; dup {
			panic(fmt.Sprintf("config: keys %s and %s share variable %s", path, other, name))
		}
		names[name] = path
	}
	return names
})

// EnvName is the environment variable that overrides key path, e.g.
// "sources.kvk.api_key" → "VERRIJK_SOURCES_KVK_API_KEY".
func EnvName(path string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// envOverrides picks the variables that name a key. Other VERRIJK_*
// variables (VERRIJK_TOKEN for the client commands, test settings) are not
// configuration and are ignored.
func envOverrides(env map[string]string) map[string]any {
	flat := make(map[string]any)
	for name, path := range envNames() {
		if v, ok := env[name]; ok {
			flat[path] = v
		}
	}
	return maps.Unflatten(flat, ".")
}

func environMap(environ []string) map[string]string {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if name, value, ok := strings.Cut(kv, "="); ok && name != "" {
			env[name] = value
		}
	}
	return env
}

// canonicalize makes empty lists nil, so a config loaded from a file that
// spells out `addresses: []` equals Default().
func (c *Config) canonicalize() {
	if c.Sources == nil {
		c.Sources = make(map[string]Source)
	}
	for name, s := range c.Sources {
		if len(s.TLDServers) == 0 {
			s.TLDServers = nil
			c.Sources[name] = s
		}
		if len(s.Platforms) == 0 {
			s.Platforms = nil
			c.Sources[name] = s
		}
	}
	c.Index.Elasticsearch.Addresses = nilIfEmpty(c.Index.Elasticsearch.Addresses)
	c.Egress.CAFiles = nilIfEmpty(c.Egress.CAFiles)
	c.Egress.AllowCIDRs = nilIfEmpty(c.Egress.AllowCIDRs)
	if len(c.BootstrapPurposes) == 0 {
		c.BootstrapPurposes = nil
	}
	for i := range c.BootstrapPurposes {
		c.BootstrapPurposes[i].AllowedSources = nilIfEmpty(c.BootstrapPurposes[i].AllowedSources)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
