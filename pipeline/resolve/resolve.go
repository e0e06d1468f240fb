// Package resolve decides which stored entity an incoming one is, before
// it is saved, so that the same company from the KvK register, its website
// and a publication becomes one profile with provenance from each.
//
// Entity ids are already deterministic from strong identifiers
// (entity.MakeID), so two sources giving the same KvK number merge by id.
// Resolution closes the two gaps that leaves:
//
//   - notation: "KvK 6875.0110", "www.Example.nl/contact", "8823 sj 3 a" are
//     put in the registers' form and the entity gets the id that form
//     gives (Company by KvK or vestigingsnummer, Address by postcode and
//     house number, Vehicle by plate, Domain by registrable domain);
//   - entities without such an identifier: a Company is looked up by RSIN,
//     then by website domain, then by normalised name, an Address by BAG
//     id, in the keys Remember stored; it takes the id found only when
//     exactly one entity holds the key (two companies named "Donald B.V."
//     leave a third mention of that name alone).
//
// A Website whose pages give no KvK number is pointed at its company
// ("company") the same way: by its domain among the companies' registered
// websites, else by the organisation name on its pages.
//
// Persons are never merged: equal names make candidates for an analyst
// to decide on (api/candidates.go), nothing more.
package resolve

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"verrijk/pipeline"
	"verrijk/pipeline/entity"
)

// Lookup is the store's part Resolve needs (store.Resolution has it).
type Lookup interface {
	EntitiesByKeys(ctx context.Context, schema string, keys []string, limit int) (map[string][]string, error)
}

// Resolver maps incoming entities onto stored ones.
type Resolver struct {
	Lookup Lookup
}

// Resolve returns found with identifiers in canonical notation, each
// entity under the id of the entity it is (stored or deterministic), the
// references between them rewritten to those ids, and entities that turned
// out to be one merged. found itself is not modified.
func (r Resolver) Resolve(ctx context.Context, found []entity.Entity) ([]entity.Entity, error) {
	out := make([]entity.Entity, len(found))
	remap := map[string]string{}
	var pending []int // entities without a strong identifier, to look up
	for i, e := range found {
		e = canonical(e)
		out[i] = e
		id, strong := strongID(e)
		switch {
		case id != "" && id != e.ID:
			remap[e.ID] = id
		case !strong && e.Schema == entity.SchemaCompany && !isBranch(e) || e.Schema == entity.SchemaAddress && id == "":
			pending = append(pending, i)
		}
	}
	if err := r.lookUp(ctx, out, pending, remap); err != nil {
		return nil, err
	}
	out = applyRemap(out, remap)
	if err := r.attachCompanies(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// attachCompanies points a Website that names no company (its pages gave
// no KvK number) at the stored company it belongs to, found by the
// site's domain among the companies' registered websites, else by the
// organisation name on its pages, when exactly one company has it.
func (r Resolver) attachCompanies(ctx context.Context, ents []entity.Entity) error {
	var idx []int
	var keys []string
	for i, e := range ents {
		if e.Schema != entity.SchemaWebsite || len(e.Properties["company"]) > 0 {
			continue
		}
		if ks := websiteKeys(e); len(ks) > 0 {
			idx = append(idx, i)
			for _, k := range ks {
				keys = append(keys, k.key)
			}
		}
	}
	if len(idx) == 0 {
		return nil
	}
	hits, err := r.Lookup.EntitiesByKeys(ctx, entity.SchemaCompany, keys, 2)
	if err != nil {
		return fmt.Errorf("resolving the companies of websites: %w", err)
	}
	for _, i := range idx {
		if id := choose(ents[i].ID, websiteKeys(ents[i]), hits); id != "" {
			ents[i].Add("company", id)
		}
	}
	return nil
}

// websiteKeys are the company keys a Website is looked up by: its domain
// as a company's website, then the organisation names on its pages.
func websiteKeys(e entity.Entity) []lookupKey {
	var out []lookupKey
	add := func(kind, value string) {
		k := lookupKey{kind, Key(kind, value)}
		if value != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, v := range e.Properties["domain"] {
		if d, ok := Domain(v); ok && !sharedDomains[d] {
			add(KindWebsite, d)
		}
	}
	for _, prop := range []string{"legalName", "name"} {
		for _, v := range e.Properties[prop] {
			add(KindName, CompanyName(v))
		}
	}
	return out
}

// lookUp resolves the pending entities by their lookup keys, in one
// query per schema.
func (r Resolver) lookUp(ctx context.Context, ents []entity.Entity, pending []int, remap map[string]string) error {
	bySchema := map[string][]int{}
	for _, i := range pending {
		if len(weakKeys(ents[i])) > 0 {
			bySchema[ents[i].Schema] = append(bySchema[ents[i].Schema], i)
		}
	}
	for _, schema := range slices.Sorted(maps.Keys(bySchema)) {
		var keys []string
		for _, i := range bySchema[schema] {
			for _, k := range weakKeys(ents[i]) {
				keys = append(keys, k.key)
			}
		}
		// Two hits per key are enough to tell "one" from "several".
		hits, err := r.Lookup.EntitiesByKeys(ctx, schema, keys, 2)
		if err != nil {
			return fmt.Errorf("resolving %s entities: %w", schema, err)
		}
		for _, i := range bySchema[schema] {
			if id := choose(ents[i].ID, weakKeys(ents[i]), hits); id != "" {
				remap[ents[i].ID] = id
			}
		}
	}
	return nil
}

// weakKeys are the keys an entity without a strong identifier is looked
// up by, strongest kind first.
func weakKeys(e entity.Entity) []lookupKey {
	switch e.Schema {
	case entity.SchemaCompany:
		return lookupKeys(e)
	case entity.SchemaAddress:
		var out []lookupKey
		for _, v := range e.Properties["bagId"] {
			if id, ok := BAGID(v); ok {
				out = append(out, lookupKey{KindBAG, Key(KindBAG, id)})
			}
		}
		return out
	}
	return nil
}

// choose takes the strongest kind of key that found anything: the one
// other entity it found, or nothing when it found several (ambiguous: a
// weaker kind is not asked either) or the entity itself (self).
func choose(self string, keys []lookupKey, hits map[string][]string) string {
	for start := 0; start < len(keys); {
		end := start
		var ids []string
		for ; end < len(keys) && keys[end].kind == keys[start].kind; end++ {
			for _, id := range hits[keys[end].key] {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		switch {
		case slices.Contains(ids, self):
			return ""
		case len(ids) == 1:
			return ids[0]
		case len(ids) > 1:
			return ""
		}
		start = end
	}
	return ""
}

// strongID returns the id an entity's strong identifier gives, and
// whether it has one at all (it may have two that disagree: then it keeps
// its own id and is not looked up by weaker keys either).
func strongID(e entity.Entity) (id string, strong bool) {
	switch e.Schema {
	case entity.SchemaCompany:
		kvk := valid(e.Properties["kvkNumber"], KvKNumber)
		ves := valid(e.Properties["vestigingsnummer"], Vestigingsnummer)
		strong = len(kvk) > 0 || len(ves) > 0
		switch {
		case isBranch(e) || len(kvk) == 0:
			if len(ves) == 1 {
				return pipeline.BranchID(ves[0]), true
			}
		case len(kvk) == 1:
			return pipeline.CompanyID(kvk[0]), true
		}
		return "", strong
	case entity.SchemaAddress:
		if k, ok := AddressKey(e); ok {
			return pipeline.AddressID(k), true
		}
	case entity.SchemaVehicle:
		if p := valid(e.Properties["registrationNumber"], Plate); len(p) == 1 {
			return pipeline.VehicleID(p[0]), true
		}
	case entity.SchemaDomain:
		if d := valid(e.Properties["name"], Domain); len(d) == 1 {
			return DomainID(d[0]), true
		}
	}
	return "", false
}

// DomainID is the id of the Domain entity of a registrable domain, as the
// rdap and wayback normalisers make it.
func DomainID(domain string) string {
	return entity.MakeID(entity.SchemaDomain, "domain", domain)
}

// valid returns the distinct canonical forms of the values that parse.
func valid(values []string, parse func(string) (string, bool)) []string {
	var out []string
	for _, v := range values {
		if c, ok := parse(v); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// identifierNotation lists, per schema, the identifier properties whose
// values are rewritten in canonical notation.
var identifierNotation = map[string]map[string]func(string) (string, bool){
	entity.SchemaCompany: {"kvkNumber": KvKNumber, "vestigingsnummer": Vestigingsnummer, "rsin": RSIN},
	entity.SchemaAddress: {"bagId": BAGID},
	entity.SchemaVehicle: {"registrationNumber": Plate},
	entity.SchemaDomain:  {"name": Domain},
}

// canonical returns a copy of e with its identifiers in canonical
// notation; a value that does not parse is kept as it came.
func canonical(e entity.Entity) entity.Entity {
	props := e.Properties
	e.Properties = make(map[string][]string, len(props))
	e.Provenance = slices.Clone(e.Provenance)
	rules := identifierNotation[e.Schema]
	for _, name := range slices.Sorted(maps.Keys(props)) {
		parse := rules[name]
		for _, v := range props[name] {
			if parse != nil {
				if c, ok := parse(v); ok {
					v = c
				}
			}
			e.Add(name, v)
		}
	}
	return e
}

// applyRemap gives entities their resolved ids, points references at
// them, drops references of an entity to itself, and merges entities that
// became one (in the order they first appeared).
func applyRemap(ents []entity.Entity, remap map[string]string) []entity.Entity {
	if len(remap) == 0 {
		return ents
	}
	resolved := func(id string) string {
		// Targets are canonical ids; following a few steps covers a
		// target that is itself an incoming id remapped in this batch.
		for range 4 {
			next, ok := remap[id]
			if !ok || next == id {
				break
			}
			id = next
		}
		return id
	}
	out := make([]entity.Entity, 0, len(ents))
	at := map[string]int{}
	for _, e := range ents {
		e.ID = resolved(e.ID)
		for name, vs := range e.Properties {
			kept := vs[:0]
			for _, v := range vs {
				if _, ok := remap[v]; ok {
					v = resolved(v)
				}
				if v != e.ID || !IsEntityID(v) {
					kept = appendOnce(kept, v)
				}
			}
			if len(kept) == 0 {
				delete(e.Properties, name)
			} else {
				e.Properties[name] = kept
			}
		}
		if i, ok := at[e.ID]; ok {
			out[i].Merge(e)
			continue
		}
		at[e.ID] = len(out)
		out = append(out, e)
	}
	return out
}

func appendOnce(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
