package api

import (
	"context"
	"net/http"
	"time"

	"verrijk/audit"
	"verrijk/pipeline/subject"
)

// ActionSourceTested records an admin's "test now" of a source.
const ActionSourceTested = "source.tested"

// sourceTestTimeout bounds one test lookup, retries included.
const sourceTestTimeout = 30 * time.Second

// canaries are the subjects a source is tested with: public test records
// that concern no person (KvK's test company and its address, the
// documentation domain), so a test processes no personal data.
var canaries = []subject.Subject{
	{Type: subject.KvK, Value: "68750110"},
	{Type: subject.Address, Value: "8823SJ 3A"},
	{Type: subject.Domain, Value: "example.nl"},
	{Type: subject.URL, Value: "https://example.nl/"},
	{Type: subject.Name, Value: "Test BV Donald"},
	{Type: subject.Plate, Value: "6TJR64"},
}

type sourceTest struct {
	Source     string `json:"source"`
	Subject    string `json:"subject"`
	OK         bool   `json:"ok"`
	Found      bool   `json:"found"`
	Answers    int    `json:"answers"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

// testSource serves POST /sources/{name}/test: one lookup of a canary
// subject through the source's adapter (and so through egress, with its
// limits, proxy and guard), to see whether the source answers now. What
// it finds is not stored. The test is audited.
func (s *server) testSource(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	src, enabled := s.Sources[name]
	if _, known := s.Adapters[name]; !known && !enabled {
		writeError(w, http.StatusNotFound, "not_found", "no source named "+name)
		return
	}
	if !enabled {
		writeError(w, http.StatusConflict, "conflict", "source "+name+" is disabled in the configuration (sources."+name+".enabled)")
		return
	}
	var canary subject.Subject
	for _, c := range canaries {
		if src.Accepts(c.Type) {
			canary = c
			break
		}
	}
	if canary.Type == "" {
		writeError(w, http.StatusUnprocessableEntity, "no_test_subject", "no test subject is known for what "+name+" looks up")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sourceTestTimeout)
	defer cancel()
	start := time.Now()
	res, err := src.Fetch(ctx, canary)
	t := sourceTest{Source: name, Subject: canary.String(), OK: err == nil, DurationMS: time.Since(start).Milliseconds()}
	if res != nil {
		t.Found, t.Answers = res.Found, len(res.Evidence)
	}
	result := audit.ResultOK
	if err != nil {
		t.Error, result = err.Error(), audit.ResultFailed
	}
	if !s.record(w, r, audit.Entry{Action: ActionSourceTested, ObjectType: "source", ObjectID: name, Result: result,
		Detail: "subject=" + canary.String() + "; " + t.Error}) {
		return
	}
	writeJSON(w, http.StatusOK, t)
}
