// Package esindex is the shared search index: Elasticsearch 8, for
// deployments where several processes write and search.
//
// Documents live in versioned indices, <prefix>-entities-v<N>-<timestamp>,
// that get their settings and mappings from the index template
// <prefix>-entities. Every read and write goes through the alias
// <prefix>-entities, which points at exactly one of them; Rebuild fills a
// new one from the store and moves the alias in one atomic step, so a
// rebuild (`verrijk reindex`) needs no downtime.
package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"

	"github.com/elastic/go-elasticsearch/v8"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

var _ index.Index = (*Index)(nil)

// Index is an Elasticsearch-backed index.Index, safe for concurrent use.
type Index struct {
	client *elasticsearch.Client
	cfg    Config
	alias  string // <prefix>-entities: the name every read and write uses
}

// Open connects to the cluster, installs or upgrades the index template,
// and creates the first index behind the alias if there is none yet.
// An alias pointing at an index of an older mapping version is used as it
// is, with a warning: `verrijk reindex` moves it to the current version
// without downtime.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	client, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	x := &Index{client: client, cfg: cfg, alias: cfg.IndexPrefix + "-entities"}
	if err := x.ensureTemplate(ctx); err != nil {
		x.Close()
		return nil, err
	}
	live, err := x.aliasTarget(ctx)
	if err != nil {
		x.Close()
		return nil, err
	}
	if live == "" {
		if err := x.createFirst(ctx); err != nil {
			x.Close()
			return nil, err
		}
		return x, nil
	}
	if v := indexVersion(x.alias, live); v < MappingVersion {
		cfg.Log.Warn("the search index has an older mapping; run `verrijk reindex` to rebuild it",
			"index", live, "mapping_version", v, "current", MappingVersion)
		if err := x.addNewFields(ctx, live); err != nil {
			cfg.Log.Warn("the older search index refuses the current fields; writes to it fail until `verrijk reindex`",
				"index", live, "err", err)
		}
	}
	return x, nil
}

// addNewFields maps the template's fields on an older live index. Its
// strict mapping would otherwise refuse every document of the current
// shape, so nothing would be indexed until a reindex; with the fields
// added, writes go on and what is written is found. Documents written
// before keep their old shape until the reindex (a field they lack, such
// as teams in version 2, does not match them).
func (x *Index) addNewFields(ctx context.Context, live string) error {
	body, err := json.Marshal(obj{"properties": templateProperties()})
	if err != nil {
		return err
	}
	_, err = x.do(ctx, "PUT", "/"+url.PathEscape(live)+"/_mapping", nil, body, false)
	return err
}

// Alias is the name searches and writes use.
func (x *Index) Alias() string { return x.alias }

// Close releases the client's connections.
func (x *Index) Close() error {
	if err := x.client.Close(context.Background()); err != nil {
		return fmt.Errorf("closing elasticsearch client: %w", err)
	}
	return nil
}

func (x *Index) templatePath() string { return "/_index_template/" + x.alias }

// pattern matches every versioned index of this prefix, and nothing else:
// the v keeps another prefix that merely starts with this one out.
func (x *Index) pattern() string { return x.alias + "-v*" }

// ensureTemplate installs the index template unless the cluster already
// has this version or a newer one (put there by a newer verrijk, which an
// older process starting late must not undo).
func (x *Index) ensureTemplate(ctx context.Context) error {
	raw, err := x.do(ctx, "GET", x.templatePath(), nil, nil, false)
	switch {
	case isStatus(err, 404):
	case err != nil:
		return fmt.Errorf("reading the index template: %w", err)
	default:
		var got struct {
			IndexTemplates []struct {
				Name          string `json:"name"`
				IndexTemplate struct {
					Version int `json:"version"`
				} `json:"index_template"`
			} `json:"index_templates"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			return fmt.Errorf("reading the index template: %w", err)
		}
		for _, t := range got.IndexTemplates {
			if t.Name == x.alias && t.IndexTemplate.Version >= MappingVersion {
				return nil
			}
		}
	}
	body, err := json.Marshal(indexTemplate(x.pattern()))
	if err != nil {
		return err
	}
	if _, err := x.do(ctx, "PUT", x.templatePath(), nil, body, false); err != nil {
		return fmt.Errorf("installing the index template: %w", err)
	}
	return nil
}

// aliasTarget returns the index the alias points at, or "" when there is
// no alias yet.
func (x *Index) aliasTarget(ctx context.Context) (string, error) {
	raw, err := x.do(ctx, "GET", "/_alias/"+x.alias, nil, nil, false)
	if isStatus(err, 404) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading alias %s: %w", x.alias, err)
	}
	var got map[string]struct {
		Aliases map[string]struct {
			IsWriteIndex *bool `json:"is_write_index"`
		} `json:"aliases"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return "", fmt.Errorf("reading alias %s: %w", x.alias, err)
	}
	names := make([]string, 0, len(got))
	for name, a := range got {
		if w := a.Aliases[x.alias].IsWriteIndex; w != nil && *w {
			return name, nil
		}
		names = append(names, name)
	}
	if len(names) != 1 {
		sort.Strings(names)
		return "", fmt.Errorf("alias %s points at %d indices %v and none is its write index; point it at one", x.alias, len(names), names)
	}
	return names[0], nil
}

// versionedName names a new index.
func (x *Index) versionedName() string {
	return fmt.Sprintf("%s-v%d-%s", x.alias, MappingVersion, x.cfg.Now().UTC().Format("20060102t150405"))
}

var versionPattern = regexp.MustCompile(`-v([0-9]+)-[0-9]{8}t[0-9]{6}$`)

// indexVersion reads the mapping version from a versioned index name; 0
// for a name not made by versionedName.
func indexVersion(alias, name string) int {
	m := versionPattern.FindStringSubmatch(name)
	if m == nil || len(name) <= len(alias) || name[:len(alias)] != alias {
		return 0
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// createFirst creates the first versioned index with the alias on it in
// one request. Two processes starting at once may both try; the loser's
// request fails, and it finds the winner's alias.
func (x *Index) createFirst(ctx context.Context) error {
	name := x.versionedName()
	body, _ := json.Marshal(obj{"aliases": obj{x.alias: obj{"is_write_index": true}}})
	_, err := x.do(ctx, "PUT", "/"+url.PathEscape(name), nil, body, false)
	if err == nil {
		return nil
	}
	if live, aerr := x.aliasTarget(ctx); aerr == nil && live != "" {
		return nil
	}
	return fmt.Errorf("creating index %s: %w", name, err)
}

// Upsert replaces the indexed copies of entities, keyed by entity id. When
// one call holds an id twice the last copy wins.
func (x *Index) Upsert(ctx context.Context, entities ...entity.Entity) error {
	ops, err := indexOps(x.alias, entities)
	if err != nil {
		return err
	}
	return x.bulk(ctx, ops, x.cfg.Refresh)
}

// indexOps builds one index action per distinct id, the last copy of each,
// in first-seen order: a retried earlier copy must not overwrite a later.
func indexOps(target string, entities []entity.Entity) ([]bulkOp, error) {
	last := make(map[string]int, len(entities))
	for i, e := range entities {
		if e.ID == "" {
			return nil, fmt.Errorf("indexing entity without id (caption %q)", e.Caption)
		}
		last[e.ID] = i
	}
	ops := make([]bulkOp, 0, len(last))
	for i, e := range entities {
		if last[e.ID] != i {
			continue
		}
		doc, err := toDocument(e)
		if err != nil {
			return nil, err
		}
		ops = append(ops, bulkOp{action: "index", index: target, id: e.ID, doc: doc})
	}
	return ops, nil
}

// Delete removes entities by id from every versioned index, not only the
// one behind the alias: a rebuild under way must not carry an entity the
// retention sweep just deleted into the index it is about to swap in.
// Only the live index gets the refresh policy: an index being built has
// refreshing off, and refresh=wait_for on it would wait until the rebuild
// refreshes it. Unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	targets, err := x.indicesByAlias(ctx)
	if err != nil {
		return err
	}
	var live, building []bulkOp
	for _, t := range targets {
		for _, id := range ids {
			op := bulkOp{action: "delete", index: t.name, id: id}
			if t.live {
				live = append(live, op)
			} else {
				building = append(building, op)
			}
		}
	}
	if err := x.bulk(ctx, building, "false"); err != nil {
		return err
	}
	return x.bulk(ctx, live, x.cfg.Refresh)
}

type versioned struct {
	name string
	live bool // behind the alias
}

// indicesByAlias lists the versioned indices, sorted, and which one the
// alias points at.
func (x *Index) indicesByAlias(ctx context.Context) ([]versioned, error) {
	raw, err := x.do(ctx, "GET", "/"+x.pattern()+"/_alias", nil, nil, false)
	if err != nil {
		return nil, fmt.Errorf("listing the versioned indices: %w", err)
	}
	var got map[string]struct {
		Aliases map[string]json.RawMessage `json:"aliases"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return nil, fmt.Errorf("listing the versioned indices: %w", err)
	}
	out := make([]versioned, 0, len(got))
	for name, v := range got {
		_, live := v.Aliases[x.alias]
		out = append(out, versioned{name: name, live: live})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// versionedIndices lists the names of the versioned indices, sorted.
func (x *Index) versionedIndices(ctx context.Context) ([]string, error) {
	all, err := x.indicesByAlias(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = v.name
	}
	return names, nil
}
