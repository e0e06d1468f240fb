package resolve

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

// Kinds of lookup key: the prefix before the colon in "rsin:857587973".
const (
	KindRSIN    = "rsin"    // Company (not a branch)
	KindWebsite = "website" // Company (not a branch): registrable domain of its website
	KindName    = "name"    // Company (not a branch): CompanyName of a name, alias or trade name
	KindBAG     = "bag"     // Address: BAG nummeraanduiding id
	KindPerson  = "person"  // Person: PersonName; for candidates, never to merge
	KindRef     = "ref"     // any: an entity id one of its properties points at
)

// Key is the lookup key of a value of a kind.
func Key(kind, value string) string {
	return clip(kind+":"+value, store.MaxKeyBytes)
}

// RefKey is the key of the entities that point at id.
func RefKey(id string) string { return Key(KindRef, id) }

// nameProperties hold a company's or person's names.
var nameProperties = []string{"name", "alias", "tradeName", "statutoryName"}

// isBranch reports whether a Company is a vestiging (see pipeline/kvk.go).
func isBranch(e entity.Entity) bool { return e.First("isBranch") == "true" }

// Keys returns the lookup keys an entity is remembered under. Branches
// keep no name keys: a company and its hoofdvestiging share a name, and a
// name must point at one company to be any use.
func Keys(e entity.Entity) []string {
	var keys []string
	add := func(kind, value string) {
		if value == "" {
			return
		}
		if k := Key(kind, value); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	switch e.Schema {
	case entity.SchemaCompany:
		if !isBranch(e) {
			for _, k := range lookupKeys(e) {
				keys = append(keys, k.key)
			}
		}
	case entity.SchemaAddress:
		for _, v := range e.Properties["bagId"] {
			if id, ok := BAGID(v); ok {
				add(KindBAG, id)
			}
		}
	case entity.SchemaPerson:
		for _, k := range PersonKeys(e) {
			add(KindPerson, strings.TrimPrefix(k, KindPerson+":"))
		}
	}
	for _, name := range e.PropertyNames() {
		for _, v := range e.Properties[name] {
			if v != e.ID && IsEntityID(v) {
				add(KindRef, v)
			}
		}
	}
	return keys
}

// PersonKeys returns the person-name keys of a Person: entities sharing one
// are candidates for the same person.
func PersonKeys(e entity.Entity) []string {
	var keys []string
	for _, prop := range nameProperties {
		for _, v := range e.Properties[prop] {
			if n := PersonName(v); n != "" && !slices.Contains(keys, Key(KindPerson, n)) {
				keys = append(keys, Key(KindPerson, n))
			}
		}
	}
	return keys
}

// lookupKey is a key an entity without a strong identifier is looked up
// by, strongest kind first.
type lookupKey struct {
	kind, key string
}

// lookupKeys returns a Company's rsin, website and name keys, in that
// order of strength.
func lookupKeys(e entity.Entity) []lookupKey {
	var out []lookupKey
	add := func(kind, value string) {
		k := lookupKey{kind, Key(kind, value)}
		if value != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, v := range e.Properties["rsin"] {
		if n, ok := RSIN(v); ok {
			add(KindRSIN, n)
		}
	}
	for _, v := range e.Properties["website"] {
		if d, ok := Domain(v); ok && !sharedDomains[d] {
			add(KindWebsite, d)
		}
	}
	for _, prop := range nameProperties {
		for _, v := range e.Properties[prop] {
			add(KindName, CompanyName(v))
		}
	}
	return out
}

// sharedDomains host the pages of many businesses (social networks, site
// builders, directories): a website there says nothing about which
// company it is.
var sharedDomains = map[string]bool{
	"facebook.com": true, "instagram.com": true, "linkedin.com": true, "twitter.com": true, "x.com": true,
	"tiktok.com": true, "youtube.com": true, "google.com": true, "google.nl": true, "business.site": true,
	"wixsite.com": true, "wix.com": true, "jouwweb.nl": true, "webnode.nl": true, "wordpress.com": true,
	"blogspot.com": true, "squarespace.com": true, "weebly.com": true, "strikingly.com": true,
	"mijnwebwinkel.nl": true, "linktr.ee": true, "marktplaats.nl": true, "booking.com": true,
	"thuisbezorgd.nl": true, "tripadvisor.com": true, "tripadvisor.nl": true, "werkspot.nl": true,
	"kvk.nl": true, "openkvk.nl": true, "drimble.nl": true, "bedrijvenregister.nl": true,
}

// IsEntityID reports whether v has the form entity.MakeID gives an id:
// a lower-case schema name, "-", 24 hex digits.
func IsEntityID(v string) bool {
	i := strings.LastIndexByte(v, '-')
	if i < 1 || len(v)-i-1 != 24 {
		return false
	}
	for _, c := range v[:i] {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	for _, c := range v[i+1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// KeyWriter is the store's part Remember needs.
type KeyWriter interface {
	PutEntityKeys(ctx context.Context, keys []store.EntityKey) error
}

// Remember records the lookup keys of stored entities, so that later
// arrivals without a strong identifier resolve to them. Call it with the
// entities as UpsertEntity returned them (merged), in the same transaction.
func Remember(ctx context.Context, w KeyWriter, stored ...entity.Entity) error {
	var keys []store.EntityKey
	for _, e := range stored {
		for _, k := range Keys(e) {
			keys = append(keys, store.EntityKey{Key: k, EntityID: e.ID, Schema: e.Schema})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	// One order for every writer: two tasks adding the same keys at once
	// then wait for each other instead of deadlocking on PostgreSQL.
	slices.SortFunc(keys, func(a, b store.EntityKey) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.EntityID, b.EntityID))
	})
	// An entity met twice in one answer gives its keys twice.
	keys = slices.Compact(keys)
	return w.PutEntityKeys(ctx, keys)
}
