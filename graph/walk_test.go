package graph

import (
	"context"
	"slices"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
)

// memSource serves entities and the "ref:" keys resolve.Keys gives them,
// as the store does.
type memSource struct {
	byID map[string]entity.Entity
	keys map[string][]string
}

func newMemSource(ents []entity.Entity) *memSource {
	s := &memSource{byID: map[string]entity.Entity{}, keys: map[string][]string{}}
	for _, e := range ents {
		s.byID[e.ID] = e
		for _, k := range resolve.Keys(e) {
			s.keys[k] = append(s.keys[k], e.ID)
		}
	}
	for k := range s.keys {
		slices.Sort(s.keys[k])
	}
	return s
}

func (s *memSource) GetEntities(_ context.Context, ids []string) ([]entity.Entity, error) {
	var out []entity.Entity
	for _, id := range ids {
		if e, ok := s.byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *memSource) EntitiesByKeys(_ context.Context, _ string, keys []string, limit int) (map[string][]string, error) {
	out := map[string][]string{}
	for _, k := range keys {
		if ids := s.keys[k]; len(ids) > 0 {
			out[k] = ids[:min(limit, len(ids))]
		}
	}
	return out, nil
}

func walkIDs(t *testing.T, src Source, start string, depth, maxNodes int, keep func(entity.Entity) bool) ([]string, bool) {
	t.Helper()
	s := src.(*memSource)
	ents, truncated, err := Walk(t.Context(), src, s.byID[start], depth, maxNodes, keep)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ents {
		ids = append(ids, e.ID)
	}
	return ids, truncated
}

func all(entity.Entity) bool { return true }

func TestWalk(t *testing.T) {
	src := newMemSource(fixture())
	// From the branch: its parent and address at depth 1; the parent's
	// address, domain, publication, screening hit, vehicle and social
	// account at depth 2 (found by the references to the parent).
	got, truncated := walkIDs(t, src, branch, 1, MaxNodes, all)
	if want := []string{branch, company, address2}; !slices.Equal(got, want) || truncated {
		t.Errorf("depth 1 = %v (truncated %v), want %v", got, truncated, want)
	}
	got, _ = walkIDs(t, src, branch, 2, MaxNodes, all)
	want := []string{branch, company, address2, address, account, domain, publication, sanction, vehicle, website}
	if !sameSet(got, want) || got[0] != branch {
		t.Errorf("depth 2 = %v, want %v", got, want)
	}
	if got, _ := walkIDs(t, src, person, 3, MaxNodes, all); !slices.Equal(got, []string{person}) {
		t.Errorf("a person related to nothing = %v", got)
	}
	if got, _ := walkIDs(t, src, branch, 0, MaxNodes, all); !slices.Equal(got, []string{branch}) {
		t.Errorf("depth 0 = %v", got)
	}

	// What keep refuses is neither shown nor walked through.
	noCompany := func(e entity.Entity) bool { return e.ID != company }
	if got, _ := walkIDs(t, src, branch, 3, MaxNodes, noCompany); !slices.Equal(got, []string{branch, address2}) {
		t.Errorf("walk past a hidden company = %v", got)
	}

	got, truncated = walkIDs(t, src, branch, 2, 4, all)
	if len(got) != 4 || !truncated {
		t.Errorf("capped at 4: %v, truncated %v", got, truncated)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
