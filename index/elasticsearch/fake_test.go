package esindex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"verrijk/index/elasticsearch/esfake"
)

// TestFakeAnswersLikeRecordings keeps the fake honest: every recorded
// request is sent to a fresh fake cluster (after the requests of the
// recordings named in fake_setup), and the fake's answer must have the
// recorded status, the product header and the same JSON shape — the same
// keys, array lengths and value kinds. Interactions marked fake.skip say
// why the fake cannot give them.
func TestFakeAnswersLikeRecordings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			rec, _ := loadRecording(t, name)
			srv := esfake.New(t)
			for _, setup := range rec.FakeSetup {
				pre, _ := loadRecording(t, setup)
				for _, it := range pre.Interactions {
					if it.Fake == nil {
						send(t, srv, it.Request)
					}
				}
			}
			for i, it := range rec.Interactions {
				if it.Fake != nil && it.Fake.Skip != "" {
					continue
				}
				if it.Fake != nil && it.Fake.RejectBulkItems > 0 {
					srv.RejectBulkItems(it.Fake.RejectBulkItems)
				}
				if it.Fake != nil && it.Fake.FailStatus > 0 {
					srv.FailRequests(it.Request.Method, it.Request.Path, it.Fake.FailStatus, 1)
				}
				status, header, body := send(t, srv, it.Request)
				where := fmt.Sprintf("interaction %d (%s %s)", i+1, it.Request.Method, it.Request.Path)
				if status != it.Response.Status {
					t.Errorf("%s: status %d, recorded %d; answer %s", where, status, it.Response.Status, body)
					continue
				}
				if header.Get("X-Elastic-Product") != "Elasticsearch" || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
					t.Errorf("%s: headers %v", where, header)
				}
				var got, want any
				if err := json.Unmarshal(body, &got); err != nil {
					t.Errorf("%s: answer is not JSON: %s", where, body)
					continue
				}
				if err := json.Unmarshal(it.Response.Body, &want); err != nil {
					t.Fatalf("%s: recorded answer: %v", where, err)
				}
				for _, d := range shapeDiff("", got, want) {
					t.Errorf("%s: %s", where, d)
				}
			}
		})
	}
}

func send(t *testing.T, srv *esfake.Server, r recRequest) (int, http.Header, []byte) {
	t.Helper()
	var body []byte
	ctype := "application/json"
	switch {
	case r.NDJSON != nil:
		for _, line := range r.NDJSON {
			var b bytes.Buffer
			if err := json.Compact(&b, line); err != nil {
				t.Fatal(err)
			}
			body = append(body, b.Bytes()...)
			body = append(body, '\n')
		}
		ctype = "application/x-ndjson"
	case r.Body != nil:
		body = r.Body
	}
	u := srv.URL + r.Path
	if len(r.Query) > 0 {
		keys := make([]string, 0, len(r.Query))
		for k := range r.Query {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var q []string
		for _, k := range keys {
			q = append(q, k+"="+r.Query[k])
		}
		u += "?" + strings.Join(q, "&")
	}
	req, err := http.NewRequestWithContext(t.Context(), r.Method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, out
}

// shapeDiff lists where got and want differ in shape.
func shapeDiff(path string, got, want any) []string {
	kind := func(v any) string {
		switch v.(type) {
		case map[string]any:
			return "object"
		case []any:
			return "array"
		case string:
			return "string"
		case float64:
			return "number"
		case bool:
			return "bool"
		case nil:
			return "null"
		}
		return "?"
	}
	if kind(got) != kind(want) {
		return []string{fmt.Sprintf("%s: %s, recorded %s", orRoot(path), kind(got), kind(want))}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k := range w {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s: no key %q", orRoot(path), k))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s: key %q not recorded", orRoot(path), k))
			}
		}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				out = append(out, shapeDiff(path+"."+k, gv, wv)...)
			}
		}
	case []any:
		g := got.([]any)
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %d elements, recorded %d", orRoot(path), len(g), len(w))}
		}
		for i := range w {
			out = append(out, shapeDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])...)
		}
	}
	return out
}

func orRoot(path string) string {
	if path == "" {
		return "answer"
	}
	return path
}
