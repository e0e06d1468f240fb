package subject

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

const (
	maxDomain = 253  // DNS limit for a name in dotted form
	maxURL    = 2048 // what browsers and most servers reliably accept
)

// idnaProfile maps the way a browser's lookup does (case, full-width
// characters, NFC) and validates labels, hyphens, joiners and the bidi rule;
// non-transitional so "ß" stays "ß" as IDNA2008 says. The result is
// lower-case ASCII, with "xn--" labels for Unicode, so a look-alike such as
// a Cyrillic "е" shows up as punycode instead of passing for "e". Lengths
// are checked by canonicalDomain, which can say which limit was broken.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
)

func parseDomain(value string) (string, error) {
	s := strings.TrimSpace(value)
	if strings.Contains(s, "://") {
		return "", errorf(Domain, value, "must be a bare domain name such as example.nl, without http:// (use type url for web addresses)")
	}
	if strings.ContainsAny(s, "/?#@:\\ \t\r\n") {
		return "", errorf(Domain, value, "must be a bare domain name such as example.nl, without path, port or spaces")
	}
	d, problem := canonicalDomain(s)
	if problem != "" {
		return "", errorf(Domain, value, "%s", problem)
	}
	return d, nil
}

// canonicalDomain returns the lower-case ASCII form of a host name, or a
// problem in plain English.
func canonicalDomain(s string) (string, string) {
	if len(s) > 4*maxDomain {
		return "", "is too long for a domain name"
	}
	// The lookup mapping silently drops invisible characters such as
	// U+200B; refuse them, since the analyst did not type what they see.
	for _, r := range s {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) {
			return "", "contains a control or invisible character"
		}
	}
	s = strings.TrimSuffix(s, ".") // "example.nl." is the same name
	d, err := idnaProfile.ToASCII(s)
	if err != nil || d == "" {
		return "", "is not a valid domain name (letters, digits and hyphens in dot-separated labels)"
	}
	if len(d) > maxDomain {
		return "", "is too long for a domain name (at most 253 characters)"
	}
	for _, label := range strings.Split(d, ".") {
		if len(label) < 1 || len(label) > 63 {
			return "", "has an empty or over-long label (each part between dots is 1 to 63 characters)"
		}
	}
	if !strings.Contains(d, ".") {
		return "", "must have a public suffix, e.g. example.nl"
	}
	suffix, icann := publicsuffix.PublicSuffix(d)
	// Without a listed rule PublicSuffix falls back to the last label with
	// icann false; listed private suffixes (github.io) always contain a dot.
	if !icann && !strings.Contains(suffix, ".") {
		return "", "does not end in a known public suffix such as .nl or .com"
	}
	if d == suffix {
		return "", "is a public suffix itself, not a domain name"
	}
	return d, ""
}

// RegistrableDomain returns the part of a canonical domain that a registrant
// holds ("www.example.co.uk" → "example.co.uk"), which is what WHOIS and
// RDAP answer for.
func RegistrableDomain(domain string) (string, error) {
	return publicsuffix.EffectiveTLDPlusOne(domain)
}

// parseURL accepts absolute http(s) URLs. The canonical form has a
// lower-case scheme and host (punycode for Unicode), no default port, no
// fragment (it never reaches the server) and "/" for an empty path.
func parseURL(value string) (string, error) {
	fail := func(problem string) (string, error) {
		return "", errorf(URL, value, "%s", problem)
	}
	s := strings.TrimSpace(value)
	if len(s) > maxURL {
		return fail("is too long (at most 2048 characters)")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return fail("must not contain spaces or control characters")
		}
	}
	// Browsers read '\' as '/', Go does not: refuse the ambiguity.
	if strings.Contains(s, "\\") {
		return fail("must not contain a backslash")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fail("is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fail("must start with http:// or https://")
	}
	if u.Opaque != "" || u.Host == "" {
		return fail("must have a host name, e.g. https://example.nl")
	}
	if u.User != nil {
		return fail("must not contain a user name or password")
	}
	host, problem := canonicalHost(u.Hostname())
	if problem != "" {
		return fail(problem)
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fail("has an invalid port")
		}
		port = strconv.Itoa(n)
		if (u.Scheme == "http" && n == 80) || (u.Scheme == "https" && n == 443) {
			port = ""
		}
	}
	switch {
	case port != "":
		u.Host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"): // IPv6
		u.Host = "[" + host + "]"
	default:
		u.Host = host
	}
	u.Fragment, u.RawFragment = "", ""
	u.ForceQuery = false
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	out := u.String()
	if len(out) > maxURL {
		return fail("is too long once normalised (at most 2048 characters)")
	}
	return out, nil
}

// canonicalHost accepts a domain under a public suffix or a public IP
// address. Loopback and private addresses are refused here as well as in
// egress: they are never the website of a company.
func canonicalHost(h string) (string, string) {
	if h == "" {
		return "", "must have a host name, e.g. https://example.nl"
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		ip = ip.Unmap() // ::ffff:127.0.0.1 is loopback too
		if ip.Zone() != "" || !ip.IsGlobalUnicast() || ip.IsPrivate() {
			return "", "points at a private or local address"
		}
		return ip.String(), ""
	}
	d, problem := canonicalDomain(h)
	if problem != "" {
		return "", "has host " + strconv.Quote(shorten(h, 64)) + " which " + problem
	}
	return d, ""
}
