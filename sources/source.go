// Package sources defines what every source adapter implements; the table of
// adapters lives in sources/registry. An adapter speaks one real service's
// protocol through the shared egress client and returns the raw responses as
// evidence; turning evidence into entities is the pipeline's job.
package sources

import (
	"context"
	"time"

	"verrijk/egress"
	"verrijk/pipeline/subject"
)

// Source is one adapter. Fetch must use only the egress client it was built
// with, honour ctx, and return an error wrapping asynq.SkipRetry for
// failures that a retry cannot fix (bad key, malformed subject).
type Source interface {
	Name() string
	// Accepts reports whether the adapter can look up this kind of subject.
	Accepts(t subject.Type) bool
	Fetch(ctx context.Context, s subject.Subject) (*Result, error)
}

// Result is what one lookup produced: every raw response that was read,
// in the order it was read. An empty answer (no match) is a Result with
// the evidence of the empty response and Found false.
type Result struct {
	Evidence []Evidence
	Found    bool
}

// Evidence is one raw response kept as proof of what the source said.
// Kind tells the pipeline which normaliser reads Body
// (e.g. "kvk.zoeken", "kvk.basisprofiel", "bag.free").
type Evidence struct {
	Source    string    `json:"source"`
	Kind      string    `json:"kind"`
	URL       string    `json:"url"`
	Status    int       `json:"status"`
	FetchedAt time.Time `json:"fetched_at"`
	SHA256    string    `json:"sha256"`
	// Headers are the response headers that matter to read Body later
	// (EvidenceHeaders), never cookies or anything the request carried.
	Headers map[string]string `json:"headers,omitempty"`
	Body    []byte            `json:"-"`
}

// EvidenceHeaders are the response headers kept with evidence: what the
// body is and when the source last changed it.
var EvidenceHeaders = []string{"Content-Type", "Content-Language", "Content-Disposition", "Last-Modified", "ETag", "Date", "Expires"}

// maxHeaderValue caps each kept header value (the answer is hostile input).
const maxHeaderValue = 512

// EvidenceOf keeps an answer of the named source as evidence of kind.
func EvidenceOf(source, kind string, resp *egress.Response) Evidence {
	ev := Evidence{Source: source, Kind: kind, URL: resp.URL, Status: resp.Status,
		FetchedAt: resp.FetchedAt, SHA256: resp.SHA256, Body: resp.Body}
	for _, h := range EvidenceHeaders {
		if v := resp.Header.Get(h); v != "" {
			if ev.Headers == nil {
				ev.Headers = map[string]string{}
			}
			ev.Headers[h] = Clip(v, maxHeaderValue)
		}
	}
	return ev
}
