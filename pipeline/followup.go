package pipeline

import (
	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

// followUpProperties maps entity properties that hold a strong identifier
// to the subject type a source can look up.
var followUpProperties = map[string]subject.Type{
	"kvkNumber":        subject.KvK,
	"vestigingsnummer": subject.Vestiging,
}

// FollowUps returns the new subjects found in entities: strong identifiers
// and Dutch addresses. Values that do not validate as subjects are dropped,
// since scraped data is hostile input.
func FollowUps(found []entity.Entity) []subject.Subject {
	seen := map[subject.Subject]bool{}
	var out []subject.Subject
	add := func(t subject.Type, v string) {
		s, err := subject.Parse(t, v)
		if err != nil || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	for _, e := range found {
		for prop, t := range followUpProperties {
			for _, v := range e.Properties[prop] {
				add(t, v)
			}
		}
		if e.Schema == entity.SchemaAddress && e.First("country") == "nl" {
			add(subject.Address, e.First("postalCode")+" "+e.First("houseNumber"))
		}
	}
	return out
}
