// Package bekendmakingen is the adapter for official publications
// (officiële bekendmakingen) searched through KOOP's SRU 2.0 endpoint at
// repository.overheid.nl: Gemeenteblad, Staatscourant and the other
// gazettes, which is where municipalities publish permits (omgevings-,
// exploitatie-, drank- en horecavergunningen), Bibob decisions and closures
// under article 13b Opiumwet. No key; a fair-use policy applies.
//
// What the service does, as learned from KOOP's SRU handleiding and public
// clients and test fixtures of it (see testdata/README.md):
//   - GET {base}?operation=searchRetrieve&version=2.0&query=<CQL>
//     &startRecord=1&maximumRecords=n (at most 1000). httpAccept,
//     recordSchema, sortKeys and x-connection are also understood.
//   - CQL indexes: cql.textAndIndexes (full text and metadata),
//     c.product-area (officielepublicaties, lokalebekendmakingen, sgd, …),
//     dt.creator, dt.type, dt.available, w.publicatienaam, …; clauses join
//     with AND / OR; a quoted term takes '\' escapes.
//   - The answer is XML: sru:searchRetrieveResponse with sru:numberOfRecords
//     and sru:records/sru:record/sru:recordData/gzd:gzd, whose
//     gzd:originalData/overheidwetgeving:meta holds owmskern
//     (dcterms:identifier "gmb-2024-…", title, type, creator, modified),
//     owmsmantel (dcterms:available, date, abstract) and tpmeta
//     (c:product-area, overheidwetgeving:publicatienaam "Gemeenteblad"), and
//     gzd:enrichedData the links (gzd:url, gzd:preferredUrl, gzd:itemUrl per
//     manifestation). numberOfRecords 0 is the empty answer, still a 200.
//   - A request it cannot serve (CQL syntax error, unsupported parameter) is
//     answered with HTTP 200 and an SRU diagnostic body instead of records:
//     <diagnostics><diagnostic><uri>info:srw/diagnostic/1/10</uri>…
//     The adapter treats a diagnostic as a permanent failure, except 1/1
//     and 1/2 (the server's own trouble).
//
// One request per subject, first page only, at most MaxRecords records: a
// term with more hits than that is too common to tell an analyst anything
// one by one, and numberOfRecords still says how many there were.
package bekendmakingen

import (
	"context"
	"errors"
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
const Name = "bekendmakingen"

// KindSRU is the evidence kind of a searchRetrieve answer (also when empty).
const KindSRU = "bekendmakingen.sru"

// DefaultBaseURL is KOOP's production SRU endpoint.
const DefaultBaseURL = "https://repository.overheid.nl/sru"

// MaxRecords is the page size asked for.
const MaxRecords = 50

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config { return sources.Config{BaseURL: DefaultBaseURL} }

// Source searches official publications.
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

// Accepts implements sources.Source: the identifiers publications mention
// in their text.
func (s *Source) Accepts(t subject.Type) bool {
	switch t {
	case subject.Name, subject.Address, subject.KvK:
		return true
	}
	return false
}

// SearchParams are the query parameters of a search for cql.
func SearchParams(cql string) url.Values {
	return url.Values{
		"operation":      {"searchRetrieve"},
		"version":        {"2.0"},
		"query":          {cql},
		"startRecord":    {"1"},
		"maximumRecords": {strconv.Itoa(MaxRecords)},
	}
}

// Fetch runs one full-text search for the subject.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	cql, err := Query(subj)
	if err != nil {
		return nil, fmt.Errorf("bekendmakingen: %w: %w", err, asynq.SkipRetry)
	}
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + "?" + SearchParams(cql).Encode(),
		Header:  http.Header{"Accept": {"application/xml, text/xml"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("bekendmakingen: searching publications: %w", err)
	}
	if err := checkStatus(resp); err != nil {
		return nil, fmt.Errorf("bekendmakingen: searching publications: %w", err)
	}
	a, err := parse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("bekendmakingen: searching publications: malformed answer: %w: %w", err, asynq.SkipRetry)
	}
	if err := diagnosticError(a.diagnostics); err != nil {
		return nil, fmt.Errorf("bekendmakingen: searching publications: %w", err)
	}
	ev := sources.EvidenceOf(Name, KindSRU, resp)
	return &sources.Result{Evidence: []sources.Evidence{ev}, Found: a.total > 0 && a.records > 0}, nil
}

// diagnosticError turns SRU diagnostics into an error; nil when there are
// none.
func diagnosticError(ds []Diagnostic) error {
	if len(ds) == 0 {
		return nil
	}
	msg := "the service refused the search: " + ds[0].String()
	if ds[0].Retryable() {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %w", msg, asynq.SkipRetry)
}

// checkStatus quotes the SRU diagnostic when the service sent one.
func checkStatus(resp *egress.Response) error {
	return sources.CheckStatus(resp, sources.StatusWords{
		Refused:  "the service does not allow this client (it needs no key; check sources.bekendmakingen.base_url and the egress proxy)",
		NotFound: "no SRU endpoint here; check sources.bekendmakingen.base_url",
		Detail: func(body []byte) string {
			if a, err := parse(body); err == nil && len(a.diagnostics) > 0 {
				return ": " + a.diagnostics[0].String()
			}
			return ""
		},
	})
}
