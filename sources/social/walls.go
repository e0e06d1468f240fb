package social

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"verrijk/egress"
)

// page is what the wall checks need to know of an answer.
type page struct {
	html     bool // a web page
	profile  bool // it carries public profile data: og:title or JSON-LD
	password bool // it asks for a password
	captcha  bool // it shows a captcha or a bot challenge
	consent  bool // it asks for consent before showing anything
}

// readPage parses an answer once; anything but HTML stays an empty page.
func readPage(resp *egress.Response) page {
	var p page
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(resp.Body)
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
		return p
	}
	p.html = true
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(resp.Body))
	if err != nil {
		return p
	}
	og, _ := doc.Find(`meta[property="og:title"]`).Attr("content")
	p.profile = strings.TrimSpace(og) != "" || doc.Find(`script[type="application/ld+json"]`).Length() > 0
	p.password = doc.Find(`input[type="password"]`).Length() > 0
	lower := bytes.ToLower(resp.Body)
	for _, m := range captchaMarkers {
		p.captcha = p.captcha || bytes.Contains(lower, []byte(m))
	}
	for _, m := range consentMarkers {
		p.consent = p.consent || bytes.Contains(lower, []byte(m))
	}
	return p
}

// captchaMarkers appear in the captcha and bot-challenge pages platforms
// and their CDNs serve (reCAPTCHA, hCaptcha, DataDome, Cloudflare).
var captchaMarkers = []string{"captcha", "cf-chl", "challenge-platform", "verify you are human", "are you a robot"}

// consentMarkers are the questions of consent walls (Google/YouTube, Meta).
var consentMarkers = []string{"before you continue to youtube", "voordat je doorgaat naar youtube",
	"allow the use of cookies", "cookies toestaan"}

// loginSegments are path segments of the platforms' login pages:
// /login, /accounts/login, /i/flow/login, /authwall, /checkpoint, /signin.
var loginSegments = []string{"login", "login.php", "authwall", "checkpoint", "signin", "uas"}

// consentHosts ask for consent before any page is shown.
var consentHosts = []string{"consent.youtube.com", "consent.google.com"}

// wall names what stands between us and the profile at target, or "" when
// nothing does. The reasons are stored with the skipped task.
func wall(target string, resp *egress.Response, p page) string {
	if u, err := url.Parse(resp.URL); err == nil && resp.URL != target {
		// A redirect: where it led says more than the status.
		host := strings.ToLower(u.Hostname())
		for _, h := range consentHosts {
			if host == h {
				return "consent wall"
			}
		}
		for s := range strings.SplitSeq(strings.ToLower(u.Path), "/") {
			for _, l := range loginSegments {
				if s == l {
					return "login required"
				}
			}
		}
	}
	switch resp.Status {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		return "login required"
	case 999: // LinkedIn's answer to clients it takes for bots
		return "blocked by the platform"
	case http.StatusForbidden:
		if p.captcha {
			return "captcha"
		}
		return "blocked by the platform"
	case http.StatusTooManyRequests:
		if p.captcha {
			return "captcha"
		}
		return "" // a plain rate limit: wait, then ask again
	}
	if resp.Status != http.StatusOK || !p.html || p.profile {
		return ""
	}
	switch {
	case p.captcha:
		return "captcha"
	case p.password:
		return "login required"
	case p.consent:
		return "consent wall"
	}
	return ""
}
