package bag_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/bag"
	"verrijk/sources/bag/bagtest"
	"verrijk/sources/sourcetest"
)

func newSource(t testing.TB, baseURL string) *bag.Source {
	return bag.New(sourcetest.Client(t), sources.Config{BaseURL: baseURL, Timeout: sourcetest.Timeout})
}

func TestConformance(t *testing.T) {
	empty, err := fs.ReadFile(bagtest.Files(), "free/empty.json")
	if err != nil {
		t.Fatal(err)
	}
	sourcetest.Run(t, func(base string) sources.Source { return newSource(t, base) },
		subject.Subject{Type: subject.Address, Value: "8823SJ 3A"},
		sourcetest.WithEmpty(http.StatusOK, "application/json", empty))
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		value string
		found bool
		fq    []string
	}{
		{"8823SJ 3A", true, []string{"type:adres", "huisletter:(A OR a)"}},
		{"8823SJ 3", true, []string{"type:adres"}},
		{"1034WL 17M", true, []string{"type:adres", "huisletter:(M OR m)"}},
		{"1034WL 17M-2", false, []string{"type:adres", "huisletter:(M OR m)", "huisnummertoevoeging:2"}},
		{"1118CP 202", true, []string{"type:adres"}},
		{"9999ZZ 1-bis", false, []string{"type:adres", "huisnummertoevoeging:(BIS OR bis)"}},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			srv := bagtest.NewServer(t)
			res, err := newSource(t, srv.URL).Fetch(context.Background(), subject.Subject{Type: subject.Address, Value: c.value})
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || len(res.Evidence) != 1 || res.Evidence[0].Kind != bag.KindFree {
				t.Fatalf("result %+v; want found %v with one bag.free evidence", res, c.found)
			}
			u, _ := url.Parse(res.Evidence[0].URL)
			if got := u.Query()["fq"]; !slices.Equal(got, c.fq) {
				t.Errorf("fq = %v; want %v", got, c.fq)
			}
			if u.Query().Get("rows") != "10" || u.Path[len(u.Path)-5:] != "/free" {
				t.Errorf("unexpected request %s", u)
			}
			if srv.Requests() != 1 {
				t.Errorf("%d requests; want 1", srv.Requests())
			}
		})
	}
}

func TestReplayRefusesUnknownParameters(t *testing.T) {
	srv := bagtest.NewServer(t)
	resp, err := http.Get(srv.URL + "/free?q=postcode:8823SJ&foo=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown parameter gave %d; want 400", resp.StatusCode)
	}
}

func TestBadRequestIsPermanent(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "parameter rows in query has an error", http.StatusBadRequest)
	})
	srv := startServer(t, h)
	_, err := newSource(t, srv).Fetch(context.Background(), subject.Subject{Type: subject.Address, Value: "8823SJ 3A"})
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("400 gave %v; want SkipRetry", err)
	}
}

func TestOnlyAddresses(t *testing.T) {
	s := newSource(t, "http://127.0.0.1:1")
	if !s.Accepts(subject.Address) || !s.Accepts(bag.Street) || s.Accepts(subject.Name) || s.Accepts(subject.KvK) {
		t.Fatal("bag accepts addresses only")
	}
	for _, subj := range []subject.Subject{{Type: subject.Name, Value: "x"}, {Type: subject.Address, Value: "nowhere 1"},
		{Type: bag.Street, Value: "12 :()"}, {Type: bag.Street, Value: strings.Repeat("Laan ", 50)}} {
		if _, err := s.Fetch(context.Background(), subj); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", subj, err)
		}
	}
}

func TestRecordedAnswersMatchTheSpec(t *testing.T) {
	doc := sourcetest.LoadSpec(t, "pdok/locatieserver-v3_1-openapi.json")
	schema := sourcetest.ResponseSchema(t, doc, "/free", "GET", "200", "application/json")
	sourcetest.Strict(schema)
	entries, err := fs.ReadDir(bagtest.Files(), "free")
	if err != nil || len(entries) < 3 {
		t.Fatalf("recordings: %v %v", entries, err)
	}
	for _, e := range entries {
		body, _ := fs.ReadFile(bagtest.Files(), "free/"+e.Name())
		if err := sourcetest.Validate(t, schema, body); err != nil {
			t.Errorf("free/%s does not match the spec: %v", e.Name(), err)
		}
	}
	if sourcetest.Validate(t, schema, []byte(`{"response":{"numFound":"1"}}`)) == nil {
		t.Error("a string numFound passed validation")
	}
}

// TestReplayKnowsTheSpecifiedParameters keeps bagtest's parameter lists
// equal to the spec's, and FreeQuery within them.
func TestReplayKnowsTheSpecifiedParameters(t *testing.T) {
	doc := sourcetest.LoadSpec(t, "pdok/locatieserver-v3_1-openapi.json")
	for path, have := range map[string][]string{"/free": bagtest.FreeParams, "/lookup": bagtest.LookupParams} {
		var names []string
		for _, p := range doc.Paths.Find(path).Get.Parameters {
			names = append(names, p.Value.Name)
		}
		sort.Strings(names)
		have = slices.Clone(have)
		sort.Strings(have)
		if !slices.Equal(names, have) {
			t.Errorf("%s: spec parameters %v; replay knows %v", path, names, have)
		}
	}
	for k := range bag.FreeQuery(subject.AddressParts{Postcode: "8823SJ", HouseNumber: 3, Letter: "A", Addition: "2"}) {
		if !slices.Contains(bagtest.FreeParams, k) {
			t.Errorf("FreeQuery sends undocumented parameter %q", k)
		}
	}
}
