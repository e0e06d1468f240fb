package opensanctions_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/opensanctions"
	"verrijk/sources/opensanctions/opensanctionstest"
	"verrijk/sources/sourcetest"
)

func newSource(t testing.TB, cfg sources.Config) *opensanctions.Source {
	if cfg.Timeout == 0 {
		cfg.Timeout = sourcetest.Timeout
	}
	return opensanctions.New(sourcetest.Client(t), cfg)
}

func online(t testing.TB, base, key string) *opensanctions.Source {
	return newSource(t, sources.Config{BaseURL: base, APIKey: key})
}

func name(v string) subject.Subject { return subject.Subject{Type: subject.Name, Value: v} }

func TestConformance(t *testing.T) {
	empty, err := fs.ReadFile(opensanctionstest.Files(), "empty.json")
	if err != nil {
		t.Fatal(err)
	}
	client := proxiedClient(t) // see bodyDroppingProxy
	sourcetest.Run(t, func(base string) sources.Source {
		return opensanctions.New(client, sources.Config{BaseURL: base, APIKey: opensanctionstest.APIKey, Timeout: sourcetest.Timeout})
	},
		name("Bestaat Niet B.V."), sourcetest.WithEmpty(http.StatusOK, "application/json", empty))
}

// results decodes the ids and match flags of an evidence body.
func results(t *testing.T, body []byte) map[string]bool {
	t.Helper()
	var a struct {
		Responses map[string]struct {
			Results []struct {
				ID    string `json:"id"`
				Match bool   `json:"match"`
			} `json:"results"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range a.Responses[opensanctions.QueryKey].Results {
		out[r.ID] = r.Match
	}
	return out
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		name, want string // want: the ids in the evidence, space separated
		minScore   float64
		found      bool
	}{
		{"Fictief Logistiek B.V.", "verrijk-test-fictief-logistiek", 0, true}, // the 0.62 near miss stays out
		{"Jan Voorbeeld", "verrijk-test-jan-voorbeeld", 0, true},
		{"Jan Voorbeeld", "", 0.9, false}, // 0.85 is below a stricter threshold
		{"Inter Tobacco", "NK-2GdmHtZTeNXjNVrBGEXZNj", 0, true},
		{"Bestaat Niet B.V.", "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := opensanctionstest.NewServer(t)
			src := newSource(t, sources.Config{BaseURL: srv.URL, APIKey: opensanctionstest.APIKey, MinScore: c.minScore})
			res, err := src.Fetch(context.Background(), name(c.name))
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || len(res.Evidence) != 1 {
				t.Fatalf("found %v with %d evidence; want %v with 1", res.Found, len(res.Evidence), c.found)
			}
			ev := res.Evidence[0]
			if ev.Kind != opensanctions.KindMatch || ev.Source != "opensanctions" || ev.SHA256 == "" || ev.Status != 200 {
				t.Errorf("bad evidence %+v", ev)
			}
			if strings.Contains(ev.URL, opensanctionstest.APIKey) || !strings.Contains(ev.URL, "/match/default?") {
				t.Errorf("evidence URL %s", ev.URL)
			}
			var ids []string
			for id := range results(t, ev.Body) {
				ids = append(ids, id)
			}
			if strings.Join(ids, " ") != c.want {
				t.Errorf("evidence holds %v; want %q", ids, c.want)
			}
		})
	}
}

// capture answers every request with body and records what it got.
type capture struct {
	method, path, query, auth, ctype string
	body                             []byte
}

func captureServer(t *testing.T, status int, body []byte) (string, *capture) {
	c := &capture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.method, c.path, c.query = r.Method, r.URL.Path, r.URL.RawQuery
		c.auth, c.ctype = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		c.body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, c
}

func TestRequestIsOneLegalEntityQuery(t *testing.T) {
	empty, _ := fs.ReadFile(opensanctionstest.Files(), "empty.json")
	base, c := captureServer(t, 200, empty)
	src := newSource(t, sources.Config{BaseURL: base + "/", APIKey: "k-123", Dataset: "sanctions", MinScore: 0.85})
	if _, err := src.Fetch(context.Background(), name("  Fictief   Logistiek B.V. ")); err != nil {
		t.Fatal(err)
	}
	if c.method != http.MethodPost || c.path != "/match/sanctions" || c.auth != "ApiKey k-123" || c.ctype != "application/json" {
		t.Errorf("request %s %s auth %q type %q", c.method, c.path, c.auth, c.ctype)
	}
	if c.query != "cutoff=0.85&limit=10&threshold=0.85" {
		t.Errorf("query %q", c.query)
	}
	var body struct {
		Queries map[string]struct {
			Schema     string              `json:"schema"`
			Properties map[string][]string `json:"properties"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(c.body, &body); err != nil {
		t.Fatal(err)
	}
	q, ok := body.Queries["q1"]
	if len(body.Queries) != 1 || !ok || q.Schema != "LegalEntity" || len(q.Properties) != 1 ||
		strings.Join(q.Properties["name"], "|") != "Fictief Logistiek B.V." {
		t.Errorf("body %s", c.body)
	}
}

func TestRefusedKeyIsPermanentAndSecret(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	const key = "os-wrong-key-0123456789"
	_, err := online(t, srv.URL, key).Fetch(context.Background(), name("Jan Voorbeeld"))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("wrong key gave %v; want SkipRetry", err)
	}
	var he *egress.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Errorf("wrong key gave %v; want an *egress.HTTPError 401", err)
	}
	if strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "sources.opensanctions.api_key") {
		t.Errorf("error %q must name the setting, never the key", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests after a 401; want 1", srv.Requests())
	}
}

func TestNoKeyNoDataFile(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	_, err := online(t, srv.URL, "").Fetch(context.Background(), name("Jan Voorbeeld"))
	if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "opensanctions needs sources.opensanctions.api_key or data_file") {
		t.Fatalf("no key gave %v", err)
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests without a key", srv.Requests())
	}
}

func TestUnknownDatasetIsPermanent(t *testing.T) {
	srv := opensanctionstest.NewServer(t)
	src := newSource(t, sources.Config{BaseURL: srv.URL, APIKey: opensanctionstest.APIKey, Dataset: "nosuch"})
	_, err := src.Fetch(context.Background(), name("Jan Voorbeeld"))
	if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "No such dataset") || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Fatalf("unknown dataset gave %v", err)
	}
}

func TestRefusedQueryIsPermanent(t *testing.T) {
	body, _ := fs.ReadFile(opensanctionstest.Files(), "errors/422-no-schema.json")
	for _, status := range []int{http.StatusBadRequest, http.StatusUnprocessableEntity} {
		base, _ := captureServer(t, status, body)
		_, err := online(t, base, "k").Fetch(context.Background(), name("Jan Voorbeeld"))
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "Field required") {
			t.Errorf("%d gave %v; want SkipRetry with the service's words", status, err)
		}
	}
}

func TestMalformedAnswerIsPermanent(t *testing.T) {
	for body, problem := range map[string]string{
		`{"detail":"x"}`:                                      "no responses",
		`{"responses":{"other":{"results":[]}}}`:              "no results for query q1",
		`{"responses":{"q1":{"status":200}}}`:                 "no results for query q1",
		`{"responses":{"q1":{"results":[{"id":"x"}]}}}`:       "result 0 has no score",
		`{"responses":{"q1":{"results":[{"score":"high"}]}}}`: "malformed answer",
		`[1,2]`: "malformed answer",
	} {
		base, _ := captureServer(t, 200, []byte(body))
		_, err := online(t, base, "k").Fetch(context.Background(), name("Jan Voorbeeld"))
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), problem) || !strings.Contains(err.Error(), "opensanctions") {
			t.Errorf("%s gave %v; want SkipRetry naming %q", body, err, problem)
		}
	}
}

func TestMalformedSubjectIsPermanent(t *testing.T) {
	for _, s := range []subject.Subject{name(" "), name("\u202eevil"), {Type: subject.KvK, Value: "68750110"}} {
		_, err := online(t, "http://127.0.0.1:1", "k").Fetch(context.Background(), s)
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", s, err)
		}
	}
}

func TestAccepts(t *testing.T) {
	s := online(t, "", "")
	for _, typ := range subject.Types() {
		if s.Accepts(typ) != (typ == subject.Name) {
			t.Errorf("Accepts(%s) = %v", typ, s.Accepts(typ))
		}
	}
}

func TestDefaults(t *testing.T) {
	d := opensanctions.Defaults()
	if d.BaseURL != "https://api.opensanctions.org" || d.Dataset != "default" || d.MinScore != 0.7 || d.APIKey != "" {
		t.Errorf("defaults %+v", d)
	}
}

// TestFoundNeedsAMatchAtMinScore: a server that ignores threshold and
// cutoff (an old yente, a proxy) cannot make a near miss count as found;
// the answer is still kept as evidence.
func TestFoundNeedsAMatchAtMinScore(t *testing.T) {
	for body, found := range map[string]bool{
		`{"responses":{"q1":{"results":[{"id":"a","score":0.62,"match":false}]}}}`: false,
		`{"responses":{"q1":{"results":[{"id":"a","score":0.75,"match":true}]}}}`:  false, // below MinScore 0.8
		`{"responses":{"q1":{"results":[{"id":"a","score":0.8,"match":true}]}}}`:   true,
	} {
		base, _ := captureServer(t, 200, []byte(body))
		res, err := newSource(t, sources.Config{BaseURL: base, APIKey: "k", MinScore: 0.8}).Fetch(context.Background(), name("Jan Voorbeeld"))
		if err != nil || res.Found != found || len(res.Evidence) != 1 {
			t.Errorf("%s: %+v, %v; want found %v with evidence", body, res, err, found)
		}
	}
}
