// Package opensanctions screens names against OpenSanctions (sanctions
// lists, politically exposed persons, crime lists), either through the
// hosted match API or, offline, against a local FollowTheMoney export.
//
// What the service does, as learned from the API documentation
// (opensanctions.org/docs/api: quickstart, request, response, scoring) and
// the source of yente, the open-source server behind the hosted API:
//   - POST {base}/match/{dataset} (dataset e.g. "default", "sanctions",
//     "peps"; an unknown one is a 404 {"detail":"No such dataset."}), header
//     "Authorization: ApiKey <key>"; without a valid key the hosted API
//     refuses the call (401/403).
//   - The body is query-by-example: {"queries":{"q1":{"schema":…,
//     "properties":{"name":[…]}}}}. "LegalEntity" is a matchable schema
//     whose matches include Person, Company, Organization and PublicBody,
//     so one query screens a name that may be either. A missing schema is
//     a 422 (FastAPI validation), an unknown or non-matchable one a 400
//     {"detail":"Cannot parse example entity: …"}.
//   - Query parameters: limit (default 5), threshold (default 0.7: a result
//     scoring at least this is marked "match": true), cutoff (deprecated;
//     results scoring at or below it are not returned at all; current
//     servers cap it at threshold and default it to threshold, older ones
//     default it to 0), algorithm, topics, include_dataset, … Unknown
//     parameters are ignored (FastAPI).
//   - The answer is {"responses":{"q1":{"status","results":[…],"total":
//     {"value","relation"},"query":{"id","schema","properties"}}},
//     "matcher":{…},"limit"}. Each result is an FtM entity (id, caption,
//     schema, properties, datasets, referents, target, first_seen,
//     last_seen, last_change) plus score (0..1), features and match. The
//     query is echoed back, which is how the normaliser knows the name that
//     was screened (the request body is not part of the evidence).
//
// The threshold: MinScore is sent as both threshold and cutoff, so the
// service itself marks what counts as a match and (on any server version)
// leaves near misses out of the answer: names of people who merely
// resemble the subject are not stored (data minimisation). The answer is
// kept verbatim as evidence; the threshold is visible in its URL, and the
// normaliser keeps only results with "match": true whose score reaches the
// URL's threshold. Offline, the adapter's own matcher plays the service:
// it writes the same answer shape with only results at or above MinScore,
// under a file:// URL carrying the same threshold parameter.
package opensanctions

import (
	"context"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "opensanctions"

// KindMatch is the evidence kind of a match answer, online or offline.
const KindMatch = "opensanctions.match"

const (
	// DefaultBaseURL is the hosted API.
	DefaultBaseURL = "https://api.opensanctions.org"
	// DefaultDataset is OpenSanctions' full collection: sanctions, PEPs,
	// crime and debarment lists.
	DefaultDataset = "default"
	// DefaultMinScore is the service's own default threshold.
	DefaultMinScore = 0.7
	// MaxResults is the limit asked for: the data is de-duplicated, so a
	// name rarely has more than a few genuine candidates.
	MaxResults = 10
	// QueryKey names the one query in each request.
	QueryKey = "q1"
	// QuerySchema matches people and organisations alike.
	QuerySchema = "LegalEntity"
)

// Defaults is the configuration used when config leaves a field empty.
// There is no default key: online use needs sources.opensanctions.api_key.
func Defaults() sources.Config {
	return sources.Config{BaseURL: DefaultBaseURL, Dataset: DefaultDataset, MinScore: DefaultMinScore}
}

// Source screens names against OpenSanctions.
type Source struct {
	client *egress.Client
	cfg    sources.Config
	data   *dataFile // set when cfg.DataFile is
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; empty fields of cfg take Defaults().
func New(c *egress.Client, cfg sources.Config) *Source {
	cfg = cfg.WithDefaults(Defaults())
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Source{client: c, cfg: cfg}
	if cfg.DataFile != "" {
		s.data = newDataFile(cfg.DataFile)
	}
	return s
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source: only names are screened. KvK numbers
// or addresses mean nothing to a sanctions list; the lead screens the
// names other sources find.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Name }

// Fetch screens the subject's name, offline when a data file is
// configured, else through the API.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	if subj.Type != subject.Name {
		return nil, fmt.Errorf("opensanctions: subject type %q is not supported: %w", subj.Type, asynq.SkipRetry)
	}
	canon, err := subject.Parse(subject.Name, subj.Value)
	if err != nil {
		return nil, fmt.Errorf("opensanctions: %w: %w", err, asynq.SkipRetry)
	}
	name := canon.Value
	switch {
	case s.data != nil:
		return s.screenOffline(ctx, name)
	case s.cfg.APIKey == "":
		return nil, fmt.Errorf("opensanctions needs sources.opensanctions.api_key or data_file: %w", asynq.SkipRetry)
	}
	return s.screenOnline(ctx, name)
}
