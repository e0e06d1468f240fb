package extract

import (
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// emailPattern is deliberately plain ASCII: local part, "@", host labels
// and a top-level domain of letters.
var emailPattern = regexp.MustCompile(`(?i)[a-z0-9](?:[a-z0-9._%+\-]{0,63})@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}\b`)

// obfuscatedAt and obfuscatedDot undo the usual spam-proofing: "info [at]
// example [dot] nl", "info(at)example.nl".
var (
	obfuscatedAt  = regexp.MustCompile(`(?i)\s*[\[({]\s*(?:at|apenstaartje)\s*[\])}]\s*`)
	obfuscatedDot = regexp.MustCompile(`(?i)\s*[\[({]\s*(?:dot|punt)\s*[\])}]\s*`)
)

// junkEmailDomains are addresses that appear on pages without belonging to
// the site's owner: placeholders in forms and themes, and error trackers
// whose keys look like addresses.
var junkEmailDomains = map[string]bool{
	"example.com": true, "example.org": true, "example.net": true, "example.nl": true,
	"domain.com": true, "domain.nl": true, "yourdomain.com": true, "jouwdomein.nl": true,
	"uwdomein.nl": true, "email.com": true, "mysite.com": true, "sentry.io": true,
	"wixpress.com": true, "sentry-next.wixpress.com": true, "test.com": true,
}

// junkEmailLocals are placeholder local parts ("name@…", "uw@…").
var junkEmailLocals = map[string]bool{
	"name": true, "naam": true, "email": true, "e-mail": true, "your-email": true, "youremail": true,
	"uwemail": true, "jouw": true, "uw": true, "voorbeeld": true, "example": true, "user": true,
}

// fileExtensions are "top-level domains" of image names such as
// "logo@2x.png" that the pattern would otherwise take for addresses.
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true, "avif": true,
	"css": true, "js": true, "ico": true, "bmp": true, "tif": true, "tiff": true, "mp4": true,
	"mov": true, "zip": true, "pdf": true,
}

// Emails returns the e-mail addresses in text, lower case.
func Emails(text string) []string {
	text = obfuscatedDot.ReplaceAllString(obfuscatedAt.ReplaceAllString(text, "@"), ".")
	var out []string
	for _, m := range emailPattern.FindAllString(text, 4*MaxValues) {
		if e, ok := Email(m); ok {
			out = append(out, e)
			if len(out) == MaxValues {
				break
			}
		}
	}
	return out
}

// Email normalises one address (lower case, without "mailto:") and
// reports whether it is one worth keeping: a plausible address under a
// real public suffix that is not a placeholder or a file name.
func Email(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "mailto:")
	if len(s) > 254 || !emailPattern.MatchString(s) || emailPattern.FindString(s) != s {
		return "", false
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) > 64 || strings.Contains(local, "..") || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") {
		return "", false
	}
	// Escaped JSON leaves "u003e" before an address; a 32-hex local part is
	// an error tracker's key.
	if strings.HasPrefix(local, "u00") || strings.HasPrefix(local, "x3") || junkEmailLocals[local] || isHex32(local) {
		return "", false
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	if fileExtensions[tld] {
		return "", false
	}
	suffix, icann := publicsuffix.PublicSuffix(domain)
	if (!icann && !strings.Contains(suffix, ".")) || suffix == domain {
		return "", false
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil || junkEmailDomains[reg] || junkEmailDomains[domain] {
		return "", false
	}
	return s, true
}

func isHex32(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// mailtoAddresses reads the addresses of a mailto: link, which may list
// several and carry ?subject=… after them.
func mailtoAddresses(href string) []string {
	rest := href[len("mailto:"):]
	rest, _, _ = strings.Cut(rest, "?")
	rest = unescapeURL(rest)
	var out []string
	for _, a := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ';' }) {
		out = append(out, strings.TrimSpace(a))
	}
	return out
}

// decodeCFEmail decodes an address hidden by Cloudflare's e-mail
// obfuscation (data-cfemail, /cdn-cgi/l/email-protection#…): hex bytes,
// the first a key XORed into the rest.
func decodeCFEmail(h string) string {
	h = strings.TrimSpace(h)
	if len(h) < 4 || len(h) > 512 || len(h)%2 != 0 {
		return ""
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	out := make([]byte, len(raw)-1)
	for i := 1; i < len(raw); i++ {
		out[i-1] = raw[i] ^ raw[0]
	}
	s, err := url.PathUnescape(string(out))
	if err != nil {
		return string(out)
	}
	return s
}
