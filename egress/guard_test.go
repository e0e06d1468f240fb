package egress

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		ip   string
		want string // "" means public, allowed
	}{
		{"127.0.0.1", "loopback"},
		{"127.9.9.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"::ffff:10.0.0.1", "private"},
		{"fd00::1", "private"},
		{"fc00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"::ffff:169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "carrier-grade nat"},
		{"100.127.255.254", "carrier-grade nat"},
		{"255.255.255.255", "reserved"},
		{"64:ff9b::7f00:1", "loopback"}, // NAT64 of 127.0.0.1
		{"64:ff9b::a00:1", "private"},   // NAT64 of 10.0.0.1
		{"2002:a9fe:a9fe::1", "link-local"},
		{"192.0.2.1", "documentation"},
		// Public addresses pass.
		{"8.8.8.8", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.32.0.1", ""},
		{"2001:4860:4860::8888", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
	}
	for _, c := range cases {
		if got := classify(netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("classify(%s) = %q, want %q", c.ip, got, c.want)
		}
	}
}

func TestProxyPolicyAllowsLocalProxiesOnly(t *testing.T) {
	for ip, blocked := range map[string]bool{
		"127.0.0.1": false, "10.0.0.5": false, "172.17.0.2": false, "100.64.1.1": false,
		"169.254.169.254": true, "0.0.0.0": true, "224.0.0.1": true, "8.8.8.8": false,
	} {
		if got := proxyPolicy(netip.MustParseAddr(ip)) != ""; got != blocked {
			t.Errorf("proxyPolicy(%s) blocked = %v, want %v", ip, got, blocked)
		}
	}
}

func TestControlChecksResolvedAddress(t *testing.T) {
	g := newGuard(targetPolicy)
	for addr, blocked := range map[string]bool{
		"127.0.0.1:80":              true,
		"[::ffff:127.0.0.1]:443":    true,
		"169.254.169.254:80":        true,
		"10.0.0.1:8080":             true,
		"100.64.0.1:80":             true,
		"[fe80::1%eth0]:80":         true,
		"not-an-address":            true, // fail closed
		"93.184.216.34:443":         false,
		"[2606:4700::6810:85e5]:80": false,
	} {
		err := g.control("tcp", addr, nil)
		var be *BlockedError
		if got := errors.As(err, &be); got != blocked {
			t.Errorf("control(%s) = %v, want blocked=%v", addr, err, blocked)
		}
	}
}

func TestCheckHost(t *testing.T) {
	for host, blocked := range map[string]bool{
		"localhost": true, "api.localhost": true, "LOCALHOST.": true,
		"127.0.0.1": true, "::ffff:10.0.0.1": true, "169.254.169.254": true,
		"2130706433": true, "0x7f.1": true, "0177.0.0.1": true, "127.1": true,
		"example.nl": false, "api.kvk.nl": false, "8.8.8.8": false, "1e100.net": false,
	} {
		err := checkHost(targetPolicy, host)
		var be *BlockedError
		if got := errors.As(err, &be); got != blocked {
			t.Errorf("checkHost(%q) = %v, want blocked=%v", host, err, blocked)
		}
		if err := checkHost(allowAll, host); err != nil {
			t.Errorf("checkHost(%q) with allowAll = %v", host, err)
		}
	}
}

func TestLoopbackBlockedByDefault(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached the server")
	}))
	defer srv.Close()
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	for _, target := range []string{srv.URL, "http://localhost:" + u.Port() + "/", "http://[::ffff:127.0.0.1]:" + u.Port()} {
		_, err = c.Do(context.Background(), Request{Source: "test", URL: target})
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Errorf("%s: err = %v, want *BlockedError", target, err)
		}
	}
}

func TestLoopbackAllowedWithAllowPrivateNetworks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c, err := New(Config{AllowPrivateNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), Request{Source: "test", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "ok" {
		t.Errorf("body = %q", resp.Body)
	}
}

// TestRedirectToBlockedAddressRefusedAtDial lets the first server through
// and nothing else, then redirects to another loopback port, by IP and by
// name: the dial-time check must refuse both after resolution, which is what
// also stops DNS rebinding.
func TestRedirectToBlockedAddressRefusedAtDial(t *testing.T) {
	var hitB bool
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hitB = true }))
	defer b.Close()
	bu, _ := url.Parse(b.URL)
	for _, next := range []string{b.URL + "/x", "http://localhost:" + bu.Port() + "/x"} {
		a := httptest.NewServer(http.RedirectHandler(next, http.StatusFound))
		allowed := netip.MustParseAddrPort(a.Listener.Addr().String())
		dialGuard := func(ap netip.AddrPort) error {
			if ap == allowed {
				return nil
			}
			return newGuard(targetPolicy)(ap)
		}
		c, err := newClient(Config{}, allowAll, dialGuard)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(context.Background(), Request{Source: "test", URL: a.URL})
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Errorf("redirect to %s: err = %v, want *BlockedError", next, err)
		} else if be.Reason != "loopback" {
			t.Errorf("reason = %q", be.Reason)
		}
		a.Close()
	}
	if hitB {
		t.Error("blocked server was reached")
	}
}

func TestRedirectToMetadataLiteralRefused(t *testing.T) {
	a := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data/", http.StatusFound))
	defer a.Close()
	allowed := netip.MustParseAddrPort(a.Listener.Addr().String()).Addr()
	policy := func(ip netip.Addr) string {
		if ip == allowed {
			return ""
		}
		return targetPolicy(ip)
	}
	c, err := newClient(Config{}, policy, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), Request{Source: "test", URL: a.URL})
	var be *BlockedError
	if !errors.As(err, &be) || be.Reason != "link-local" {
		t.Fatalf("err = %v, want link-local *BlockedError", err)
	}
}
