// Package entity is verrijk's entity model: FollowTheMoney-shaped records
// (schema, caption, multi-valued properties) with provenance per property and
// deterministic ids, so that a retry or a second signal updates the same
// entity instead of duplicating it.
package entity

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// Schemas used by the normalisers. Names follow FollowTheMoney.
const (
	SchemaCompany       = "Company"
	SchemaAddress       = "Address"
	SchemaPerson        = "Person"
	SchemaVehicle       = "Vehicle"
	SchemaPublication   = "Publication"   // an official publication (FtM: Document-like)
	SchemaDomain        = "Domain"        // a registered domain name
	SchemaSanction      = "Sanction"      // a sanctions/PEP screening match
	SchemaWebsite       = "Website"       // a website, one per site (registrable domain)
	SchemaSocialProfile = "SocialProfile" // a social-media profile (FtM: UserAccount)
)

// Entity is one enriched record. Properties are multi-valued, as in FTM.
type Entity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Caption    string              `json:"caption"`
	Properties map[string][]string `json:"properties"`
	Provenance []Provenance        `json:"provenance"`
	// Signals is filled by readers (store, index) from the signal links; it is
	// never written by normalisers.
	Signals   []Link    `json:"signals,omitempty"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
}

// Provenance says where a set of property values came from: the raw
// response they were read from is identified by its SHA-256.
type Provenance struct {
	Source     string    `json:"source"`
	URL        string    `json:"url"`
	FetchedAt  time.Time `json:"fetched_at"`
	SHA256     string    `json:"sha256"`
	Properties []string  `json:"properties"`
}

// Link ties an entity to a signal under the purpose of the job that found it.
// It expires when the purpose's retention period has passed.
type Link struct {
	SignalID  string `json:"signal_id"`
	EntityID  string `json:"-"`
	PurposeID string `json:"purpose_id"`
	JobID     string `json:"job_id"`
	// PurposeVersion is the purpose's version when the link was last made
	// (0: not known, e.g. made before purposes had versions).
	PurposeVersion int       `json:"purpose_version"`
	LinkedAt       time.Time `json:"linked_at"`
	ExpiresAt      time.Time `json:"expires_at"`
	// Team is the team owning the signal ("" for none), filled by the
	// store when it reads links. It is what need-to-know filters on, so
	// the index keeps it; it is not part of the entity's JSON, which
	// shows links to callers who need not see team names.
	Team string `json:"-"`
}

// MakeID derives a stable id from a schema and one strong identifier
// (e.g. "kvkNumber", "68750110"). The same inputs give the same id on every
// machine and in every run.
func MakeID(schema, idType, value string) string {
	sum := sha256.Sum256([]byte(schema + "\x00" + idType + "\x00" + strings.ToLower(strings.TrimSpace(value))))
	return strings.ToLower(schema) + "-" + hex.EncodeToString(sum[:])[:24]
}

// Add appends values to a property, skipping empty strings and duplicates.
func (e *Entity) Add(prop string, values ...string) {
	if e.Properties == nil {
		e.Properties = map[string][]string{}
	}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || contains(e.Properties[prop], v) {
			continue
		}
		e.Properties[prop] = append(e.Properties[prop], v)
	}
}

// First returns the first value of a property, or "".
func (e *Entity) First(prop string) string {
	if vs := e.Properties[prop]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// PropertyNames lists the entity's properties in sorted order.
func (e *Entity) PropertyNames() []string {
	names := make([]string, 0, len(e.Properties))
	for k := range e.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Merge folds other (an entity with the same id) into e: property values are
// unioned, provenance records are added once per (source, sha256), and the
// caption is kept unless e has none.
func (e *Entity) Merge(other Entity) {
	for _, k := range other.PropertyNames() {
		e.Add(k, other.Properties[k]...)
	}
	for _, p := range other.Provenance {
		if !e.hasProvenance(p) {
			e.Provenance = append(e.Provenance, p)
		}
	}
	if e.Caption == "" {
		e.Caption = other.Caption
	}
	if e.FirstSeen.IsZero() || (!other.FirstSeen.IsZero() && other.FirstSeen.Before(e.FirstSeen)) {
		e.FirstSeen = other.FirstSeen
	}
	if other.LastSeen.After(e.LastSeen) {
		e.LastSeen = other.LastSeen
	}
}

func (e *Entity) hasProvenance(p Provenance) bool {
	for _, q := range e.Provenance {
		if q.Source == p.Source && q.SHA256 == p.SHA256 && q.URL == p.URL {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
