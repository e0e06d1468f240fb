package kvk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/sources"
)

// zoekenSummary is what the adapter needs from Zoeken to decide which
// billed calls follow.
type zoekenSummary struct {
	found          bool
	hoofdvestiging bool // a result of type hoofdvestiging was listed
	nevenvestiging bool // a result of type nevenvestiging was listed
	complete       bool // every result the service has was read
}

// zoekenPage is the part of a Zoeken answer the adapter reads.
type zoekenPage struct {
	Totaal     *int    `json:"totaal"`
	Volgende   *string `json:"volgende"`
	Resultaten []struct {
		Type string `json:"type"`
	} `json:"resultaten"`
}

// zoeken reads up to MaxPages pages. Page 1 is asked without "pagina"
// (the service's default), so its URL, and the cache entry behind it, is
// the same whatever MaxPages is.
func (s *Source) zoeken(ctx context.Context, res *sources.Result, q url.Values) (zoekenSummary, error) {
	var z zoekenSummary
	read := 0
	for page := 1; page <= s.cfg.MaxPages; page++ {
		if page > 1 {
			q.Set("pagina", strconv.Itoa(page))
		}
		body, found, err := s.get(ctx, res, "/v2/zoeken?"+q.Encode(), KindZoeken, "searching")
		if err != nil {
			return z, err
		}
		if !found {
			// Past the last page the service answers "no results" too.
			z.complete = z.found
			return z, nil
		}
		var p zoekenPage
		if err := json.Unmarshal(body, &p); err != nil {
			return z, fmt.Errorf("kvk: searching: malformed answer: %w: %w", err, asynq.SkipRetry)
		}
		read += len(p.Resultaten)
		for _, r := range p.Resultaten {
			z.hoofdvestiging = z.hoofdvestiging || r.Type == "hoofdvestiging"
			z.nevenvestiging = z.nevenvestiging || r.Type == "nevenvestiging"
		}
		z.found = z.found || len(p.Resultaten) > 0 || (p.Totaal != nil && *p.Totaal > 0)
		more := (p.Volgende != nil && *p.Volgende != "") || (p.Totaal != nil && *p.Totaal > read)
		if !more || len(p.Resultaten) == 0 || read >= PageLimit*MaxResults {
			z.complete = !more
			return z, nil
		}
	}
	return z, nil
}

// basisprofiel fetches the profile of a KvK number Zoeken found, and only
// the sub-resources whose data the profile and Zoeken do not already hold.
func (s *Source) basisprofiel(ctx context.Context, res *sources.Result, n string, z zoekenSummary) error {
	base := "/v1/basisprofielen/" + pathNumber(n)
	body, found, err := s.get(ctx, res, base+"?geoData=false", KindBasisprofiel, "fetching basisprofiel")
	if err != nil || !found {
		return err
	}
	var p struct {
		Embedded struct {
			Hoofdvestiging json.RawMessage `json:"hoofdvestiging"`
			Eigenaar       json.RawMessage `json:"eigenaar"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return fmt.Errorf("kvk: fetching basisprofiel: malformed answer: %w: %w", err, asynq.SkipRetry)
	}
	if !present(p.Embedded.Eigenaar) {
		if _, _, err := s.get(ctx, res, base+"/eigenaar?geoData=false", KindEigenaar, "fetching eigenaar"); err != nil {
			return err
		}
	}
	if !present(p.Embedded.Hoofdvestiging) && z.hoofdvestiging {
		if _, _, err := s.get(ctx, res, base+"/hoofdvestiging?geoData=false", KindHoofdvestiging, "fetching hoofdvestiging"); err != nil {
			return err
		}
	}
	if z.nevenvestiging || !z.complete {
		if _, _, err := s.get(ctx, res, base+"/vestigingen", KindVestigingen, "fetching vestigingen"); err != nil {
			return err
		}
	}
	return nil
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// get performs one call, appends its evidence to res and returns the body
// and whether the service found something. An empty answer (404 with a
// fout body) is kept as evidence of kind KindEmpty. A 2xx body that is not
// a JSON object is an error: the service never sends one.
func (s *Source) get(ctx context.Context, res *sources.Result, path, kind, what string) ([]byte, bool, error) {
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     s.cfg.BaseURL + path,
		Header:  http.Header{"Apikey": {s.cfg.APIKey}, "Accept": {"application/json"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return nil, false, fmt.Errorf("kvk: %s: %w", what, err)
	}
	if resp.Status == http.StatusNotFound {
		if _, ok := parseFout(resp.Body); ok {
			res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, KindEmpty, resp))
			return nil, false, nil
		}
	}
	if err := checkStatus(resp); err != nil {
		return nil, false, fmt.Errorf("kvk: %s: %w", what, err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &obj); err != nil {
		return nil, false, fmt.Errorf("kvk: %s: malformed answer (not a JSON object): %w: %w", what, err, asynq.SkipRetry)
	}
	res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, kind, resp))
	return resp.Body, true, nil
}
