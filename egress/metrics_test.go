package egress

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("nope"))
	}))
	defer srv.Close()
	m := getMetrics()
	src := "metrics-test"
	before4xx := counterValue(t, m.requests.WithLabelValues(src, "4xx"))
	beforeBytes := counterValue(t, m.bytes.WithLabelValues(src))
	beforeBlocked := counterValue(t, m.blocked.WithLabelValues(src))

	labClient(t, Config{}).Do(context.Background(), Request{Source: src, URL: srv.URL})
	strict, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	strict.Do(context.Background(), Request{Source: src, URL: srv.URL})

	if d := counterValue(t, m.requests.WithLabelValues(src, "4xx")) - before4xx; d != 1 {
		t.Errorf("4xx requests +%v, want +1", d)
	}
	if d := counterValue(t, m.bytes.WithLabelValues(src)) - beforeBytes; d != 4 {
		t.Errorf("bytes +%v, want +4", d)
	}
	if d := counterValue(t, m.blocked.WithLabelValues(src)) - beforeBlocked; d != 1 {
		t.Errorf("blocked +%v, want +1", d)
	}

	// Collectors can be registered on a fresh registry, as often as needed.
	for range 2 {
		reg := prometheus.NewRegistry()
		for _, c := range Collectors() {
			if err := reg.Register(c); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"https://api.example/v1?apikey=abc&q=1": "https://api.example/v1?apikey=REDACTED&q=1",
		"https://api.example/v1?Token=abc":      "https://api.example/v1?Token=REDACTED",
		"https://u:pw@api.example/?key=k&x=y":   "https://REDACTED@api.example/?key=REDACTED&x=y",
		"https://api.example/plain?q=donald+bv": "https://api.example/plain?q=donald+bv",
		"::not a url":                           "<unparsable url>",
	}
	for in, want := range cases {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	h := http.Header{"Apikey": {"a"}, "Authorization": {"Bearer b"}, "X-App-Token": {"c"}, "Accept": {"*/*"}}
	r := RedactHeader(h)
	for _, k := range []string{"Apikey", "Authorization", "X-App-Token"} {
		if r.Get(k) != Redacted {
			t.Errorf("%s = %q", k, r.Get(k))
		}
	}
	if r.Get("Accept") != "*/*" || h.Get("Apikey") != "a" {
		t.Error("RedactHeader changed the wrong values")
	}
}
