package registry

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Hosts under this domain exist nowhere: a request for one can only be
// answered by the proxy, never by a lookup of our own.
const testDomain = "verrijk-proxytest.nl"

// samples are subjects in the order an adapter's first accepted one is
// taken.
var samples = []subject.Subject{
	{Type: subject.KvK, Value: "68750110"},
	{Type: subject.Address, Value: "8823SJ 3A"},
	{Type: subject.Plate, Value: "6TJR64"},
	{Type: subject.Social, Value: "instagram/acme"},
	{Type: subject.Domain, Value: testDomain},
	{Type: subject.URL, Value: "https://www." + testDomain + "/"},
	{Type: subject.Name, Value: "Test BV Donald"},
}

// proxiedSource builds the named adapter with its service at a host only
// the proxy knows, and returns the subject to ask and the host the proxy
// must see. website and social keep their real targets: a domain's site,
// Instagram's.
func proxiedSource(t *testing.T, name string, c *egress.Client) (sources.Source, subject.Subject, string) {
	t.Helper()
	host := name + "." + testDomain
	cfg := sources.Config{BaseURL: "http://" + host, Timeout: 2 * time.Second}
	switch name {
	case "opensanctions":
		cfg.APIKey = "test-key"
	case "rdap":
		cfg.BootstrapURL = "http://" + host + "/dns.json"
	case "website":
		cfg.BaseURL, host = "", testDomain
	case "social":
		cfg.BaseURL, host = "", "www.instagram.com"
	}
	src, ok := New(name, c, cfg)
	if !ok {
		t.Fatalf("no adapter %s", name)
	}
	for _, s := range samples {
		if src.Accepts(s.Type) {
			return src, s, host
		}
	}
	t.Fatalf("%s accepts none of the sample subjects", name)
	return nil, subject.Subject{}, ""
}

// hostsSeen collects the target hosts (without port) a proxy was asked for.
type hostsSeen struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostsSeen) add(hostPort string) {
	host := hostPort
	if hh, _, err := net.SplitHostPort(hostPort); err == nil {
		host = hh
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hosts = append(h.hosts, host)
}

func (h *hostsSeen) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.hosts
	h.hosts = nil
	return out
}

// With an HTTP proxy configured, every source's requests go to the proxy.
func TestEverySourceUsesTheHTTPProxy(t *testing.T) {
	seen := &hostsSeen{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r.Host)
		if r.Method == http.MethodConnect {
			http.Error(w, "no tunnels here", http.StatusBadGateway)
			return
		}
		http.NotFound(w, r)
	}))
	defer proxy.Close()
	c, err := egress.New(egress.Config{Proxy: proxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	checkEverySource(t, c, seen)
}

// With socks5h every source's target goes to the proxy by name: had our
// side resolved it, the proxy would get an address (and these names do
// not resolve anywhere).
func TestEverySourceUsesSOCKS5hByName(t *testing.T) {
	seen := &hostsSeen{}
	addr := socksServer(t, seen)
	c, err := egress.New(egress.Config{Proxy: "socks5h://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	checkEverySource(t, c, seen)
}

// A source's own proxy takes its traffic; the others keep egress.proxy.
func TestSourceProxyOverride(t *testing.T) {
	global, own := &hostsSeen{}, &hostsSeen{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		global.add(r.Host)
		http.NotFound(w, r)
	}))
	defer proxy.Close()
	c, err := egress.New(egress.Config{Proxy: proxy.URL, SourceProxies: map[string]string{"social": "socks5h://" + socksServer(t, own)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"social", "rdw"} {
		src, s, _ := proxiedSource(t, name, c)
		_, _ = src.Fetch(context.Background(), s)
	}
	if got := own.take(); !slices.Contains(got, "www.instagram.com") || slices.Contains(got, "rdw."+testDomain) {
		t.Errorf("social's own proxy saw %v", got)
	}
	if got := global.take(); !slices.Contains(got, "rdw."+testDomain) || slices.Contains(got, "www.instagram.com") {
		t.Errorf("egress.proxy saw %v", got)
	}
}

func checkEverySource(t *testing.T, c *egress.Client, seen *hostsSeen) {
	t.Helper()
	for _, name := range Names() {
		src, s, want := proxiedSource(t, name, c)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, _ = src.Fetch(ctx, s) // the proxy answers nothing useful; only the route matters
		cancel()
		got := seen.take()
		if len(got) == 0 {
			t.Errorf("%s: no request reached the proxy", name)
			continue
		}
		for _, h := range got {
			if !strings.HasSuffix(h, want) {
				t.Errorf("%s: the proxy was asked for %s, want only %s", name, h, want)
			}
			if net.ParseIP(h) != nil {
				t.Errorf("%s: the proxy got address %s, not a name", name, h)
			}
		}
	}
}

// socksServer is a minimal SOCKS5 proxy (no auth, CONNECT) that records
// each destination and answers every connection with an HTTP 404.
func socksServer(t *testing.T, seen *hostsSeen) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSOCKS(conn, seen)
		}
	}()
	return ln.Addr().String()
}

func serveSOCKS(conn net.Conn, seen *hostsSeen) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(conn, hdr); err != nil {
		return
	}
	if _, err := io.ReadFull(conn, make([]byte, hdr[1])); err != nil {
		return
	}
	conn.Write([]byte{5, 0})
	req := make([]byte, 4)
	if _, err := io.ReadFull(conn, req); err != nil {
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		ip := make([]byte, map[byte]int{1: 4, 4: 16}[req[3]])
		io.ReadFull(conn, ip)
		host = net.IP(ip).String()
	case 3:
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
	seen.add(net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port)))))
	conn.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	conn.Write([]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
}
