package graph

import (
	"context"
	"fmt"
	"slices"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
)

// Source is where Walk reads entities and the references to them
// (store.Store has both; the "ref:" keys come from resolve.Remember).
type Source interface {
	GetEntities(ctx context.Context, ids []string) ([]entity.Entity, error)
	EntitiesByKeys(ctx context.Context, schema string, keys []string, limit int) (map[string][]string, error)
}

// Limits of an entity's graph.
const (
	MaxDepth = 3
	MaxNodes = 500
)

// Walk returns start and the entities up to depth relations away from it,
// breadth first, in both directions (what start points at and what points
// at it), at most maxNodes in all; truncated says the cap left some out.
// An entity keep refuses is neither returned nor walked through, so the
// walk never crosses what the caller may not see.
func Walk(ctx context.Context, src Source, start entity.Entity, depth, maxNodes int, keep func(entity.Entity) bool) (
	ents []entity.Entity, truncated bool, err error) {
	ents = []entity.Entity{start}
	seen := map[string]bool{start.ID: true}
	frontier := []entity.Entity{start}
	for level := 0; level < depth && len(frontier) > 0; level++ {
		next, err := neighbourIDs(ctx, src, frontier, maxNodes)
		if err != nil {
			return nil, false, err
		}
		next = slices.DeleteFunc(next, func(id string) bool { return seen[id] })
		for _, id := range next {
			seen[id] = true
		}
		// Reading is bounded too: a hub (an address of a thousand
		// companies) would otherwise load them all to keep a few.
		if room := 4 * maxNodes; len(next) > room {
			next, truncated = next[:room], true
		}
		found, err := src.GetEntities(ctx, next)
		if err != nil {
			return nil, false, fmt.Errorf("reading the graph's entities: %w", err)
		}
		frontier = frontier[:0:0]
		for _, e := range found {
			if !keep(e) {
				continue
			}
			if len(ents) == maxNodes {
				return ents, true, nil
			}
			ents = append(ents, e)
			frontier = append(frontier, e)
		}
	}
	return ents, truncated, nil
}

// neighbourIDs returns the ids the frontier points at and the ids of the
// entities pointing at it (at most limit per entity).
func neighbourIDs(ctx context.Context, src Source, frontier []entity.Entity, limit int) ([]string, error) {
	var ids, keys []string
	have := map[string]bool{}
	add := func(id string) {
		if !have[id] {
			have[id] = true
			ids = append(ids, id)
		}
	}
	for _, e := range frontier {
		for _, id := range Neighbours(e) {
			add(id)
		}
		keys = append(keys, resolve.RefKey(e.ID))
	}
	refs, err := src.EntitiesByKeys(ctx, "", keys, limit)
	if err != nil {
		return nil, fmt.Errorf("reading references: %w", err)
	}
	for _, k := range keys {
		for _, id := range refs[k] {
			add(id)
		}
	}
	return ids, nil
}
