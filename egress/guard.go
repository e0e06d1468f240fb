package egress

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// BlockedError reports a connection the SSRF guard refused. Adapters and the
// queue can detect it with errors.As and treat it as permanent: retrying a
// request to a private address never helps.
type BlockedError struct {
	Addr   string // the address that was refused, ip:port or host
	Reason string // e.g. "loopback", "private", "link-local"
}

func (e *BlockedError) Error() string {
	return "egress: connection to " + e.Addr + " blocked (" + e.Reason + " address)"
}

// Special-purpose ranges that netip's Is* methods do not cover. A public
// source never lives here, while cloud metadata, carrier NAT and lab gear do.
var reservedPrefixes = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade nat"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255
	{netip.MustParsePrefix("::/96"), "reserved"},       // deprecated IPv4-compatible
	{netip.MustParsePrefix("100::/64"), "reserved"},    // discard-only
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// Prefixes that embed an IPv4 address, which must be judged in turn: a NAT64
// or 6to4 gateway would otherwise reach 127.0.0.1 or 10.0.0.1 for us.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// classify returns why ip must not be dialled, or "" for a public address.
func classify(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	ip = ip.WithZone("").Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	switch {
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsLinkLocalUnicast(): // includes 169.254.169.254, cloud metadata
		return "link-local"
	case ip.IsMulticast():
		return "multicast"
	case ip.IsPrivate(): // RFC 1918 and fc00::/7
		return "private"
	}
	for _, r := range reservedPrefixes {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	if nat64Prefix.Contains(ip) {
		b := ip.As16()
		return classify(netip.AddrFrom4([4]byte(b[12:16])))
	}
	if sixToFour.Contains(ip) {
		b := ip.As16()
		return classify(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return ""
}

// targetPolicy refuses every non-public address.
func targetPolicy(ip netip.Addr) string { return classify(ip) }

// proxyPolicy judges the connection to the configured proxy. The proxy URL
// is operator configuration, not hostile input, and Tor or a sidecar proxy
// normally listens on loopback or a private network, so those are allowed;
// what a proxy never legitimately is (metadata/link-local, multicast,
// unspecified, reserved) is still refused.
func proxyPolicy(ip netip.Addr) string {
	switch r := classify(ip); r {
	case "loopback", "private", "carrier-grade nat":
		return ""
	default:
		return r
	}
}

// guard checks one resolved address against a policy.
type guard func(netip.AddrPort) error

func newGuard(policy func(netip.Addr) string) guard {
	return func(ap netip.AddrPort) error {
		if reason := policy(ap.Addr()); reason != "" {
			return &BlockedError{Addr: ap.String(), Reason: reason}
		}
		return nil
	}
}

// control adapts a guard to net.Dialer.Control, which runs after DNS
// resolution on the exact address being connected to. Checking there, not on
// the URL, is what defeats redirects to private hosts and DNS rebinding.
func (g guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedError{Addr: address, Reason: "unparsable"}
	}
	return g(ap)
}

// dialer returns a net.Dialer enforcing g; a nil guard allows everything.
func (g guard) dialer() *net.Dialer {
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive, Resolver: resolver}
	if g != nil {
		d.Control = g.control
	}
	return d
}

// checkHost refuses a URL host that is visibly local before any connection
// is made. It matters when a proxy resolves names (http proxies, socks5h):
// then the dial-time check only sees the proxy, so IP literals and localhost
// names are the part of the target we can still judge ourselves.
func checkHost(policy func(netip.Addr) string, host string) error {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if reason := policy(netip.AddrFrom4([4]byte{127, 0, 0, 1})); reason != "" {
			return &BlockedError{Addr: host, Reason: reason}
		}
		return nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		if reason := policy(ip); reason != "" {
			return &BlockedError{Addr: host, Reason: reason}
		}
		return nil
	}
	if numericHost(h) && policy(netip.AddrFrom4([4]byte{127, 0, 0, 1})) != "" {
		return &BlockedError{Addr: host, Reason: "ambiguous numeric"}
	}
	return nil
}

// numericHost spots inet_aton spellings such as 2130706433, 0x7f.1 or
// 0177.0.0.1: some resolvers and proxies read them as IPs, so they would
// slip past the literal check. No real domain has only numeric labels.
func numericHost(h string) bool {
	for label := range strings.SplitSeq(h, ".") {
		if _, err := strconv.ParseUint(label, 0, 32); err != nil {
			return false
		}
	}
	return true
}

// resolveAllowed resolves host and returns the first address the policy
// accepts, for dialling through a socks5:// proxy by IP so that the proxy
// cannot be steered to an address we did not check.
func resolveAllowed(ctx context.Context, policy func(netip.Addr) string, host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		if reason := policy(ip); reason != "" {
			return netip.Addr{}, &BlockedError{Addr: host, Reason: reason}
		}
		return ip, nil
	}
	ips, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	var first *BlockedError
	for _, ip := range ips {
		reason := policy(ip)
		if reason == "" {
			return ip.Unmap(), nil
		}
		if first == nil {
			first = &BlockedError{Addr: ip.String(), Reason: reason}
		}
	}
	if first == nil {
		return netip.Addr{}, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return netip.Addr{}, first
}
