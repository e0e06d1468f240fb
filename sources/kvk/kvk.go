// Package kvk is the adapter for the Handelsregister of the Kamer van
// Koophandel: API Zoeken v2, Basisprofiel v1 (with its /eigenaar,
// /hoofdvestiging and /vestigingen resources) and Vestigingsprofiel v1.
//
// What the service does, as learned from its OpenAPI documents (copies in
// shared/specs/kvk) and recorded test-environment answers:
//   - Auth is the header "apikey". A missing or wrong key is a 401, an
//     endpoint the key has no subscription for a 403.
//   - "Nothing found" is a 404 whose body is {"fout":[{"code","omschrijving"}]}
//     (IPD5200 for Zoeken, IPD0005/IPD0007 for the profiles): an empty
//     answer, not a failure.
//   - An unknown or malformed query parameter is a 400 (IPD1999, IPD0004 …);
//     the service rejects parameters it does not know. /vestigingen has no
//     geoData parameter; the other profile resources do.
//   - Zoeken: huisnummer only together with postcode, so a search by street
//     is straatnaam + plaats without a number. At most 100 results per page
//     (resultatenPerPagina) and 1000 in all (pagina*100 ≤ 1000); an answer
//     has pagina, resultatenPerPagina, totaal and, when there is a next page,
//     "volgende". A v2 result's address has only type, straatnaam and plaats.
//   - Links appear both as "_links" (object keyed by rel) and "links"
//     (array of {rel, href}); this adapter builds its own URLs from base_url
//     and never follows them, so replayed answers stay on the replay server.
//   - /vestigingen lists every vestiging of a KvK number in one answer
//     (no paging): vestigingsnummer, eersteHandelsnaam, indHoofdvestiging,
//     indAdresAfgeschermd, indCommercieleVestiging and volledigAdres, the
//     only place besides a Vestigingsprofiel where a nevenvestiging's house
//     number and postcode appear.
//   - TLS: api.kvk.nl (test and production) serves a chain under "Staat der
//     Nederlanden Private Root CA – G1", absent from common trust stores.
//     Add its PEM file to egress.ca_files (config); the adapter itself never
//     touches TLS.
//
// Cost, per subject (Zoeken is free; every profile call is billed, so
// Zoeken runs first and gates them; a 404 "not found" is kept as evidence):
//   - kvk: Zoeken (MaxPages pages at most) + Basisprofiel, whose _embedded
//     holds the eigenaar (legal form, RSIN) and the hoofdvestiging. Only
//     when _embedded lacks one of them is /eigenaar or (if Zoeken listed a
//     hoofdvestiging) /hoofdvestiging asked. /vestigingen is asked only
//     when Zoeken listed a nevenvestiging or did not show every result, so
//     a company with one vestiging costs exactly one billed call.
//   - vestiging: Zoeken + Vestigingsprofiel (one billed call).
//   - rsin, name, address, street: Zoeken only (free). The KvK numbers found
//     become follow-up kvk subjects, which pay for their own profiles.
//
// Zoeken is read at its maximum of 100 results per page, up to
// sources.Config.MaxPages pages (default 1, at most 10): a name search that
// needs more is too broad to enrich a signal with, and each page is another
// call against the monthly quota. Every page is its own evidence.
package kvk

import (
	"context"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "kvk"

// Evidence kinds this adapter produces.
const (
	KindZoeken            = "kvk.zoeken"
	KindBasisprofiel      = "kvk.basisprofiel"
	KindEigenaar          = "kvk.eigenaar"
	KindHoofdvestiging    = "kvk.hoofdvestiging"
	KindVestigingen       = "kvk.vestigingen"
	KindVestigingsprofiel = "kvk.vestigingsprofiel"
	KindEmpty             = "kvk.empty"
)

// Street is the subject type of an address written as street and place,
// "Hoofdstraat 12, Amsterdam". pipeline/subject does not define it yet;
// until it does, no subject of this type can be made outside tests.
const Street subject.Type = "street"

const (
	// DefaultBaseURL is the test environment, so a new installation gets
	// (fictitious) results without a contract. Production:
	// https://api.kvk.nl/api.
	DefaultBaseURL = "https://api.kvk.nl/test/api"
	// TestAPIKey is the key KvK publishes for its test environment.
	TestAPIKey = "l7xx1f2691f2520d487b902f4e0b57a0b197"
	// MaxResults is the page size asked from Zoeken (its maximum).
	MaxResults = 100
	// PageLimit is the most Zoeken pages a lookup reads: Zoeken shows at
	// most 1000 results, ten pages of 100.
	PageLimit = 10
)

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config {
	return sources.Config{BaseURL: DefaultBaseURL, APIKey: TestAPIKey, MaxPages: 1}
}

// Source looks subjects up in the Handelsregister.
type Source struct {
	client *egress.Client
	cfg    sources.Config
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; empty fields of cfg take Defaults().
func New(c *egress.Client, cfg sources.Config) *Source {
	cfg = cfg.WithDefaults(Defaults())
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.MaxPages = min(max(cfg.MaxPages, 1), PageLimit)
	return &Source{client: c, cfg: cfg}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source.
func (s *Source) Accepts(t subject.Type) bool {
	switch t {
	case subject.KvK, subject.Vestiging, subject.RSIN, subject.Name, subject.Address, Street:
		return true
	}
	return false
}

// Fetch asks Zoeken and, for a KvK or vestiging number it found, the
// profiles that belong to it (see the package doc for what each costs).
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	q, err := zoekenQuery(subj)
	if err != nil {
		return nil, fmt.Errorf("kvk: %w: %w", err, asynq.SkipRetry)
	}
	res := &sources.Result{}
	z, err := s.zoeken(ctx, res, q)
	if err != nil || !z.found {
		return res, err
	}
	res.Found = true
	switch subj.Type {
	case subject.KvK:
		err = s.basisprofiel(ctx, res, subj.Value, z)
	case subject.Vestiging:
		_, _, err = s.get(ctx, res, "/v1/vestigingsprofielen/"+pathNumber(subj.Value),
			KindVestigingsprofiel, "fetching vestigingsprofiel")
	}
	return res, err
}
