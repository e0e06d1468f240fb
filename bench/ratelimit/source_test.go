package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"verrijk/config"
)

func at(base time.Time, ms ...int) []time.Time {
	out := make([]time.Time, len(ms))
	for i, m := range ms {
		out[i] = base.Add(time.Duration(m) * time.Millisecond)
	}
	return out
}

func TestMaxInWindow(t *testing.T) {
	base := time.Unix(1000, 0)
	cases := []struct {
		ms   []int
		want int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{0, 999}, 2},
		{[]int{0, 1000}, 1}, // a window is [t, t+1s)
		{[]int{0, 100, 200, 1100, 1150, 1199}, 4},
	}
	for _, c := range cases {
		if got := maxInWindow(at(base, c.ms...), time.Second); got != c.want {
			t.Errorf("maxInWindow(%v) = %d, want %d", c.ms, got, c.want)
		}
	}
}

func TestMeasure(t *testing.T) {
	base := time.Unix(1000, 0)
	// A burst of 4 at once, then 2/s for 4 s; one arrival after the period.
	ms := []int{0, 0, 0, 0}
	for i := 1; i <= 8; i++ {
		ms = append(ms, i*500)
	}
	arrivals := at(base, append(ms, 5500)...)
	rejected := at(base, 2000)
	r := measure(arrivals, rejected, base, 5*time.Second, 2)
	if r.requests != 12 || r.rejected != 1 {
		t.Errorf("requests %d, rejected %d; want 12, 1", r.requests, r.rejected)
	}
	if r.maxWindow != 5 || r.maxSteady != 2 {
		t.Errorf("max window %d, steady %d; want 5, 2", r.maxWindow, r.maxSteady)
	}
	// From 1 s to 5 s: 7 arrivals (1000…4000 ms), one rejected: 6 in 4 s at rate 2.
	if r.achieved != 0.75 {
		t.Errorf("achieved %v, want 0.75", r.achieved)
	}
}

func TestLimitedSourceRejectsBeyondLimit(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("[]")) })
	src := &limitedSource{next: ok, limit: 3}
	codes := []int{}
	for range 5 {
		rec := httptest.NewRecorder()
		src.ServeHTTP(rec, httptest.NewRequest("GET", "/resource/m9d7-ebf2.json", nil))
		codes = append(codes, rec.Code)
		if rec.Code == 429 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	want := []int{200, 200, 200, 429, 429}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("codes %v, want %v", codes, want)
		}
	}
	arrivals, rejected := src.snapshot()
	if len(arrivals) != 5 || len(rejected) != 2 {
		t.Errorf("recorded %d arrivals, %d rejected; want 5, 2", len(arrivals), len(rejected))
	}
}

// TestConfigLoads keeps the generated config in step with verrijk's keys.
func TestConfigLoads(t *testing.T) {
	o := options{rate: 20, duration: 20 * time.Second, workers: 3, concurrency: 8, redisURL: "redis://127.0.0.1:6379/9"}
	path := filepath.Join(t.TempDir(), "verrijk.yaml")
	yaml := configYAML(o, "127.0.0.1:1", t.TempDir(), "postgres://postgres@127.0.0.1:5432/x?sslmode=disable", "http://127.0.0.1:2")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	rdw := cfg.Sources["rdw"]
	if rdw.Rate != "20/s" || rdw.Concurrency != 8 || rdw.CacheTTL != 0 || !rdw.Enabled {
		t.Errorf("rdw settings %+v", rdw)
	}
	for name, sc := range cfg.Sources {
		if name != "rdw" && sc.Enabled {
			t.Errorf("source %s is enabled", name)
		}
	}
	if len(cfg.BootstrapPurposes) != 1 || cfg.BootstrapPurposes[0].ID != purposeID {
		t.Errorf("bootstrap purposes %+v", cfg.BootstrapPurposes)
	}
}
