// Package pipeline turns raw source evidence into entities: one normaliser
// per evidence kind, listed in the table below, each golden-tested against
// testdata/<source>/<case>.json.
package pipeline

import (
	"fmt"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// Normalizer reads one piece of evidence and returns the entities in it,
// each with provenance pointing back at the evidence.
type Normalizer func(ev sources.Evidence) ([]entity.Entity, error)

// normalizers maps an evidence kind to its normaliser. Kinds without an
// entry (e.g. an empty answer) produce no entities.
var normalizers = map[string]Normalizer{
	"kvk.zoeken":            normalizeKvKZoeken,
	"kvk.basisprofiel":      normalizeKvKBasisprofiel,
	"kvk.vestigingsprofiel": normalizeKvKVestigingsprofiel,
	"kvk.eigenaar":          normalizeKvKEigenaar,
	"kvk.hoofdvestiging":    normalizeKvKHoofdvestiging,
	"kvk.vestigingen":       normalizeKvKVestigingen,
	"kvk.empty":             noEntities,
	"bag.free":              normalizeBAGFree,
	"bag.lookup":            normalizeBAGFree,
	"rdap.domain":           normalizeRDAPDomain,
	"rdap.empty":            noEntities,
	"rdap.bootstrap":        noEntities,
	"bekendmakingen.sru":    normalizeBekendmakingenSRU,
	"rdw.voertuig":          normalizeRDWVoertuig,
	"rdw.brandstof":         normalizeRDWBrandstof,
	"wayback.cdx":           normalizeWaybackCDX,
	"wayback.latest":        normalizeWaybackLatest,
	"wayback.blocked":       normalizeWaybackBlocked,
	"opensanctions.match":   normalizeOpenSanctionsMatch,
	"website.page":          normalizeWebsitePage,
	"website.robots":        noEntities,
	"social.profile":        normalizeSocialProfile,
}

// noEntities is the normaliser of an empty answer: kept as evidence of
// what was asked, it names nothing.
func noEntities(sources.Evidence) ([]entity.Entity, error) { return nil, nil }

// Normalize returns the entities in ev.
func Normalize(ev sources.Evidence) ([]entity.Entity, error) {
	n, ok := normalizers[ev.Kind]
	if !ok {
		return nil, fmt.Errorf("no normaliser for evidence kind %q", ev.Kind)
	}
	return n(ev)
}
