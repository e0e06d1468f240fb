// Package bag is the adapter for addresses from the Basisregistratie
// Adressen en Gebouwen, read through PDOK's Locatieserver v3.1 (no key,
// fair use).
//
// What the service does, as learned from its OpenAPI document (copy in
// shared/specs/pdok) and recorded answers:
//   - /free takes a Solr query: q (field queries joined with "and"), fq
//     (repeatable filter queries), fl, rows (max 100), start, sort, … and
//     rejects parameters it does not know with a 400.
//   - The answer is Solr JSON: {"response":{"numFound","start","maxScore",
//     "docs":[…]}}; numFound 0 is an empty answer, still a 200.
//   - An address doc carries nummeraanduiding_id (the BAG id),
//     adresseerbaarobject_id, straatnaam, huisnummer (a number), huisletter,
//     huisnummertoevoeging, postcode, woonplaatsnaam, gemeentenaam,
//     gemeentecode, provincienaam and centroide_ll "POINT(lon lat)".
package bag

import (
	"context"
	"encoding/json"
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
const Name = "bag"

// KindFree is the evidence kind of a /free answer.
const KindFree = "bag.free"

// DefaultBaseURL is PDOK's production Locatieserver.
const DefaultBaseURL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"

// Rows caps the docs asked for: one postcode and number rarely has more
// than a handful of letters and additions.
const Rows = 10

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config { return sources.Config{BaseURL: DefaultBaseURL} }

// Source looks addresses up in the BAG.
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

// Accepts implements sources.Source: addresses only. A name is not an
// address, and free-text geocoding of it would produce guesses, not facts.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Address }

// Fetch asks /free for the address docs at the subject's postcode and
// number, narrowed to its letter and addition when the subject has them.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	if subj.Type != subject.Address {
		return nil, fmt.Errorf("bag: subject type %q is not supported: %w", subj.Type, asynq.SkipRetry)
	}
	a, err := subject.ParseAddress(subj.Value)
	if err != nil {
		return nil, fmt.Errorf("bag: %w: %w", err, asynq.SkipRetry)
	}
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + "/free?" + FreeQuery(a).Encode(),
		Header:  http.Header{"Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("bag: searching address: %w", err)
	}
	if err := checkStatus(resp); err != nil {
		return nil, fmt.Errorf("bag: searching address: %w", err)
	}
	var body struct {
		Response *struct {
			NumFound int               `json:"numFound"`
			Docs     []json.RawMessage `json:"docs"`
		} `json:"response"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, fmt.Errorf("bag: searching address: malformed answer: %w", err)
	}
	if body.Response == nil {
		return nil, fmt.Errorf("bag: searching address: answer has no response object")
	}
	ev := sources.Evidence{
		Source: Name, Kind: KindFree, URL: resp.URL, Status: resp.Status,
		FetchedAt: resp.FetchedAt, SHA256: resp.SHA256, Body: resp.Body,
	}
	return &sources.Result{
		Evidence: []sources.Evidence{ev},
		Found:    body.Response.NumFound > 0 && len(body.Response.Docs) > 0,
	}, nil
}

// FreeQuery is the /free query for an address: only parameters the
// service documents, since it rejects others.
func FreeQuery(a subject.AddressParts) url.Values {
	q := url.Values{}
	q.Set("q", "postcode:"+a.Postcode+" and huisnummer:"+strconv.Itoa(a.HouseNumber))
	q.Add("fq", "type:adres")
	if a.Letter != "" {
		q.Add("fq", "huisletter:"+anyCase(a.Letter))
	}
	if a.Addition != "" {
		q.Add("fq", "huisnummertoevoeging:"+anyCase(a.Addition))
	}
	q.Set("rows", strconv.Itoa(Rows))
	return q
}

// anyCase matches a value in upper or lower case. Subjects are upper case
// ("3-BIS"), while BAG keeps the municipality's spelling ("bis", "a"), and
// Solr compares these fields exactly.
func anyCase(v string) string {
	up, low := strings.ToUpper(v), strings.ToLower(v)
	if up == low {
		return up
	}
	return "(" + up + " OR " + low + ")"
}

// checkStatus maps a non-2xx answer onto egress's typed errors; a 4xx other
// than 429 means our request or base_url is wrong, which no retry fixes.
func checkStatus(resp *egress.Response) error {
	err := egress.CheckStatus(resp)
	if err == nil {
		return nil
	}
	var rl *egress.RateLimited
	if errors.As(err, &rl) || resp.Status >= 500 {
		return err
	}
	return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
}
