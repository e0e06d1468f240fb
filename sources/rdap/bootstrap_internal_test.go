package rdap

import (
	"context"
	"testing"
	"time"

	"verrijk/sources"
)

func TestBootstrapExpires(t *testing.T) {
	b := &bootstrap{ttl: time.Hour, lock: make(chan struct{}, 1)}
	now := time.Date(2024, 11, 26, 10, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	fetches := 0
	fetch := func(context.Context) (map[string]string, sources.Evidence, error) {
		fetches++
		return map[string]string{"com": "https://rdap.example/com"}, sources.Evidence{Kind: KindBootstrap}, nil
	}
	ctx := context.Background()
	for i, step := range []struct {
		advance time.Duration
		fresh   bool
	}{{0, true}, {30 * time.Minute, false}, {31 * time.Minute, true}, {time.Minute, false}} {
		now = now.Add(step.advance)
		_, _, fresh, err := b.get(ctx, fetch)
		if err != nil || fresh != step.fresh {
			t.Fatalf("step %d: fresh %v err %v; want fresh %v", i, fresh, err, step.fresh)
		}
	}
	if fetches != 2 {
		t.Errorf("%d fetches; want 2", fetches)
	}
}

func TestBootstrapWaitHonoursContext(t *testing.T) {
	b := &bootstrap{ttl: time.Hour, now: time.Now, lock: make(chan struct{}, 1)}
	b.lock <- struct{}{} // another task is fetching
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := b.get(ctx, nil); err == nil {
		t.Fatal("waiting for the bootstrap lock ignored a cancelled context")
	}
}

func TestParseBootstrap(t *testing.T) {
	got, err := ParseBootstrap([]byte(`{"services":[
		[["COM","net"],["http://rdap.example/plain/","https://rdap.example/com/v1/"]],
		[["kg"],["http://rdap.cctld.kg/"]],
		[["bad"],["ftp://x/","https:///nohost"]],
		[["example.org"],["https://specific.example/"]],
		[["x"]]
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"com": "https://rdap.example/com/v1", "net": "https://rdap.example/com/v1",
		"kg": "http://rdap.cctld.kg", "example.org": "https://specific.example",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s → %q; want %q", k, got[k], v)
		}
	}
	if v, _ := longestMatch(got, "sub.example.org"); v != "https://specific.example" {
		t.Errorf("longest match gave %q", v)
	}
	if v, ok := longestMatch(got, "example.de"); ok {
		t.Errorf("example.de matched %q", v)
	}
	for _, bad := range []string{`[]`, `{"services":{}}`, `{"services":[[["com"],[1]]]}`, `{}`} {
		if _, err := ParseBootstrap([]byte(bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}
