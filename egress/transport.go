package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"time"

	"golang.org/x/net/proxy"
)

const (
	dialTimeout    = 10 * time.Second
	keepAlive      = 30 * time.Second
	maxHeaderBytes = 256 << 10 // response headers are hostile input too
)

// allowAll is the policy when AllowPrivateNetworks lifts the guard.
func allowAll(netip.Addr) string { return "" }

// newTransport builds the one transport every request goes through. target
// judges addresses we resolve ourselves and dialGuard the direct dials; they
// are parameters so tests can move the line between allowed and blocked
// without binding servers to public addresses.
//
// proxyURL is the proxy to use ("" for none); key names its configuration
// key in errors (egress.proxy, sources.social.proxy).
func newTransport(caFiles []string, proxyURL, key string, target func(netip.Addr) string, dialGuard guard, proxyPol func(netip.Addr) string) (*http.Transport, error) {
	tlsCfg, err := tlsConfig(caFiles)
	if err != nil {
		return nil, err
	}
	t := &http.Transport{
		TLSClientConfig:        tlsCfg,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    8,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		// Proxy stays nil unless configured: environment variables must not
		// silently route (or un-route) traffic.
	}
	if proxyURL == "" {
		t.DialContext = dialGuard.dialer().DialContext
		return t, nil
	}
	u, err := url.Parse(proxyURL)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid url: %w", key, redactURLError(err))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s: %q has no host", key, u.Redacted())
	}
	proxyDialer := newGuard(proxyPol).dialer()
	switch u.Scheme {
	case "http", "https":
		t.Proxy = http.ProxyURL(u)
		// Every connection of this transport goes to the proxy.
		t.DialContext = proxyDialer.DialContext
		return t, nil
	case "socks5", "socks5h":
		var auth *proxy.Auth
		if u.User != nil {
			pw, _ := u.User.Password()
			auth = &proxy.Auth{User: u.User.Username(), Password: pw}
		}
		port := u.Port()
		if port == "" {
			port = "1080"
		}
		sd, err := proxy.SOCKS5("tcp", net.JoinHostPort(u.Hostname(), port), auth, proxyDialer)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		cd, ok := sd.(proxy.ContextDialer)
		if !ok {
			return nil, errors.New(key + ": socks dialer cannot take a context")
		}
		if u.Scheme == "socks5h" {
			// The proxy resolves the name: Tor's point, and beyond our guard.
			t.DialContext = cd.DialContext
			return t, nil
		}
		// socks5: resolve and check here, then make the proxy dial that IP.
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ip, err := resolveAllowed(ctx, target, host)
			if err != nil {
				return nil, err
			}
			return cd.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		}
		return t, nil
	default:
		return nil, fmt.Errorf("%s: unsupported scheme %q (want http, https, socks5 or socks5h)", key, u.Scheme)
	}
}

// tlsConfig trusts the system roots plus the given PEM files.
func tlsConfig(extraCAFiles []string) (*tls.Config, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for i, f := range extraCAFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("egress.extra_ca_files[%d]: %w", i, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("egress.extra_ca_files[%d]: %s holds no PEM certificates", i, f)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// redactURLError keeps url.Parse errors from echoing proxy credentials.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New(ue.Op + ": " + ue.Err.Error())
	}
	return err
}
