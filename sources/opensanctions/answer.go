package opensanctions

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// The match API's request and answer, as far as this adapter writes them:
// the offline matcher produces the same shape so one normaliser reads both.

type matchRequest struct {
	Queries map[string]example `json:"queries"`
}

type example struct {
	ID         *string             `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

func newExample(name string) example {
	return example{Schema: QuerySchema, Properties: map[string][]string{"name": {name}}}
}

type matchAnswer struct {
	Responses map[string]matchResponse `json:"responses"`
	Matcher   map[string]featureDoc    `json:"matcher"`
	Limit     int                      `json:"limit"`
}

type matchResponse struct {
	Status  int           `json:"status"`
	Results []matchResult `json:"results"`
	Total   totalSpec     `json:"total"`
	Query   example       `json:"query"`
}

type totalSpec struct {
	Value    int    `json:"value"`
	Relation string `json:"relation"`
}

type featureDoc struct {
	Description string  `json:"description"`
	Coefficient float64 `json:"coefficient"`
	URL         string  `json:"url"`
}

type matchResult struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	Referents  []string            `json:"referents"`
	Target     bool                `json:"target"`
	FirstSeen  *string             `json:"first_seen"`
	LastSeen   *string             `json:"last_seen"`
	LastChange *string             `json:"last_change"`
	Score      float64             `json:"score"`
	Features   map[string]float64  `json:"features"`
	Match      bool                `json:"match"`
}

// formatScore renders a threshold for a URL: shortest exact form.
func formatScore(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// matches reads an answer the service sent and counts the results that
// are matches at minScore. Only what Found depends on is checked: the
// normaliser reads the rest leniently. A body that is not a match answer
// is an error naming what is wrong.
func matches(body []byte, minScore float64) (int, error) {
	var a struct {
		Responses map[string]struct {
			Results *[]struct {
				Score *float64 `json:"score"`
				Match bool     `json:"match"`
			} `json:"results"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("malformed answer: %w", err)
	}
	if a.Responses == nil {
		return 0, fmt.Errorf("malformed answer: no responses")
	}
	r, ok := a.Responses[QueryKey]
	if !ok || r.Results == nil {
		return 0, fmt.Errorf("malformed answer: no results for query %s", QueryKey)
	}
	n := 0
	for i, res := range *r.Results {
		if res.Score == nil {
			return 0, fmt.Errorf("malformed answer: result %d has no score", i)
		}
		if res.Match && *res.Score >= minScore {
			n++
		}
	}
	return n, nil
}
