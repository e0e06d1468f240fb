// Package rdw is the adapter for vehicle data of the Dienst Wegverkeer
// (RDW), read from its open data portal, a Socrata (SODA 2.1) service.
//
// What the service does, as learned from Socrata's documentation
// (dev.socrata.com) and answers recorded in public code (see
// testdata/README.md):
//   - A dataset is GET {base}/resource/{id}.json. Plain query parameters
//     named after a column filter on equality (kenteken=6TJR64, the plate
//     upper-case without dashes); parameters starting with "$" are SoQL
//     ($select, $where, $limit …) and an unknown one is a 400.
//   - The answer is a JSON array of flat objects whose values are all
//     strings: numbers ("17580"), dates as YYYYMMDD ("20140306") and, in
//     the *_dt columns, floating timestamps ("2014-03-06T00:00:00.000").
//     A column without a value is left out of the object.
//   - Nothing found is an empty array "[]" with status 200.
//   - Errors are {"code","error":true,"message","data"}; an app token the
//     portal does not know is a 403 "Invalid app_token specified".
//   - The app token goes in the X-App-Token header. It is optional, but
//     without one Socrata throttles per IP address and answers 429.
//
// Datasets read: m9d7-ebf2 (Gekentekende voertuigen: make, model, colour,
// dates, APK, insurance, export and taxi flags, catalogue price) and
// 8ys7-d773 (its fuels, one row per fuel, so a hybrid has two). RDW
// publishes no owner data; none is asked for or made up.
package rdw

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "rdw"

// Evidence kinds this adapter produces. An empty vehicle answer is a
// KindVoertuig evidence holding "[]".
const (
	KindVoertuig  = "rdw.voertuig"
	KindBrandstof = "rdw.brandstof"
)

// Dataset ids on the portal.
const (
	DatasetVoertuig  = "m9d7-ebf2"
	DatasetBrandstof = "8ys7-d773"
)

const (
	// DefaultBaseURL is RDW's production portal.
	DefaultBaseURL = "https://opendata.rdw.nl"
	// DefaultRate is the rate recommended for sources.rdw.rate: well inside
	// what Socrata allows an app token, and enough for analysts' lookups.
	DefaultRate = "10/s"
	// TokenHeader carries the app token.
	TokenHeader = "X-App-Token"
)

// Defaults is the configuration used when config leaves a field empty. No
// app token: the portal works without one, only throttled harder.
func Defaults() sources.Config { return sources.Config{BaseURL: DefaultBaseURL} }

// Source looks licence plates up in RDW's open data.
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

// Accepts implements sources.Source: licence plates only.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Plate }

// Fetch reads the vehicle registered under the plate and, when there is
// one, its fuels. An unknown plate costs one request, not two.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	if subj.Type != subject.Plate {
		return nil, fmt.Errorf("rdw: subject type %q is not supported: %w", subj.Type, asynq.SkipRetry)
	}
	// Parse again: the value may come from a follow-up or an old record,
	// and the kenteken filter only matches the canonical form.
	p, err := subject.Parse(subject.Plate, subj.Value)
	if err != nil {
		return nil, fmt.Errorf("rdw: %w: %w", err, asynq.SkipRetry)
	}
	plate := p.Value
	res := &sources.Result{}
	found, err := s.get(ctx, res, DatasetVoertuig, KindVoertuig, plate, "looking up vehicle")
	if err != nil || !found {
		return res, err
	}
	res.Found = true
	// A vehicle without an engine (a trailer) has no fuel rows: that empty
	// answer is kept as evidence too, and the result stays found.
	_, err = s.get(ctx, res, DatasetBrandstof, KindBrandstof, plate, "looking up brandstof")
	return res, err
}

// get reads one dataset filtered on the plate, appends the evidence to res
// and reports whether it held a row for the plate.
func (s *Source) get(ctx context.Context, res *sources.Result, dataset, kind, plate, what string) (bool, error) {
	h := http.Header{"Accept": {"application/json"}}
	if s.cfg.APIKey != "" {
		h.Set(TokenHeader, s.cfg.APIKey)
	}
	q := url.Values{"kenteken": {plate}}
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + "/resource/" + dataset + ".json?" + q.Encode(),
		Header:  h,
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return false, fmt.Errorf("rdw: %s: %w", what, err)
	}
	if err := s.checkStatus(resp); err != nil {
		return false, fmt.Errorf("rdw: %s: %w", what, err)
	}
	found, err := readRows(resp.Body, plate)
	if err != nil {
		return false, fmt.Errorf("rdw: %s: malformed answer from %s: %w: %w", what, dataset, err, asynq.SkipRetry)
	}
	res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, kind, resp))
	return found, nil
}

// readRows checks the answer is what Socrata sends, an array of objects,
// and reports whether a row is about plate. Rows about other plates only
// mean the filter was not applied (a wrong base_url, a proxy answering for
// the portal): that answer is not evidence about this plate.
func readRows(body []byte, plate string) (bool, error) {
	var rows []json.RawMessage
	if err := json.Unmarshal(body, &rows); err != nil {
		if _, ok := parseError(body); ok {
			return false, fmt.Errorf("answer is a Socrata error object, not a JSON array")
		}
		return false, fmt.Errorf("answer is not a JSON array of rows: %w", err)
	}
	if len(rows) == 0 {
		return false, nil
	}
	for i, raw := range rows {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(raw, &row); err != nil || row == nil {
			return false, fmt.Errorf("row %d is not an object", i)
		}
		var k string
		if json.Unmarshal(row["kenteken"], &k) == nil && strings.EqualFold(strings.TrimSpace(k), plate) {
			return true, nil
		}
	}
	return false, fmt.Errorf("%d rows, none with kenteken %s", len(rows), plate)
}
