package website

import (
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/publicsuffix"

	"verrijk/egress"
)

// site is what one crawl stays on: a registrable domain (or one IP
// address) and one port.
type site struct {
	domain string
	port   string // "" for the scheme's default
}

func siteOf(u *url.URL) site {
	return site{domain: registrable(u.Hostname()), port: port(u)}
}

// registrable returns the domain a registrant holds (shop.example.co.uk →
// example.co.uk); an IP address or a name without a public suffix stands
// for itself.
func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, err := netip.ParseAddr(host); err == nil {
		return host
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// port is u's port unless it is the scheme's default, so http and https
// pages of one site count as one.
func port(u *url.URL) string {
	p := u.Port()
	if (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		return ""
	}
	return p
}

func (s site) contains(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && registrable(u.Hostname()) == s.domain && port(u) == s.port
}

// offSiteError is a redirect that would leave the site.
type offSiteError struct{ target string }

func (e *offSiteError) Error() string { return "redirects to another site (" + e.target + ")" }

// check is the crawl's redirect policy: only within the site.
func (s site) check(next *url.URL) error {
	if s.contains(next) {
		return nil
	}
	return &offSiteError{target: egress.RedactURL(next.Scheme + "://" + next.Host + "/")}
}

// follow returns the link as it is to be fetched, or false when it is not
// to be: off the site, not http(s), too long, or a file we never keep.
func (c *crawl) follow(abs string) (string, bool) {
	if abs == "" || len(abs) > maxURLLength {
		return "", false
	}
	u, err := url.Parse(abs)
	if err != nil || u.Host == "" || u.User != nil || !c.site.contains(u) {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	if binaryFile(u.Path) {
		return "", false
	}
	s := u.String()
	if len(s) > maxURLLength {
		return "", false
	}
	return s, true
}

// binaryExtensions are files that are never web pages; links to them are
// not fetched at all.
var binaryExtensions = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true,
	".odt": true, ".ods": true, ".odp": true, ".rtf": true, ".csv": true,
	".zip": true, ".rar": true, ".7z": true, ".gz": true, ".tgz": true, ".tar": true, ".bz2": true, ".xz": true,
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true, ".svg": true, ".ico": true,
	".bmp": true, ".tif": true, ".tiff": true, ".heic": true, ".avif": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".m4v": true, ".mov": true, ".avi": true, ".wmv": true,
	".webm": true, ".ogg": true, ".wav": true, ".flac": true,
	".exe": true, ".msi": true, ".dmg": true, ".apk": true, ".iso": true, ".bin": true,
	".css": true, ".js": true, ".json": true, ".xml": true, ".woff": true, ".woff2": true, ".ttf": true, ".eot": true,
}

func binaryFile(p string) bool {
	return binaryExtensions[strings.ToLower(path.Ext(p))]
}

// isHTML reports whether an answer is a web page: by its Content-Type, or
// by its first bytes when it names none (as colly and browsers do).
func isHTML(resp *egress.Response) bool {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(resp.Body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(ct), ";")
		mt = strings.TrimSpace(mt)
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}
