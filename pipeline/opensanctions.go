package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// Caps on an OpenSanctions answer: the API returns at most a handful of
// results per query, anything far beyond is not an answer to trust.
const (
	osMaxResponses = 10
	osMaxResults   = 50
	osMaxValues    = 20
	osMaxBytes     = 500
)

// osAnswer is the match API's answer, and the offline matcher's, as far as
// it is read.
type osAnswer struct {
	Responses map[string]osResponse `json:"responses"`
}

type osResponse struct {
	Results []osResult `json:"results"`
	Query   struct {
		Properties map[string]osStrings `json:"properties"`
	} `json:"query"`
}

type osResult struct {
	ID         text                 `json:"id"`
	Caption    text                 `json:"caption"`
	Schema     text                 `json:"schema"`
	Score      num                  `json:"score"`
	Match      osTrue               `json:"match"`
	Datasets   osStrings            `json:"datasets"`
	Properties map[string]osStrings `json:"properties"`
}

// osStrings is an FtM property value: a list of strings. A single string
// counts as a list of one; nested entities, numbers and null are skipped.
type osStrings []string

func (s *osStrings) UnmarshalJSON(b []byte) error {
	var list []json.RawMessage
	if json.Unmarshal(b, &list) != nil {
		list = []json.RawMessage{b}
	}
	out := osStrings{}
	for _, raw := range list {
		var v string
		if json.Unmarshal(raw, &v) == nil && strings.TrimSpace(v) != "" && len(out) < osMaxValues {
			out = append(out, osClip(v))
		}
	}
	*s = out
	return nil
}

// osTrue is true only for a JSON true: a match flag of any other type
// does not make a listing a match.
type osTrue bool

func (t *osTrue) UnmarshalJSON(b []byte) error {
	*t = osTrue(bytes.Equal(bytes.TrimSpace(b), []byte("true")))
	return nil
}

// normalizeOpenSanctionsMatch makes one Sanction entity per listing the
// screening matched: the service marked it a match and its score reaches
// the threshold in the evidence URL (when the URL names one; see the
// opensanctions adapter). Near misses in the answer are dropped. The
// entity is keyed on the OpenSanctions id, so the same listing found by
// screening two names is one entity naming both.
func normalizeOpenSanctionsMatch(ev sources.Evidence) ([]entity.Entity, error) {
	var a osAnswer
	if err := decodeObject(ev.Body, &a); err != nil {
		return nil, fmt.Errorf("reading opensanctions match: %w", err)
	}
	threshold, hasThreshold := osThreshold(ev.URL)
	keys := make([]string, 0, len(a.Responses))
	for k := range a.Responses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := newBuilder(ev)
	for _, k := range keys[:min(len(keys), osMaxResponses)] {
		resp := a.Responses[k]
		screened := resp.Query.Properties["name"]
		for _, r := range resp.Results[:min(len(resp.Results), osMaxResults)] {
			score, err := strconv.ParseFloat(string(r.Score), 64)
			if r.ID == "" || !bool(r.Match) || err != nil || math.IsNaN(score) || math.IsInf(score, 0) || score < 0 ||
				(hasThreshold && score < threshold) {
				continue
			}
			osSanction(b, r, score, screened)
		}
	}
	return b.entities(), nil
}

func osSanction(b *builder, r osResult, score float64, screened []string) {
	id := osClip(r.ID.String())
	e := b.get(entity.SchemaSanction, entity.MakeID(entity.SchemaSanction, "opensanctionsId", id))
	matched := osClip(r.Caption.String())
	if matched == "" && len(r.Properties["name"]) > 0 {
		matched = r.Properties["name"][0]
	}
	if e.Caption == "" {
		e.Caption = matched
	}
	if e.Caption == "" {
		e.Caption = id // a listing without a name still needs a label
	}
	e.Add("entityName", screened...)
	e.Add("matchedName", matched)
	e.Add("matchedSchema", osClip(r.Schema.String()))
	e.Add("score", strconv.FormatFloat(score, 'f', 2, 64))
	e.Add("datasets", r.Datasets...)
	e.Add("opensanctionsId", id)
	e.Add("topics", r.Properties["topics"]...)
	e.Add("program", r.Properties["program"]...)
	e.Add("country", r.Properties["country"]...)
	e.Add("sourceUrl", "https://www.opensanctions.org/entities/"+url.PathEscape(id)+"/")
}

// osThreshold reads the threshold parameter of the evidence URL.
func osThreshold(raw string) (float64, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(u.Query().Get("threshold"), 64)
	return f, err == nil
}

// osClip trims and cuts a value at osMaxBytes on a rune boundary.
func osClip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= osMaxBytes {
		return s
	}
	return strings.ToValidUTF8(s[:osMaxBytes], "")
}
