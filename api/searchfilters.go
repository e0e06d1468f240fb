package api

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"verrijk/index"
)

// maxSearchSources bounds the source filter: there are only so many
// sources, and each becomes a term.
const maxSearchSources = 20

// searchFilters are GET /search's optional narrowing and order:
//
//	source=kvk&source=bag (or source=kvk,bag)  provenance from any of these
//	date_from=2025-01-01, date_to=2025-03-31   last seen in this range; a
//	                                           date is a whole UTC day, an
//	                                           RFC 3339 time exact
//	sort=relevance (default) | date            date: last seen, newest first
//
// They only ever narrow: the caller's purpose and team signals are applied
// by the handler whatever these say.
type searchFilters struct {
	Sources  []string
	From, To time.Time
	Sort     string
}

// parseSearchFilters reads the filters; a message means a 400.
func parseSearchFilters(q url.Values, known []string) (searchFilters, string) {
	var f searchFilters
	for _, v := range q["source"] {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" || slices.Contains(f.Sources, s) {
				continue
			}
			if len(known) > 0 && !slices.Contains(known, s) {
				return f, fmt.Sprintf("source %q is not a known source (known: %s)", s, strings.Join(known, ", "))
			}
			f.Sources = append(f.Sources, s)
		}
	}
	if len(f.Sources) > maxSearchSources {
		return f, fmt.Sprintf("at most %d sources", maxSearchSources)
	}
	var msg string
	if f.From, msg = searchDate(q.Get("date_from"), "date_from", false); msg != "" {
		return f, msg
	}
	if f.To, msg = searchDate(q.Get("date_to"), "date_to", true); msg != "" {
		return f, msg
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return f, "date_from is after date_to"
	}
	switch f.Sort = q.Get("sort"); f.Sort {
	case "", index.SortRelevance, index.SortDate:
	default:
		return f, fmt.Sprintf("sort must be %s or %s", index.SortRelevance, index.SortDate)
	}
	return f, ""
}

// searchDate reads a date (YYYY-MM-DD, a whole UTC day: its start, or with
// endOfDay its last instant) or an RFC 3339 time.
func searchDate(s, name string, endOfDay bool) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d, ""
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), ""
	}
	return time.Time{}, name + " must be a date (2025-03-31) or an RFC 3339 time (2025-03-31T12:00:00Z)"
}

// detail describes the filters for the audit entry.
func (f searchFilters) detail() string {
	var b strings.Builder
	if len(f.Sources) > 0 {
		fmt.Fprintf(&b, " sources=%q", strings.Join(f.Sources, ","))
	}
	if !f.From.IsZero() {
		fmt.Fprintf(&b, " date_from=%s", f.From.Format(time.RFC3339Nano))
	}
	if !f.To.IsZero() {
		fmt.Fprintf(&b, " date_to=%s", f.To.Format(time.RFC3339Nano))
	}
	if f.Sort != "" {
		fmt.Fprintf(&b, " sort=%s", f.Sort)
	}
	return b.String()
}
