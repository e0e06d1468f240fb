// Package bag is the adapter for addresses from the Basisregistratie
// Adressen en Gebouwen, read through PDOK's Locatieserver v3.1 (no key,
// fair use, no registration).
//
// What the service does, as learned from its OpenAPI document (copy in
// shared/specs/pdok) and recorded answers:
//   - /free takes a Solr query: q (field queries joined with "and", or free
//     text), fq (repeatable filter queries), fl, rows (max 100), start,
//     sort, … and rejects parameters it does not know with a 400.
//   - /lookup?id=<doc id> returns one doc by the "id" of a /free or
//     /suggest doc ("adr-…"); its parameters are id, fl, fq and wt.
//   - The answer is Solr JSON: {"response":{"numFound","start","maxScore",
//     "docs":[…]}}; numFound 0 is an empty answer, still a 200.
//   - An address doc carries nummeraanduiding_id (the BAG id),
//     adresseerbaarobject_id, straatnaam, huisnummer (a number), huisletter,
//     huisnummertoevoeging, postcode, woonplaatsnaam, gemeentenaam,
//     gemeentecode, provincienaam, buurtnaam/buurtcode,
//     wijknaam/wijkcode, gekoppeld_perceel (cadastral parcels, a list) and
//     centroide_ll "POINT(lon lat)" (WGS84; centroide_rd is RD).
//   - The spec's default fl for /free already holds every field /lookup
//     returns by default (the address, neighbourhood, district, parcels
//     and both centroids), so /lookup adds nothing for an address that
//     /free found. /suggest returns only id and weergavenaam and would
//     need a /lookup per hit; it is not used.
//
// Cost, per subject: one /free call (postcode and number for an address
// subject, free text for a street subject). A /lookup of the best address
// doc follows only when that doc lacks nummeraanduiding_id or
// centroide_ll, which the default fl always returns: a sign that the
// answer was trimmed on the way, which the full doc repairs.
package bag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "bag"

// Evidence kinds this adapter produces.
const (
	KindFree   = "bag.free"   // a /free answer
	KindLookup = "bag.lookup" // a /lookup answer, same Solr shape
)

// Street is the subject type of an address written as street and place,
// "Hoofdstraat 12, Amsterdam" (as kvk.Street). pipeline/subject does not
// define it yet; until it does, no subject of this type can be made
// outside tests.
const Street subject.Type = "street"

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

// Accepts implements sources.Source: addresses, by postcode and number
// or by street and place. A name is not an address, and free-text
// geocoding of it would produce guesses, not facts.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Address || t == Street }

// Fetch asks /free for the address docs of the subject and, when the best
// one came back incomplete, /lookup for that doc.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	var q url.Values
	switch subj.Type {
	case subject.Address:
		a, err := subject.ParseAddress(subj.Value)
		if err != nil {
			return nil, fmt.Errorf("bag: %w: %w", err, asynq.SkipRetry)
		}
		q = FreeQuery(a)
	case Street:
		var err error
		if q, err = TextQuery(subj.Value); err != nil {
			return nil, fmt.Errorf("bag: %w: %w", err, asynq.SkipRetry)
		}
	default:
		return nil, fmt.Errorf("bag: subject type %q is not supported: %w", subj.Type, asynq.SkipRetry)
	}
	res := &sources.Result{}
	docs, err := s.get(ctx, res, "/free?"+q.Encode(), KindFree, "searching address")
	if err != nil {
		return nil, err
	}
	res.Found = len(docs) > 0
	if id, ok := incomplete(docs); ok {
		if _, err := s.get(ctx, res, "/lookup?"+url.Values{"id": {id}}.Encode(), KindLookup, "looking up address"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// solrDoc is the part of a doc the adapter decides on.
type solrDoc struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	NummeraanduidingID json.RawMessage `json:"nummeraanduiding_id"`
	CentroideLL        json.RawMessage `json:"centroide_ll"`
}

var docID = regexp.MustCompile(`^[a-z]{3}-[0-9a-f]{32}$`)

// incomplete returns the id of the best address doc when it lacks a field
// the default fl always returns for a BAG address.
func incomplete(docs []solrDoc) (string, bool) {
	for _, d := range docs {
		if d.Type != "adres" {
			continue
		}
		if docID.MatchString(d.ID) && (len(d.NummeraanduidingID) == 0 || len(d.CentroideLL) == 0) {
			return d.ID, true
		}
		return "", false
	}
	return "", false
}

// get performs one call, appends its evidence to res and returns the docs
// of a found answer (none for numFound 0).
func (s *Source) get(ctx context.Context, res *sources.Result, path, kind, what string) ([]solrDoc, error) {
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + path,
		Header:  http.Header{"Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("bag: %s: %w", what, err)
	}
	if err := checkStatus(resp); err != nil {
		return nil, fmt.Errorf("bag: %s: %w", what, err)
	}
	var body struct {
		Response *struct {
			NumFound int       `json:"numFound"`
			Docs     []solrDoc `json:"docs"`
		} `json:"response"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, fmt.Errorf("bag: %s: malformed answer: %w: %w", what, err, asynq.SkipRetry)
	}
	if body.Response == nil {
		return nil, fmt.Errorf("bag: %s: malformed answer: no response object: %w", what, asynq.SkipRetry)
	}
	res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, kind, resp))
	if body.Response.NumFound == 0 {
		return nil, nil
	}
	return body.Response.Docs, nil
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

// maxText caps a free-text address; longer is no address.
const maxText = 200

// TextQuery is the /free query for an address typed as text ("Hoofdstraat
// 12, Amsterdam"): the words as q, address docs only. Solr's syntax
// characters are dropped, so a subject is always searched as words and
// never as a query of its own.
func TextQuery(text string) (url.Values, error) {
	words := strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`+-!(){}[]^"~*?:\/&|,;`, r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text))
	q := strings.Join(words, " ")
	if q == "" || len(q) > maxText || !strings.ContainsFunc(q, unicode.IsLetter) {
		return nil, errors.New("street subject must be a street and place, e.g. \"Hoofdstraat 12, Amsterdam\"")
	}
	v := url.Values{}
	v.Set("q", q)
	v.Add("fq", "type:adres")
	v.Set("rows", strconv.Itoa(Rows))
	return v, nil
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

// checkStatus: a 4xx other than 429 means our request or base_url is
// wrong, which no retry fixes.
func checkStatus(resp *egress.Response) error {
	return sources.CheckStatus(resp, sources.StatusWords{NotFound: "check sources.bag.base_url"})
}
