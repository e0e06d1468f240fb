package opensanctionstest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"verrijk/sources/opensanctions/opensanctionstest"
)

type answer struct {
	Responses map[string]struct {
		Results []struct {
			ID    string  `json:"id"`
			Score float64 `json:"score"`
			Match bool    `json:"match"`
		} `json:"results"`
		Total struct{ Value int } `json:"total"`
		Query struct {
			Schema     string              `json:"schema"`
			Properties map[string][]string `json:"properties"`
		} `json:"query"`
	} `json:"responses"`
	Limit  int             `json:"limit"`
	Detail json.RawMessage `json:"detail"`
}

func post(t *testing.T, url, key, body string) (int, answer) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "ApiKey "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("%s: answer is not JSON: %s", url, data)
	}
	return resp.StatusCode, a
}

func q(schema, name string) string {
	return `{"queries":{"q1":{"schema":"` + schema + `","properties":{"name":["` + name + `"]}}}}`
}

func TestBehavesLikeTheMatchAPI(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	key := opensanctionstest.APIKey
	cases := []struct {
		path, key, body string
		status          int
		results         int
	}{
		{"/match/default", key, q("LegalEntity", "Jan Voorbeeld"), 200, 1},
		{"/api/match/default", key, q("LegalEntity", "Jan Voorbeeld"), 200, 1}, // any prefix
		{"/match/default", "", q("LegalEntity", "Jan Voorbeeld"), 401, 0},
		{"/match/default", "wrong", q("LegalEntity", "Jan Voorbeeld"), 401, 0},
		{"/match/nosuch", key, q("LegalEntity", "Jan Voorbeeld"), 404, 0},
		{"/match/default", key, `{"queries":{"q1":{"properties":{"name":["x"]}}}}`, 422, 0},
		{"/match/default", key, q("Address", "x"), 400, 0},
		{"/match/default", key, `{"queries":{}}`, 400, 0},
		{"/match/default", key, `{"queries":`, 422, 0},
		{"/match/default?threshold=abc", key, q("LegalEntity", "x"), 422, 0},
		{"/match/default?unknown=1", key, q("Person", "Bestaat Niet"), 200, 0},
		// yente's default cutoff is the threshold: the 0.62 result is dropped.
		{"/match/default", key, q("LegalEntity", "Fictief Logistiek B.V."), 200, 1},
		{"/match/default?cutoff=0", key, q("LegalEntity", "Fictief Logistiek B.V."), 200, 2},
		{"/match/sanctions?threshold=0.9&cutoff=0.9", key, q("LegalEntity", "Jan Voorbeeld"), 200, 0},
		{"/match/default?limit=0", key, q("LegalEntity", "Jan Voorbeeld"), 200, 0},
	}
	for _, c := range cases {
		status, a := post(t, srv.URL+c.path, c.key, c.body)
		n := -1
		if r, ok := a.Responses["q1"]; ok {
			n = len(r.Results)
		} else if status == 200 {
			t.Errorf("%s: no q1 response", c.path)
		}
		if status != c.status || (status == 200 && n != c.results) {
			t.Errorf("%s %s: %d with %d results; want %d with %d", c.path, c.body, status, n, c.status, c.results)
		}
		if status != 200 && len(a.Detail) == 0 {
			t.Errorf("%s: error %d without a detail", c.path, status)
		}
	}
	if srv.Requests() != len(cases) || srv.RequestsTo("/match/sanctions") != 1 {
		t.Errorf("counted %d requests", srv.Requests())
	}
}

func TestMatchFlagFollowsThreshold(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	_, a := post(t, srv.URL+"/match/default?threshold=0.95&cutoff=0.5", opensanctionstest.APIKey, q("LegalEntity", "Fictief Logistiek B.V."))
	r := a.Responses["q1"]
	if len(r.Results) != 2 || !r.Results[0].Match || r.Results[1].Match || r.Total.Value != 1 {
		t.Errorf("results %+v total %d; want the 1.0 result a match, the 0.62 not", r.Results, r.Total.Value)
	}
}

func TestEmptyAnswerEchoesTheQuery(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	status, a := post(t, srv.URL+"/match/default", opensanctionstest.APIKey, q("LegalEntity", "Bestaat Niet B.V."))
	r := a.Responses["q1"]
	if status != 200 || len(r.Results) != 0 || r.Query.Schema != "LegalEntity" || r.Query.Properties["name"][0] != "Bestaat Niet B.V." {
		t.Errorf("empty answer %d %+v", status, r)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Fictief Logistiek B.V.":   "fictief-logistiek-b-v",
		"Maria Müller-Testpersoon": "maria-muller-testpersoon",
		"  Jan   Voorbeeld ":       "jan-voorbeeld",
	} {
		if got := opensanctionstest.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q; want %q", in, got, want)
		}
	}
}
