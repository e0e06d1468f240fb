package egress

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// recordingProxy is an HTTP forward proxy that answers every request
// itself, naming itself in the body, and records what it was asked.
func recordingProxy(t *testing.T, name string) (*httptest.Server, *recorder) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		w.Write([]byte(name))
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func TestSourceProxies(t *testing.T) {
	global, globalRec := recordingProxy(t, "global")
	tor, torRec := recordingProxy(t, "tor")
	var direct atomic.Int32
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		direct.Add(1)
		w.Write([]byte("direct"))
	}))
	defer backend.Close()
	c, err := New(Config{
		Proxy:         global.URL,
		SourceProxies: map[string]string{"social": tor.URL, "kvk": ProxyDirect, "rdw": ""},
		// The direct source reaches the loopback backend; nothing else is opened.
		AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for source, want := range map[string]string{"social": "tor", "bag": "global", "rdw": "global", "kvk": "direct"} {
		target := "http://" + source + ".example.nl/x"
		if source == "kvk" {
			target = backend.URL
		}
		resp, err := c.Do(context.Background(), Request{Source: source, URL: target})
		if err != nil {
			t.Fatalf("%s: %v", source, err)
		}
		if string(resp.Body) != want {
			t.Errorf("%s went %s, want %s", source, resp.Body, want)
		}
	}
	if n := len(torRec.all()); n != 1 || torRec.all()[0].Host != "social.example.nl" {
		t.Errorf("tor proxy saw %d requests", n)
	}
	if n := len(globalRec.all()); n != 2 {
		t.Errorf("global proxy saw %d requests, want bag's and rdw's", n)
	}
	if direct.Load() != 1 {
		t.Errorf("backend asked %d times directly", direct.Load())
	}
}

func TestInvalidSourceProxy(t *testing.T) {
	for _, p := range []string{"ftp://x:21", "http://", "socks4://x:1"} {
		_, err := New(Config{SourceProxies: map[string]string{"social": p}})
		if err == nil || !strings.Contains(err.Error(), "sources.social.proxy") {
			t.Errorf("%q: err = %v, want one naming sources.social.proxy", p, err)
		}
	}
}

func TestAllowCIDRs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("lab")) }))
	defer srv.Close()
	lab, err := New(Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.Do(context.Background(), Request{Source: "t", URL: srv.URL}); err != nil {
		t.Fatalf("allowed network refused: %v", err)
	}
	// Everything outside the list stays refused, metadata included.
	for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:1/", "http://[fd00:ec2::254]/"} {
		_, err := lab.Do(context.Background(), Request{Source: "t", URL: target})
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Errorf("%s: err = %v, want *BlockedError", target, err)
		}
	}
	// Another network in the list does not open loopback.
	other, _ := New(Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/24")}})
	_, err = other.Do(context.Background(), Request{Source: "t", URL: srv.URL})
	var be *BlockedError
	if !errors.As(err, &be) || be.Reason != "loopback" {
		t.Errorf("loopback with only 10.20.0.0/24 allowed: err = %v", err)
	}
	pol := allowing([]netip.Prefix{netip.MustParsePrefix("10.20.0.0/24")}, targetPolicy)
	for ip, want := range map[string]string{"10.20.0.7": "", "::ffff:10.20.0.7": "", "10.20.1.7": "private", "fe80::1%eth0": "link-local"} {
		if got := pol(netip.MustParseAddr(ip)); got != want {
			t.Errorf("allowing(10.20.0.0/24)(%s) = %q, want %q", ip, got, want)
		}
	}
}

// Addresses that are easy to miss: metadata endpoints of the clouds, IPv4
// hidden in IPv6 forms, carrier NAT and multicast in every spelling.
func TestClassifyHiddenForms(t *testing.T) {
	for ip, want := range map[string]string{
		"fd00:ec2::254":          "private",    // AWS metadata over IPv6
		"169.254.170.2":          "link-local", // ECS task metadata
		"::ffff:169.254.169.254": "link-local",
		"::ffff:7f00:1":          "loopback",
		"::ffff:100.64.0.1":      "carrier-grade nat",
		"64:ff9b::6440:1":        "carrier-grade nat",
		"::ffff:224.0.0.251":     "multicast",
		"239.255.255.250":        "multicast",
		"ff05::1:3":              "multicast",
		"2002:7f00:1::":          "loopback", // 6to4 of 127.0.0.1
	} {
		if got := classify(netip.MustParseAddr(ip)); got != want {
			t.Errorf("classify(%s) = %q, want %q", ip, got, want)
		}
	}
	// Through the dialer too, where a resolved name ends up.
	g := newGuard(targetPolicy)
	for _, addr := range []string{"[fd00:ec2::254]:80", "[::ffff:169.254.169.254]:80", "100.100.100.200:80", "[ff02::1]:80"} {
		var be *BlockedError
		if err := g.control("tcp", addr, nil); !errors.As(err, &be) {
			t.Errorf("control(%s) = %v, want blocked", addr, err)
		}
	}
}

// With socks5h the proxy resolves the target; our side looks up nothing.
// The socks5 case is the control: there we resolve, and the counter sees it.
func TestSOCKS5hResolvesNothingLocally(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.Host)) }))
	defer backend.Close()
	socks, dests := socksServer(t, backend.Listener.Addr().String())
	var lookups atomic.Int32
	saved := resolver
	resolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		lookups.Add(1)
		return nil, errors.New("no DNS in this test")
	}}
	t.Cleanup(func() { resolver = saved })

	c, err := New(Config{SourceProxies: map[string]string{"social": "socks5h://" + socks}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), Request{Source: "social", URL: "http://profile.example.nl/acme"})
	if err != nil {
		t.Fatal(err)
	}
	if d := <-dests; d != "profile.example.nl:80" || string(resp.Body) != "profile.example.nl" {
		t.Errorf("proxy was asked for %q, body %q", d, resp.Body)
	}
	if n := lookups.Load(); n != 0 {
		t.Errorf("%d local DNS lookups with socks5h, want none", n)
	}

	c, err = New(Config{SourceProxies: map[string]string{"social": "socks5://" + socks}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), Request{Source: "social", URL: "http://profile.example.nl/acme"}); err == nil {
		t.Error("socks5 without DNS succeeded")
	}
	if lookups.Load() == 0 {
		t.Error("socks5 did not resolve locally: the counter is not wired in")
	}
}
