package opensanctionstest

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
)

// params are the scoring parameters of a match request, with yente's
// defaults: threshold 0.7, cutoff defaulting to and capped at threshold,
// limit 5 (at most 500).
type params struct {
	threshold, cutoff float64
	limit             int
}

// parseParams reads the parameters; bad names one that is not a number.
func parseParams(q url.Values) (params, string) {
	p := params{threshold: 0.7, limit: 5}
	var err error
	if v := q.Get("threshold"); v != "" {
		if p.threshold, err = strconv.ParseFloat(v, 64); err != nil {
			return p, "threshold"
		}
	}
	p.cutoff = p.threshold
	if v := q.Get("cutoff"); v != "" {
		if p.cutoff, err = strconv.ParseFloat(v, 64); err != nil {
			return p, "cutoff"
		}
	}
	p.cutoff = min(p.cutoff, p.threshold)
	if v := q.Get("limit"); v != "" {
		if p.limit, err = strconv.Atoi(v); err != nil || p.limit < 0 || p.limit > 500 {
			return p, "limit"
		}
	}
	return p, ""
}

// apply scores a recorded response the way yente's score_results does:
// results at or below cutoff are dropped, match is score >= threshold,
// at most limit are kept, total counts the matches.
func (p params) apply(resp map[string]any) {
	list, _ := resp["results"].([]any)
	kept := []any{}
	matches := 0
	for _, r := range list {
		res, ok := r.(map[string]any)
		if !ok {
			continue
		}
		score := number(res["score"])
		if score <= p.cutoff {
			continue
		}
		res["match"] = score >= p.threshold
		if score >= p.threshold {
			matches++
		}
		kept = append(kept, res)
	}
	resp["results"] = kept[:min(len(kept), p.limit)]
	resp["total"] = map[string]any{"value": matches, "relation": "eq"}
}

func number(v any) float64 {
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case float64:
		return v
	}
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }

// serveFile writes a recorded file; false when there is none.
func serveFile(w http.ResponseWriter, status int, name string) bool {
	data, err := fs.ReadFile(recorded, "testdata/"+name)
	if err != nil {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
	return true
}

// writeDetail writes yente's error body.
func writeDetail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"detail": msg})
}

// writeValidation writes FastAPI's validation error.
func writeValidation(w http.ResponseWriter, loc []string, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{"detail": []map[string]any{{"type": "value_error", "loc": loc, "msg": msg}}})
}
