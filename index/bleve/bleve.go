// Package bleveindex is the embedded search index: a Bleve (scorch) index in
// the data directory, rebuilt from the store by `verrijk reindex`.
//
// Each entity is one document holding the entity JSON whole, so a hit
// returns the full entity with provenance and signal links, plus search
// fields: caption and text (accent-folded), schema, normalised identifiers,
// purposes, signals and the latest link expiry.
package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/blevesearch/bleve/v2"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

var _ index.Index = (*Index)(nil)

// batchSize bounds how many documents one Bleve batch holds, so a reindex
// of the whole store does not build one giant batch in memory.
const batchSize = 500

// Index is a Bleve-backed index.Index. It is safe for concurrent use: Bleve
// serialises writers itself and searches run against snapshots.
type Index struct {
	idx bleve.Index
}

// ErrStaleMapping is returned by Open for an index built with an older
// mapping: rebuild it with `verrijk reindex`.
var ErrStaleMapping = errors.New("the index was built by an older verrijk; rebuild it with `verrijk reindex`")

// Open opens the index at path, creating it if path does not exist or is an
// empty directory. An existing index keeps the mapping it was created with;
// one older than MappingVersion is refused with ErrStaleMapping.
func Open(path string) (*Index, error) {
	idx, err := bleve.Open(path)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || (errors.Is(err, bleve.ErrorIndexMetaMissing) && isEmptyDir(path)) {
		return create(path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening index at %s: %w", path, err)
	}
	if v, err := mappingVersion(idx); err != nil || v < MappingVersion {
		idx.Close()
		if err != nil {
			return nil, fmt.Errorf("opening index at %s: %w", path, err)
		}
		return nil, fmt.Errorf("opening index at %s (mapping version %d, this verrijk needs %d): %w", path, v, MappingVersion, ErrStaleMapping)
	}
	return &Index{idx: idx}, nil
}

func create(path string) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("building index mapping: %w", err)
	}
	idx, err := bleve.New(path, m)
	if err != nil {
		return nil, fmt.Errorf("creating index at %s: %w", path, err)
	}
	if err := idx.SetInternal(mappingVersionKey, []byte(strconv.Itoa(MappingVersion))); err != nil {
		idx.Close()
		return nil, fmt.Errorf("creating index at %s: %w", path, err)
	}
	return &Index{idx: idx}, nil
}

// mappingVersion reads the version an index was created with; 1 when it
// carries none (indexes from before versions were recorded).
func mappingVersion(idx bleve.Index) (int, error) {
	raw, err := idx.GetInternal(mappingVersionKey)
	if err != nil {
		return 0, fmt.Errorf("reading the mapping version: %w", err)
	}
	if len(raw) == 0 {
		return 1, nil
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("reading the mapping version %q: %w", raw, err)
	}
	return v, nil
}

// isEmptyDir reports whether path is a directory without entries, such as
// a data directory made ready by an operator before the first start.
func isEmptyDir(path string) bool {
	entries, err := os.ReadDir(path)
	return err == nil && len(entries) == 0
}

// OpenMem returns an index held in memory only, for tests and tools.
func OpenMem() (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("building index mapping: %w", err)
	}
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("creating memory index: %w", err)
	}
	return &Index{idx: idx}, nil
}

// Upsert replaces the indexed copies of entities, keyed by entity id.
func (x *Index) Upsert(ctx context.Context, entities ...entity.Entity) error {
	for start := 0; start < len(entities); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+batchSize, len(entities))
		b := x.idx.NewBatch()
		for _, e := range entities[start:end] {
			if e.ID == "" {
				return fmt.Errorf("indexing entity without id (caption %q)", e.Caption)
			}
			doc, err := toDocument(e)
			if err != nil {
				return err
			}
			if err := b.Index(e.ID, doc); err != nil {
				return fmt.Errorf("indexing entity %s: %w", e.ID, err)
			}
		}
		if err := x.idx.Batch(b); err != nil {
			return fmt.Errorf("writing index batch: %w", err)
		}
	}
	return nil
}

// Delete removes entities by id; unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, ids ...string) error {
	for start := 0; start < len(ids); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+batchSize, len(ids))
		b := x.idx.NewBatch()
		for _, id := range ids[start:end] {
			b.Delete(id)
		}
		if err := x.idx.Batch(b); err != nil {
			return fmt.Errorf("deleting from index: %w", err)
		}
	}
	return nil
}

// Close flushes and closes the index.
func (x *Index) Close() error {
	if err := x.idx.Close(); err != nil {
		return fmt.Errorf("closing index: %w", err)
	}
	return nil
}
