package egress

import (
	"net"
	"net/netip"
)

// resolver answers every name lookup egress makes itself: direct dials and
// socks5:// targets. With socks5h:// and http(s) proxies target names are
// never looked up here; tests swap this for a counting resolver to prove it.
var resolver = net.DefaultResolver

// allowing wraps policy so that addresses inside allowed pass whatever
// policy says: egress.allow_cidrs opens the guard for a lab's networks and
// for nothing else.
func allowing(allowed []netip.Prefix, policy func(netip.Addr) string) func(netip.Addr) string {
	return func(ip netip.Addr) string {
		plain := ip.WithZone("")
		for _, p := range allowed {
			if p.Contains(plain) || p.Contains(plain.Unmap()) {
				return ""
			}
		}
		return policy(ip)
	}
}
