package esindex

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// update rewrites the request side of the recordings with what the
// backend sends now (after a deliberate change to a query or the
// template). The response side is never rewritten.
var update = flag.Bool("update", false, "rewrite the recorded requests in testdata/ with what the backend sends now")

// recording is a sequence of request/response pairs, see testdata/README.md.
type recording struct {
	Origin string `json:"origin"`
	// FakeSetup names recordings whose requests prepare the fake cluster
	// before this one's requests are sent to it (TestFakeAnswersLikeRecordings).
	FakeSetup    []string      `json:"fake_setup,omitempty"`
	Interactions []interaction `json:"interactions"`
}

type interaction struct {
	Note     string      `json:"note,omitempty"`
	Request  recRequest  `json:"request"`
	Response recResponse `json:"response"`
	// Fake tells TestFakeAnswersLikeRecordings how to get this answer from
	// the fake (a fault to inject), or why it cannot.
	Fake *fakeDirective `json:"fake,omitempty"`
}

type recRequest struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Query  map[string]string `json:"query,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
	NDJSON []json.RawMessage `json:"ndjson,omitempty"`
}

type recResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type fakeDirective struct {
	RejectBulkItems int    `json:"reject_bulk_items,omitempty"`
	FailStatus      int    `json:"fail_status,omitempty"`
	Skip            string `json:"skip,omitempty"`
}

func loadRecording(t *testing.T, name string) (*recording, string) {
	t.Helper()
	path := filepath.Join("testdata", name+".json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading recording: %v", err)
	}
	var r recording
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &r, path
}

// replayer is an http.RoundTripper that answers from recordings, in order,
// and checks that each request is the recorded one: method, path, query
// and body (JSON compared by meaning, NDJSON line by line).
type replayer struct {
	t     *testing.T
	mu    sync.Mutex
	steps []*interaction
	owner []int // index into files of each step
	files []*recording
	paths []string
	next  int
	limit int           // stop answering after this many steps (0: all)
	sent  []http.Header // headers of each request received
}

// header returns a header of the i-th request received.
func (r *replayer) header(i int, name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= len(r.sent) {
		return ""
	}
	return r.sent[i].Get(name)
}

// stopAfter makes the replayer expect only the first n steps.
func (r *replayer) stopAfter(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limit = n
}

func (r *replayer) expected() int {
	if r.limit > 0 {
		return r.limit
	}
	return len(r.steps)
}

// replay serves the named recordings one after the other.
func replay(t *testing.T, names ...string) *replayer {
	r := &replayer{t: t}
	for i, name := range names {
		rec, path := loadRecording(t, name)
		r.files = append(r.files, rec)
		r.paths = append(r.paths, path)
		for j := range rec.Interactions {
			r.steps = append(r.steps, &rec.Interactions[j])
			r.owner = append(r.owner, i)
		}
	}
	t.Cleanup(r.finish)
	return r
}

func (r *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	r.sent = append(r.sent, req.Header.Clone())
	if r.next >= r.expected() {
		r.t.Errorf("unexpected request %s %s after the last recorded one", req.Method, req.URL.RequestURI())
		return answer(400, `{"error":"no more recorded answers","status":400}`), nil
	}
	step := r.steps[r.next]
	r.next++
	if msg := matchRequest(step.Request, req, body); msg != "" {
		if *update && step.Request.Method == req.Method && step.Request.Path == req.URL.Path {
			recordBody(&step.Request, req, body)
		} else {
			r.t.Errorf("request %d (%s %s) differs from the recording: %s", r.next, step.Request.Method, step.Request.Path, msg)
		}
	}
	res := answer(step.Response.Status, string(step.Response.Body))
	for k, v := range step.Response.Headers {
		res.Header.Set(k, v)
	}
	res.Request = req
	return res, nil
}

func answer(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
		ProtoMajor: 1, ProtoMinor: 1}
}

// finish checks every recorded request was made and, in update mode,
// writes the recordings back.
func (r *replayer) finish() {
	if r.next < r.expected() && !r.t.Failed() {
		r.t.Errorf("%d recorded requests were not made, the first: %s %s", r.expected()-r.next,
			r.steps[r.next].Request.Method, r.steps[r.next].Request.Path)
	}
	if !*update {
		return
	}
	for i, rec := range r.files {
		raw, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(r.paths[i], append(raw, '\n'), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

func matchRequest(want recRequest, req *http.Request, body []byte) string {
	if req.Method != want.Method || req.URL.Path != want.Path {
		return fmt.Sprintf("sent %s %s", req.Method, req.URL.Path)
	}
	got := map[string]string{}
	for k, v := range req.URL.Query() {
		got[k] = strings.Join(v, ",")
	}
	if len(got) != len(want.Query) || (len(got) > 0 && !reflect.DeepEqual(got, want.Query)) {
		return fmt.Sprintf("query %v, recorded %v", got, want.Query)
	}
	switch {
	case want.NDJSON != nil:
		lines := bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
		if len(lines) != len(want.NDJSON) {
			return fmt.Sprintf("%d NDJSON lines, recorded %d", len(lines), len(want.NDJSON))
		}
		for i := range lines {
			if !sameJSON(lines[i], want.NDJSON[i]) {
				return fmt.Sprintf("NDJSON line %d:\n sent     %s\n recorded %s", i+1, lines[i], want.NDJSON[i])
			}
		}
		if !bytes.HasSuffix(body, []byte("\n")) {
			return "NDJSON body without the final newline"
		}
	case want.Body != nil:
		if !sameJSON(body, want.Body) {
			return fmt.Sprintf("body:\n sent     %s\n recorded %s", body, want.Body)
		}
	case len(body) > 0:
		return fmt.Sprintf("sent a body, none recorded: %s", body)
	}
	return ""
}

func recordBody(want *recRequest, req *http.Request, body []byte) {
	want.Query = nil
	for k, v := range req.URL.Query() {
		if want.Query == nil {
			want.Query = map[string]string{}
		}
		want.Query[k] = strings.Join(v, ",")
	}
	want.Body, want.NDJSON = nil, nil
	switch {
	case len(body) == 0:
	case strings.Contains(req.Header.Get("Content-Type"), "ndjson"):
		for _, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
			want.NDJSON = append(want.NDJSON, json.RawMessage(append([]byte(nil), line...)))
		}
	default:
		want.Body = json.RawMessage(append([]byte(nil), body...))
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// recordedClock is the time of the recordings: indices made at it are
// named verrijk-entities-v2-20250314t092653.
func recordedClock() time.Time { return time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC) }

// openReplay opens the backend on a replayer.
func openReplay(t *testing.T, rp *replayer, now func() time.Time) (*Index, error) {
	if now == nil {
		now = recordedClock
	}
	return Open(t.Context(), Config{
		Addresses: []string{"http://es.test:9200"},
		APIKey:    "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
		Transport: rp,
		Now:       now,
		Backoff:   func(int) time.Duration { return time.Millisecond },
		Log:       quiet,
	})
}
