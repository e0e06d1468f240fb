// Package kvk is the adapter for the Handelsregister of the Kamer van
// Koophandel: API Zoeken v2, Basisprofiel v1 and Vestigingsprofiel v1.
//
// What the service does, as learned from its OpenAPI documents (copies in
// shared/specs/kvk) and recorded test-environment answers:
//   - Auth is the header "apikey". A missing or wrong key is a 401, an
//     endpoint the key has no subscription for a 403.
//   - "Nothing found" is a 404 whose body is {"fout":[{"code","omschrijving"}]}
//     (IPD5200 for Zoeken, IPD0005/IPD0007 for the profiles): an empty
//     answer, not a failure.
//   - An unknown or malformed query parameter is a 400 (IPD1999, IPD0004 …);
//     the service rejects parameters it does not know.
//   - Links appear both as "_links" (object keyed by rel) and "links"
//     (array of {rel, href}); this adapter builds its own URLs from base_url
//     and never follows them, so replayed answers stay on the replay server.
//
// Cost: Zoeken is free, every profile call is billed. So Zoeken runs first
// and acts as the gate: a profile is fetched only when Zoeken found the
// number, and only one (the Basisprofiel embeds the hoofdvestiging, so
// /hoofdvestiging and /eigenaar are never asked separately). Zoeken is read
// once, first page only, at its maximum of 100 results per page: a name
// search that needs more pages is too broad to enrich a signal with, and
// every extra page is another call against the monthly quota.
package kvk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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
	KindVestigingsprofiel = "kvk.vestigingsprofiel"
	KindEmpty             = "kvk.empty"
)

const (
	// DefaultBaseURL is the test environment, so a new installation gets
	// (fictitious) results without a contract. Production:
	// https://api.kvk.nl/api.
	DefaultBaseURL = "https://api.kvk.nl/test/api"
	// TestAPIKey is the key KvK publishes for its test environment.
	TestAPIKey = "l7xx1f2691f2520d487b902f4e0b57a0b197"
	// MaxResults is the page size asked from Zoeken (its maximum).
	MaxResults = 100
)

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config {
	return sources.Config{BaseURL: DefaultBaseURL, APIKey: TestAPIKey}
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
	return &Source{client: c, cfg: cfg}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source.
func (s *Source) Accepts(t subject.Type) bool {
	switch t {
	case subject.KvK, subject.Vestiging, subject.RSIN, subject.Name, subject.Address:
		return true
	}
	return false
}

// Fetch asks Zoeken and, for a KvK or vestiging number it found, the one
// profile that belongs to it.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	q, err := zoekenQuery(subj)
	if err != nil {
		return nil, fmt.Errorf("kvk: %w: %w", err, asynq.SkipRetry)
	}
	res := &sources.Result{}
	found, err := s.get(ctx, res, "/v2/zoeken?"+q.Encode(), KindZoeken, "searching")
	if err != nil || !found {
		return res, err
	}
	res.Found = true
	switch subj.Type {
	case subject.KvK:
		_, err = s.get(ctx, res, "/v1/basisprofielen/"+url.PathEscape(subj.Value)+"?geoData=false",
			KindBasisprofiel, "fetching basisprofiel")
	case subject.Vestiging:
		_, err = s.get(ctx, res, "/v1/vestigingsprofielen/"+url.PathEscape(subj.Value),
			KindVestigingsprofiel, "fetching vestigingsprofiel")
	}
	return res, err
}

// zoekenQuery maps a subject onto Zoeken's parameters. Inactive
// registrations are included on purpose: a dissolved company behind an
// address is exactly what an undermining analyst wants to see.
func zoekenQuery(subj subject.Subject) (url.Values, error) {
	q := url.Values{}
	switch subj.Type {
	case subject.KvK:
		q.Set("kvkNummer", subj.Value)
	case subject.Vestiging:
		q.Set("vestigingsnummer", subj.Value)
	case subject.RSIN:
		q.Set("rsin", subj.Value)
	case subject.Name:
		if strings.TrimSpace(subj.Value) == "" {
			return nil, fmt.Errorf("empty name")
		}
		q.Set("naam", subj.Value)
	case subject.Address:
		a, err := subject.ParseAddress(subj.Value)
		if err != nil {
			return nil, err
		}
		// Zoeken has no parameter for a huisnummertoevoeging: the search
		// is by postcode, number and letter, and the normaliser keeps
		// every vestiging at that number.
		q.Set("postcode", a.Postcode)
		q.Set("huisnummer", strconv.Itoa(a.HouseNumber))
		if a.Letter != "" {
			q.Set("huisletter", a.Letter)
		}
	default:
		return nil, fmt.Errorf("subject type %q is not supported", subj.Type)
	}
	q.Set("inclusiefInactieveRegistraties", "true")
	q.Set("resultatenPerPagina", strconv.Itoa(MaxResults))
	return q, nil
}

// get performs one call, appends its evidence to res and reports whether
// the service found something. An empty answer (404 with a fout body) is
// kept as evidence of kind KindEmpty.
func (s *Source) get(ctx context.Context, res *sources.Result, path, kind, what string) (bool, error) {
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + path,
		Header:  http.Header{"Apikey": {s.cfg.APIKey}, "Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return false, fmt.Errorf("kvk: %s: %w", what, err)
	}
	if resp.Status == http.StatusNotFound {
		if _, ok := parseFout(resp.Body); ok {
			res.Evidence = append(res.Evidence, evidence(resp, KindEmpty))
			return false, nil
		}
	}
	if err := checkStatus(resp); err != nil {
		return false, fmt.Errorf("kvk: %s: %w", what, err)
	}
	var body struct {
		Totaal     *int              `json:"totaal"`
		Resultaten []json.RawMessage `json:"resultaten"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return false, fmt.Errorf("kvk: %s: malformed answer: %w", what, err)
	}
	res.Evidence = append(res.Evidence, evidence(resp, kind))
	if kind == KindZoeken {
		return len(body.Resultaten) > 0 || (body.Totaal != nil && *body.Totaal > 0), nil
	}
	return true, nil
}

func evidence(resp *egress.Response, kind string) sources.Evidence {
	return sources.Evidence{
		Source: Name, Kind: kind, URL: resp.URL, Status: resp.Status,
		FetchedAt: resp.FetchedAt, SHA256: resp.SHA256, Body: resp.Body,
	}
}
