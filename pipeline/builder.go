package pipeline

import (
	"sort"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// builder collects the entities of one piece of evidence. An entity met
// twice in the same answer (a company in three Zoeken results) is built up
// in one place, so its provenance lists every property it got.
type builder struct {
	ev   sources.Evidence
	byID map[string]*entity.Entity
}

func newBuilder(ev sources.Evidence) *builder {
	return &builder{ev: ev, byID: map[string]*entity.Entity{}}
}

// get returns the entity with id, creating it when new.
func (b *builder) get(schema, id string) *entity.Entity {
	if e, ok := b.byID[id]; ok {
		return e
	}
	e := &entity.Entity{ID: id, Schema: schema, Properties: map[string][]string{}}
	b.byID[id] = e
	return e
}

// entities returns what was built, in id order, with sorted values and one
// provenance record each. Entities that got no properties are dropped.
func (b *builder) entities() []entity.Entity {
	ids := make([]string, 0, len(b.byID))
	for id, e := range b.byID {
		if len(e.Properties) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := make([]entity.Entity, 0, len(ids))
	for _, id := range ids {
		e := b.byID[id]
		for _, vs := range e.Properties {
			sort.Strings(vs)
		}
		if e.Caption == "" {
			e.Caption = e.First("name")
		}
		if e.Caption == "" {
			e.Caption = e.First("full")
		}
		e.Provenance = []entity.Provenance{{
			Source: b.ev.Source, URL: b.ev.URL, FetchedAt: b.ev.FetchedAt,
			SHA256: b.ev.SHA256, Properties: e.PropertyNames(),
		}}
		out = append(out, *e)
	}
	return out
}
