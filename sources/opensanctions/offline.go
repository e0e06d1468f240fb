package opensanctions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"time"

	"verrijk/sources"
)

// offlineFeature names the one feature the offline matcher reports.
const offlineFeature = "name_token_jaro_winkler"

// offlineMatcher describes the offline matcher in the answer's "matcher"
// block, as the API describes its algorithm's features there.
var offlineMatcher = map[string]featureDoc{
	offlineFeature: {
		Description: "verrijk offline matcher: soft token-set Jaro-Winkler over accent-folded names and aliases, legal forms dropped",
		Coefficient: 1,
	},
}

// screenOffline matches name against the local export and returns the
// answer the API would have given, as evidence under a file:// URL.
func (s *Source) screenOffline(ctx context.Context, name string) (*sources.Result, error) {
	d, err := s.data.current(ctx)
	if err != nil {
		return nil, fmt.Errorf("opensanctions: %w", err)
	}
	results := d.match(tokens(name), s.cfg.MinScore)
	body, err := json.Marshal(matchAnswer{
		Responses: map[string]matchResponse{QueryKey: {
			Status:  200,
			Results: results,
			Total:   totalSpec{Value: len(results), Relation: "eq"},
			Query:   newExample(name),
		}},
		Matcher: offlineMatcher,
		Limit:   MaxResults,
	})
	if err != nil {
		return nil, fmt.Errorf("opensanctions: writing offline answer: %w", err)
	}
	sum := sha256.Sum256(body)
	return &sources.Result{
		Found: len(results) > 0,
		Evidence: []sources.Evidence{{
			Source: Name, Kind: KindMatch, URL: s.fileURL(), Status: 200,
			FetchedAt: time.Now().UTC(), SHA256: hex.EncodeToString(sum[:]), Body: body,
		}},
	}, nil
}

// fileURL names the export and the threshold the answer was made with,
// like the API's URL does.
func (s *Source) fileURL() string {
	p, err := filepath.Abs(s.cfg.DataFile)
	if err != nil {
		p = s.cfg.DataFile
	}
	q := url.Values{}
	q.Set("threshold", formatScore(s.cfg.MinScore))
	q.Set("limit", fmt.Sprint(MaxResults))
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p), RawQuery: q.Encode()}
	return u.String()
}

// blockKey is the index key of a token: its first three letters.
func blockKey(t string) string {
	r := []rune(t)
	return string(r[:min(3, len(r))])
}

// buildIndex maps block keys to the entities with a name token under them.
func buildIndex(ents []entry) map[string][]int32 {
	idx := map[string][]int32{}
	for i, e := range ents {
		seen := map[string]bool{}
		for _, n := range e.names {
			for _, t := range n {
				k := blockKey(t)
				if !seen[k] {
					seen[k] = true
					idx[k] = append(idx[k], int32(i))
				}
			}
		}
	}
	return idx
}

// match scores the candidates sharing a block key with the query and
// returns those at or above minScore, best first, at most MaxResults.
func (d *dataFile) match(query []string, minScore float64) []matchResult {
	seen := map[int32]bool{}
	out := []matchResult{}
	for _, t := range query {
		for _, i := range d.index[blockKey(t)] {
			if seen[i] {
				continue
			}
			seen[i] = true
			e := d.ents[i]
			sc := score(query, e.names)
			if sc < minScore {
				continue
			}
			r := e.res // a copy: the loaded entry stays untouched
			r.Score, r.Match = sc, true
			r.Features = map[string]float64{offlineFeature: sc}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		return out[a].ID < out[b].ID
	})
	return out[:min(len(out), MaxResults)]
}
