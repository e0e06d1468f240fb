package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The schema of the configuration is the Config type itself: its koanf tags
// name the keys. Walking it (rather than keeping a second list of keys)
// means a new field is at once accepted in YAML, settable by environment
// variable and rendered in YAML output.

var (
	configType   = reflect.TypeFor[Config]()
	durationType = reflect.TypeFor[time.Duration]()
)

// field finds the struct field tagged with key.
func field(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("koanf") == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// leafPaths lists every dotted key path that takes a single value, with
// sources expanded to the known source names. Lists of structs
// (bootstrap_purposes, tld_servers) have no single-value form and are left
// out. Keys a source does not use (sources.bag.min_score) are kept, so
// their variables are refused by name rather than silently ignored.
func leafPaths(t reflect.Type, prefix string, out map[string]reflect.Type) {
	switch {
	case t == durationType:
		out[prefix] = t
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			leafPaths(f.Type, join(prefix, f.Tag.Get("koanf")), out)
		}
	case t.Kind() == reflect.Map:
		for name := range knownSources {
			leafPaths(t.Elem(), join(prefix, name), out)
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		// not settable from a single string
	default:
		out[prefix] = t
	}
}

// toMap renders v as the nested map koanf holds, with durations as text so
// the same map can be loaded back or printed as YAML.
func toMap(v reflect.Value) any {
	switch {
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case v.Kind() == reflect.Struct:
		m := make(map[string]any, v.NumField())
		for i := range v.NumField() {
			m[v.Type().Field(i).Tag.Get("koanf")] = toMap(v.Field(i))
		}
		return m
	case v.Kind() == reflect.Map:
		m := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			name, rendered := iter.Key().String(), toMap(iter.Value())
			if sm, ok := rendered.(map[string]any); ok && v.Type().Elem() == sourceType {
				dropForeign(name, sm)
			}
			m[name] = rendered
		}
		return m
	case v.Kind() == reflect.Slice:
		s := make([]any, v.Len())
		for i := range v.Len() {
			s[i] = toMap(v.Index(i))
		}
		return s
	default:
		return v.Interface()
	}
}

// normalizer checks a merged raw map against the schema and converts every
// leaf to the exact Go type of its field, so that decoding afterwards cannot
// fail and every problem is reported here with its key path.
type normalizer struct {
	lookup func(name string) (string, bool)
	errs   []error
}

func (n *normalizer) fail(path, format string, args ...any) {
	n.errs = append(n.errs, fmt.Errorf("config: %s: "+format, append([]any{path}, args...)...))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// value returns v converted for a field of type t at path, or nil after
// recording an error.
func (n *normalizer) value(path string, t reflect.Type, v any) any {
	switch {
	case t == durationType:
		s, secret, ok := n.scalar(path, v)
		if !ok {
			return nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			n.fail(path, "%s is not a duration (e.g. 15s, 2m)", show(s, secret))
			return nil
		}
		return d
	case t.Kind() == reflect.Struct:
		return n.object(path, t, v)
	case t.Kind() == reflect.Map:
		return n.sources(path, t, v)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		list, ok := v.([]any)
		if !ok {
			n.fail(path, "must be a list")
			return nil
		}
		out := make([]any, 0, len(list))
		for i, item := range list {
			out = append(out, n.object(fmt.Sprintf("%s[%d]", path, i), t.Elem(), item))
		}
		return out
	case t.Kind() == reflect.Slice:
		return n.strings(path, v)
	default:
		return n.basic(path, t.Kind(), v)
	}
}

func (n *normalizer) object(path string, t reflect.Type, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		n.fail(path, "must be a mapping")
		return nil
	}
	out := make(map[string]any, len(m))
	for _, key := range sortedKeys(m) {
		f, ok := field(t, key)
		if !ok {
			n.errs = append(n.errs, fmt.Errorf("config: unknown key %q", join(path, key)))
			continue
		}
		if m[key] == nil {
			continue
		}
		if conv := n.value(join(path, key), f.Type, m[key]); conv != nil {
			out[key] = conv
		}
	}
	return out
}

func (n *normalizer) sources(path string, t reflect.Type, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		n.fail(path, "must be a mapping")
		return nil
	}
	out := make(map[string]any, len(m))
	for _, name := range sortedKeys(m) {
		if _, ok := knownSources[name]; !ok {
			n.fail(join(path, name), "unknown source (known: %s)", strings.Join(KnownSources(), ", "))
			continue
		}
		out[name] = n.object(join(path, name), t.Elem(), n.ownKeys(join(path, name), name, m[name]))
	}
	return out
}

// ownKeys reports keys that source does not use (min_score on bag) and
// returns v without them. The defaults never hold such keys (Map drops
// them), so any found here came from the file or the environment.
func (n *normalizer) ownKeys(path, source string, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for _, key := range sortedKeys(m) {
		if !keyApplies(source, key) {
			n.fail(join(path, key), "%s", notUsed(source, key))
			continue
		}
		out[key] = m[key]
	}
	return out
}

// strings accepts a YAML list or, as environment variables deliver it, one
// comma-separated string.
func (n *normalizer) strings(path string, v any) []string {
	var items []any
	switch v := v.(type) {
	case []any:
		items = v
	case string:
		for part := range strings.SplitSeq(v, ",") {
			items = append(items, part)
		}
	default:
		n.fail(path, "must be a list")
		return nil
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		s, _, ok := n.scalar(fmt.Sprintf("%s[%d]", path, i), item)
		if s = strings.TrimSpace(s); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (n *normalizer) basic(path string, kind reflect.Kind, v any) any {
	s, secret, ok := n.scalar(path, v)
	if !ok {
		return nil
	}
	switch kind {
	case reflect.String:
		return s
	case reflect.Bool:
		if b, ok := v.(bool); ok {
			return b
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1", "yes":
			return true
		case "false", "0", "no":
			return false
		}
		n.fail(path, "%s is not true or false", show(s, secret))
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || (kind == reflect.Int && int64(int(i)) != i) {
			n.fail(path, "%s is not an integer", show(s, secret))
			return nil
		}
		if kind == reflect.Int {
			return int(i)
		}
		return i
	case reflect.Float64:
		// YAML gives float64 or int; the environment gives text. Both go
		// through the text so the error is the same.
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			n.fail(path, "%s is not a number", show(s, secret))
			return nil
		}
		return f
	default:
		n.fail(path, "unsupported type %s", kind)
	}
	return nil
}

// scalar returns v as text with ${NAME} references expanded; secret reports
// whether a reference was expanded, so errors can avoid echoing the value.
func (n *normalizer) scalar(path string, v any) (s string, secret, ok bool) {
	switch v := v.(type) {
	case map[string]any, []any:
		n.fail(path, "must be a single value")
		return "", false, false
	case string:
		out, expanded, err := expand(v, n.lookup)
		if err != nil {
			n.fail(path, "%v", err)
			return "", false, false
		}
		return out, expanded, true
	default:
		return fmt.Sprint(v), false, true
	}
}

// show quotes a bad value for an error message unless it came from the
// environment through ${NAME}, which is where secrets live.
func show(s string, secret bool) string {
	if secret {
		return "the value from the environment"
	}
	return fmt.Sprintf("%q", s)
}
