package esfake

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// call sends a request and decodes the JSON answer.
func call(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer %q", method, path, raw)
	}
	if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		t.Errorf("%s %s: no product header", method, path)
	}
	return res.StatusCode, out
}

const testIndex = `{"settings":{"analysis":{
	"analyzer":{"folded":{"type":"custom","tokenizer":"standard","filter":["lowercase","asciifolding"]}},
	"char_filter":{"seps":{"type":"pattern_replace","pattern":"[\\s.\\-]","replacement":""}},
	"normalizer":{"ident":{"type":"custom","char_filter":["seps"],"filter":["uppercase"]}}}},
 "mappings":{"dynamic":"strict","properties":{
	"id":{"type":"keyword"},"name":{"type":"text","analyzer":"folded"},
	"plate":{"type":"keyword","normalizer":"ident"},"seen":{"type":"date_nanos"},"tag":{"type":"keyword"}}}}`

func setup(t *testing.T) *Server {
	s := New(t)
	if status, out := call(t, s, "PUT", "/things", testIndex); status != 200 {
		t.Fatalf("create: %d %v", status, out)
	}
	bulk := `{"index":{"_index":"things","_id":"1"}}
{"id":"1","name":"Bakkerij Ünal <b>","plate":"6-TJR-64","seen":"2025-01-02T03:04:05.000000006Z","tag":["x","y"]}
{"index":{"_index":"things","_id":"2"}}
{"id":"2","name":"Unal Import","plate":"AB-12-CD","seen":"2025-02-02T00:00:00Z","tag":"x"}
{"index":{"_index":"things","_id":"3"}}
{"id":"3","name":"Jansen Transport","tag":"z"}
`
	if status, out := call(t, s, "POST", "/_bulk?refresh=wait_for", bulk); status != 200 || out["errors"] != false {
		t.Fatalf("bulk: %d %v", status, out)
	}
	return s
}

func hitIDs(t *testing.T, out map[string]any) []string {
	t.Helper()
	hits, _ := out["hits"].(map[string]any)
	list, _ := hits["hits"].([]any)
	var ids []string
	for _, h := range list {
		ids = append(ids, h.(map[string]any)["_id"].(string))
	}
	return ids
}

func search(t *testing.T, s *Server, body string) []string {
	t.Helper()
	status, out := call(t, s, "POST", "/things/_search", body)
	if status != 200 {
		t.Fatalf("search %s: %d %v", body, status, out)
	}
	return hitIDs(t, out)
}

func TestQueries(t *testing.T) {
	s := setup(t)
	for body, want := range map[string][]string{
		`{"query":{"multi_match":{"query":"ÜNAL","fields":["name"]}},"sort":[{"id":"asc"}]}`:                                      {"1", "2"},
		`{"query":{"multi_match":{"query":"unal bakkerij","fields":["name"],"operator":"and"}}}`:                                  {"1"},
		`{"query":{"multi_match":{"query":"unal bakkerij","fields":["name"]}},"sort":[{"id":"asc"}]}`:                             {"1", "2"},
		`{"query":{"multi_match":{"query":"jansem","fields":["name"],"fuzziness":1}}}`:                                            {"3"},
		`{"query":{"multi_match":{"query":"jnasen","fields":["name"],"fuzziness":1,"fuzzy_transpositions":false}}}`:               nil,
		`{"query":{"multi_match":{"query":"jnasen","fields":["name"],"fuzziness":1}}}`:                                            {"3"},
		`{"query":{"multi_match":{"query":"jansen tra","type":"bool_prefix","fields":["name"],"operator":"and"}}}`:                {"3"},
		`{"query":{"multi_match":{"query":"jans","fields":["name"]}}}`:                                                            nil,
		`{"query":{"term":{"plate":"6 tjr 64"}}}`:                                                                                 {"1"},
		`{"query":{"terms":{"tag":["y","z"]}},"sort":[{"id":"asc"}]}`:                                                             {"1", "3"},
		`{"query":{"range":{"seen":{"gte":"2025-01-02T03:04:05.000000006Z","lte":"2025-01-31T00:00:00Z"}}}}`:                      {"1"},
		`{"query":{"range":{"seen":{"gte":"2025-01-02T03:04:05.000000007Z"}}}}`:                                                   {"2"},
		`{"query":{"bool":{"must":[{"match_all":{}}],"filter":[{"term":{"tag":"x"}}],"must_not":[{"term":{"id":"2"}}]}}}`:         {"1"},
		`{"query":{"bool":{"should":[{"term":{"id":"1"}},{"term":{"id":"3"}}],"minimum_should_match":1}},"sort":[{"id":"desc"}]}`: {"3", "1"},
		`{"query":{"match_all":{}},"sort":[{"seen":{"order":"desc","missing":"_last"}},{"id":"asc"}]}`:                            {"2", "1", "3"},
		`{"query":{"match_all":{}},"sort":[{"seen":{"order":"asc"}},{"id":"asc"}],"from":1,"size":1}`:                             {"2"},
	} {
		if got := search(t, s, body); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}

func TestRefusals(t *testing.T) {
	s := setup(t)
	for _, body := range []string{
		`{"query":{"match":{"name":"unal"}}}`,                           // a query the fake lacks
		`{"query":{"match_all":{}},"sort":[{"_id":"asc"}]}`,             // refused by Elasticsearch 8
		`{"query":{"match_all":{}},"collapse":{"field":"tag"}}`,         // unknown key
		`{"query":{"match_all":{}},"aggs":{"a":{"avg":{"field":"x"}}}}`, // not a terms aggregation
		`{"from":9995,"size":10}`,                                       // past max_result_window
	} {
		if status, out := call(t, s, "POST", "/things/_search", body); status != 400 {
			t.Errorf("%s: %d %v, want 400", body, status, out)
		}
	}
	if status, _ := call(t, s, "POST", "/nothing/_search", `{}`); status != 404 {
		t.Errorf("search of a missing index: %d", status)
	}
	if status, _ := call(t, s, "PUT", "/stemmed", `{"settings":{"analysis":{"analyzer":{"a":{"type":"custom","tokenizer":"standard","filter":["dutch_stem"]}}}}}`); status != 400 {
		t.Errorf("an analyzer the fake lacks was accepted: %d", status)
	}
	_, out := call(t, s, "POST", "/_bulk", `{"index":{"_index":"things","_id":"9"}}
{"id":"9","nickname":"x"}
{"index":{"_index":"things","_id":"10"}}
{"id":"10","seen":"gisteren"}
`)
	items, _ := out["items"].([]any)
	if out["errors"] != true || len(items) != 2 {
		t.Fatalf("bulk with bad documents: %v", out)
	}
	for i, want := range []string{"strict_dynamic_mapping_exception", "document_parsing_exception"} {
		e := items[i].(map[string]any)["index"].(map[string]any)["error"].(map[string]any)
		if e["type"] != want {
			t.Errorf("item %d: %v, want %s", i, e, want)
		}
	}
}

// TestRefreshDecidesVisibility: a write without refresh is not searched
// until a refresh, as in Elasticsearch with refresh_interval -1.
func TestRefreshDecidesVisibility(t *testing.T) {
	s := setup(t)
	call(t, s, "POST", "/_bulk", `{"index":{"_index":"things","_id":"4"}}
{"id":"4","name":"Later Zichtbaar"}
{"delete":{"_index":"things","_id":"3"}}
`)
	if got := search(t, s, `{"query":{"multi_match":{"query":"zichtbaar jansen","fields":["name"]}}}`); !slices.Equal(got, []string{"3"}) {
		t.Errorf("before refresh: %v", got)
	}
	call(t, s, "POST", "/things/_refresh", "")
	if got := search(t, s, `{"query":{"multi_match":{"query":"zichtbaar jansen","fields":["name"]}}}`); !slices.Equal(got, []string{"4"}) {
		t.Errorf("after refresh: %v", got)
	}
}

func TestHighlightAndAggregations(t *testing.T) {
	s := setup(t)
	_, out := call(t, s, "POST", "/things/_search", `{"query":{"multi_match":{"query":"unal","fields":["name"]}},
		"highlight":{"encoder":"html","pre_tags":["<mark>"],"post_tags":["</mark>"],"fields":{"name":{"number_of_fragments":0}}},
		"aggs":{"tags":{"terms":{"field":"tag","size":1}}},"sort":[{"id":"asc"}],"track_scores":true}`)
	hits := out["hits"].(map[string]any)["hits"].([]any)
	hl := hits[0].(map[string]any)["highlight"].(map[string]any)["name"].([]any)[0]
	if hl != "Bakkerij <mark>Ünal</mark> &lt;b&gt;" {
		t.Errorf("highlight = %q", hl)
	}
	if _, ok := hits[0].(map[string]any)["_score"].(float64); !ok {
		t.Errorf("no score with track_scores: %v", hits[0])
	}
	tags := out["aggregations"].(map[string]any)["tags"].(map[string]any)
	b := tags["buckets"].([]any)
	if len(b) != 1 || b[0].(map[string]any)["key"] != "x" || b[0].(map[string]any)["doc_count"] != 2.0 || tags["sum_other_doc_count"] != 1.0 {
		t.Errorf("terms aggregation = %v", tags)
	}
}

func TestAliases(t *testing.T) {
	s := setup(t)
	call(t, s, "PUT", "/other", `{"aliases":{"all":{"is_write_index":true}}}`)
	if status, _ := call(t, s, "POST", "/_aliases", `{"actions":[{"add":{"index":"things","alias":"all","is_write_index":true}}]}`); status != 400 {
		t.Errorf("a second write index was accepted: %d", status)
	}
	status, _ := call(t, s, "POST", "/_aliases", `{"actions":[{"remove":{"index":"other","alias":"all"}},{"add":{"index":"things","alias":"all","is_write_index":true}}]}`)
	if status != 200 {
		t.Fatalf("swap: %d", status)
	}
	if _, out := call(t, s, "GET", "/_alias/all", ""); out["things"] == nil || out["other"] != nil {
		t.Errorf("after the swap: %v", out)
	}
	if status, out := call(t, s, "GET", "/_alias/none", ""); status != 404 || out["error"] != "alias [none] missing" {
		t.Errorf("missing alias: %d %v", status, out)
	}
	if got := search(t, s, `{"query":{"term":{"id":"1"}}}`); len(got) != 1 {
		t.Errorf("search through the alias target: %v", got)
	}
}

// TestWaitForOnAnUnrefreshedIndex: Elasticsearch would hang; the fake
// refuses, before writing anything.
func TestWaitForOnAnUnrefreshedIndex(t *testing.T) {
	s := setup(t)
	call(t, s, "PUT", "/things/_settings", `{"index":{"refresh_interval":"-1"}}`)
	status, _ := call(t, s, "POST", "/_bulk?refresh=wait_for", `{"delete":{"_index":"things","_id":"1"}}
`)
	if status != 400 {
		t.Errorf("wait_for on an index without refresh: %d", status)
	}
	if s.DocCount("things") != 3 {
		t.Errorf("the refused bulk wrote: %d documents", s.DocCount("things"))
	}
}
