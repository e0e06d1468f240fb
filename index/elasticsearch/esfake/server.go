// Package esfake is a test double of an Elasticsearch 8 cluster: an
// httptest server that keeps documents in memory and answers the part of
// the REST API and query DSL that verrijk's index/elasticsearch sends, in
// Elasticsearch's own answer shapes (checked against the recorded answers
// in ../testdata by that package's tests).
//
// It is a simulation, not a replay: it analyses text as the index settings
// say (standard tokenizer as UAX #29 word boundaries, lowercase, uppercase,
// asciifolding; normalizers with pattern_replace char filters), applies
// index templates, aliases and a strict mapping, and evaluates bool, term,
// terms, range, match_all, match_none and multi_match (best_fields and
// bool_prefix, operator, fuzziness) queries, terms aggregations, html
// highlighting, sorting and paging. Whatever else it is sent it refuses
// with an error naming what it lacks, so the backend cannot come to rely on
// something the fake only pretends to do. Scores are simple sums (1 for a
// term, less for fuzzy and prefix matches, times boosts), not BM25: tests
// may rely on order only where the boosts decide it.
//
// Searches see documents as of the last refresh (refresh=true or wait_for
// on a write, or the _refresh API) and never on their own, which is
// stricter than a cluster's periodic refresh: a backend that forgets to
// refresh fails here.
package esfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// Server is a fake cluster. Start it with New; it stops with the test.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	templates map[string]map[string]any // name → index_template body
	indices   map[string]*esIndex
	requests  []Request
	rejects   int // bulk items still to reject with 429
	failures  []failure
}

// Request is one request the server received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
}

type failure struct {
	method, pathPart string
	status           int
	left             int
}

// maxBody is Elasticsearch's default http.max_content_length.
const maxBody = 100 << 20

// New starts a fake cluster for the test.
func New(t interface {
	Cleanup(func())
}) *Server {
	s := &Server{templates: map[string]map[string]any{}, indices: map[string]*esIndex{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// RejectBulkItems makes the next n index or delete items of bulk requests
// fail with 429 es_rejected_execution_exception, as a node whose write
// queue is full answers.
func (s *Server) RejectBulkItems(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects = n
}

// FailRequests makes the next n requests with this method whose path
// contains pathPart fail with status (429: es_rejected_execution_exception;
// other: a 503-like cluster error) before they do anything.
func (s *Server) FailRequests(method, pathPart string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method, pathPart, status, n})
}

// Requests lists what the server received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Indices lists the concrete indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.indices)
}

// DocCount is how many documents an index holds, searchable or not.
func (s *Server) DocCount(index string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[index]; ix != nil {
		return len(ix.docs)
	}
	return -1
}

// Setting returns an index setting such as "refresh_interval".
func (s *Server) Setting(index, key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[index]; ix != nil {
		return ix.settings[key]
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	for i := range s.failures {
		f := &s.failures[i]
		if f.left > 0 && f.method == r.Method && strings.Contains(r.URL.Path, f.pathPart) {
			f.left--
			if f.status == http.StatusTooManyRequests {
				writeError(w, 429, "es_rejected_execution_exception", "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0]", nil)
			} else {
				writeError(w, f.status, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];", nil)
			}
			return
		}
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, 413, "content_too_long_exception", "request body too large", nil)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "_bulk" && r.Method == "POST":
		s.bulk(w, r, body)
	case len(parts) == 1 && parts[0] == "_aliases" && r.Method == "POST":
		s.updateAliases(w, body)
	case len(parts) == 2 && parts[0] == "_alias" && r.Method == "GET":
		s.getAlias(w, parts[1])
	case len(parts) == 2 && parts[0] == "_index_template":
		s.template(w, r.Method, parts[1], body)
	case len(parts) == 2 && parts[1] == "_alias" && r.Method == "GET":
		s.getIndexAliases(w, parts[0])
	case len(parts) == 2 && parts[1] == "_search" && (r.Method == "POST" || r.Method == "GET"):
		s.search(w, parts[0], body)
	case len(parts) == 2 && parts[1] == "_refresh" && r.Method == "POST":
		s.refreshAPI(w, parts[0])
	case len(parts) == 2 && parts[1] == "_settings" && r.Method == "PUT":
		s.putSettings(w, parts[0], body)
	case len(parts) == 2 && parts[1] == "_mapping" && r.Method == "PUT":
		s.putMapping(w, parts[0], body)
	case len(parts) == 1 && !strings.HasPrefix(parts[0], "_") && r.Method == "PUT":
		s.createIndex(w, parts[0], body)
	case len(parts) == 1 && !strings.HasPrefix(parts[0], "_") && r.Method == "DELETE":
		s.deleteIndex(w, parts[0])
	default:
		writeError(w, 400, "illegal_argument_exception", "esfake does not implement "+r.Method+" "+r.URL.Path, nil)
	}
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errors.New("body too large")
	}
	return b, nil
}

// writeJSON answers as Elasticsearch 8 does, with the product header the
// Go client checks.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes {"error": {"root_cause": [cause], …cause}, "status"}.
func writeError(w http.ResponseWriter, status int, typ, reason string, extra map[string]any) {
	cause := map[string]any{"type": typ, "reason": reason}
	for k, v := range extra {
		cause[k] = v
	}
	full := map[string]any{"root_cause": []any{cause}}
	for k, v := range cause {
		full[k] = v
	}
	writeJSON(w, status, map[string]any{"error": full, "status": status})
}

func indexNotFound(w http.ResponseWriter, name string) {
	writeError(w, 404, "index_not_found_exception", "no such index ["+name+"]",
		map[string]any{"resource.type": "index_or_alias", "resource.id": name, "index_uuid": "_na_", "index": name})
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")[:22]
}

// shards is the _shards block of a single-shard, no-replica index.
func shards(n int) map[string]any {
	return map[string]any{"total": n, "successful": n, "failed": 0}
}
