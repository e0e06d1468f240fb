package egress

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestHTTPProxySeesRequest(t *testing.T) {
	rec := &recorder{}
	proxySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		w.Write([]byte("via proxy"))
	}))
	defer proxySrv.Close()
	// No AllowPrivateNetworks: a proxy on loopback (Tor, sidecar) is fine.
	c, err := New(Config{Proxy: proxySrv.URL})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), Request{Source: "t", URL: "http://example.test/path?x=1"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "via proxy" {
		t.Errorf("body = %q", resp.Body)
	}
	got := rec.all()
	if len(got) != 1 {
		t.Fatalf("proxy saw %d requests", len(got))
	}
	if got[0].URL.String() != "http://example.test/path?x=1" || got[0].Header.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("proxy saw %s with UA %q", got[0].URL, got[0].Header.Get("User-Agent"))
	}

	// The proxy resolves names, so IP literals are judged before sending.
	_, err = c.Do(context.Background(), Request{Source: "t", URL: "http://10.1.2.3/"})
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Errorf("private literal through proxy: err = %v, want *BlockedError", err)
	}
	if len(rec.all()) != 1 {
		t.Error("blocked request reached the proxy")
	}
}

func TestProxyConnectionIsGuarded(t *testing.T) {
	c, err := New(Config{Proxy: "http://169.254.169.254:3128"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), Request{Source: "t", URL: "http://example.test/"})
	var be *BlockedError
	if !errors.As(err, &be) || be.Reason != "link-local" {
		t.Errorf("err = %v, want link-local *BlockedError", err)
	}
}

func TestInvalidProxy(t *testing.T) {
	for _, p := range []string{"ftp://proxy:21", "http://", "://nohost", "socks4://x:1080", "http://user:pa%zzss@host:1"} {
		_, err := New(Config{Proxy: p})
		if err == nil || !strings.Contains(err.Error(), "egress.proxy") {
			t.Errorf("%q: err = %v, want one naming egress.proxy", p, err)
		} else if strings.Contains(err.Error(), "pa%zz") {
			t.Errorf("%q: error leaks the password: %v", p, err)
		}
	}
	for _, p := range []string{"http://127.0.0.1:3128", "https://proxy:443", "socks5://127.0.0.1:9050", "socks5h://user:pw@127.0.0.1:9050"} {
		if _, err := New(Config{Proxy: p}); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
}

func TestSOCKS5Resolution(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("host " + r.Host))
	}))
	defer backend.Close()
	socks, dests := socksServer(t, backend.Listener.Addr().String())

	// socks5h: the name goes to the proxy (Tor resolves it).
	c, err := New(Config{Proxy: "socks5h://" + socks})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), Request{Source: "t", URL: "http://example.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if d := <-dests; d != "example.test:80" || string(resp.Body) != "host example.test" {
		t.Errorf("socks5h: proxy asked for %q, body %q", d, resp.Body)
	}

	// socks5: we resolve and hand the proxy a checked IP.
	c, err = New(Config{Proxy: "socks5://" + socks, AllowPrivateNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), Request{Source: "t", URL: "http://localhost:81/"}); err != nil {
		t.Fatal(err)
	}
	if d := <-dests; d != "127.0.0.1:81" && d != "[::1]:81" {
		t.Errorf("socks5: proxy asked for %q, want a resolved loopback IP", d)
	}
}

func TestResolveAllowed(t *testing.T) {
	_, err := resolveAllowed(context.Background(), targetPolicy, "localhost")
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Errorf("localhost: err = %v, want *BlockedError", err)
	}
	ip, err := resolveAllowed(context.Background(), targetPolicy, "93.184.216.34")
	if err != nil || ip.String() != "93.184.216.34" {
		t.Errorf("public literal: %v %v", ip, err)
	}
}

// socksServer is a minimal SOCKS5 proxy (no auth, CONNECT only) that
// reports each requested destination and connects every one to backend.
func socksServer(t *testing.T, backend string) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	dests := make(chan string, 8)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSOCKS(conn, backend, dests)
		}
	}()
	return ln.Addr().String(), dests
}

func serveSOCKS(conn net.Conn, backend string, dests chan<- string) {
	defer conn.Close()
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(conn, hdr); err != nil {
		return
	}
	if _, err := io.ReadFull(conn, make([]byte, hdr[1])); err != nil {
		return
	}
	conn.Write([]byte{5, 0}) // no authentication
	req := make([]byte, 4)
	if _, err := io.ReadFull(conn, req); err != nil {
		return
	}
	var host string
	switch req[3] {
	case 1, 4: // IPv4, IPv6
		ip := make([]byte, map[byte]int{1: 4, 4: 16}[req[3]])
		io.ReadFull(conn, ip)
		host = net.IP(ip).String()
	case 3: // domain name
		n := make([]byte, 1)
		io.ReadFull(conn, n)
		name := make([]byte, n[0])
		io.ReadFull(conn, name)
		host = string(name)
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(conn, port); err != nil {
		return
	}
	dests <- net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port))))
	up, err := net.Dial("tcp", backend)
	if err != nil {
		conn.Write([]byte{5, 1, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	conn.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	go io.Copy(up, conn)
	io.Copy(conn, up)
}
