package extract

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"verrijk/pipeline/subject"
)

// ProfilePage is what a public profile page says about its owner.
type ProfilePage struct {
	Profile            // platform, handle and canonical URL; Source is the page URL
	Name        string `json:"name,omitempty"`        // display name
	Description string `json:"description,omitempty"` // bio, "about" text
	Image       string `json:"image,omitempty"`       // profile picture or logo URL
	// Followers is the follower (or subscriber) count when the page shows
	// it, else -1.
	Followers int64 `json:"followers"`
	// ChannelID is a YouTube channel's permanent id ("UC…") when the page
	// names it.
	ChannelID string    `json:"channelId,omitempty"`
	Websites  []string  `json:"websites,omitempty"` // outbound links off the platform
	Profiles  []Profile `json:"profiles,omitempty"` // profiles on other platforms it links to
}

// ErrNotProfile is returned when neither the page URL nor the page's own
// og:url or canonical link is a profile on a known platform.
var ErrNotProfile = errors.New("not a profile page of a known platform")

// ReadProfile reads a public profile page: OpenGraph and twitter: meta
// tags, JSON-LD (ProfilePage, Person, Organization), the profile data
// TikTok embeds, and the links the profile gives to other sites. The
// profile is the one pageURL names; when it names none, the page's
// og:url or canonical link.
func ReadProfile(pageURL string, body []byte) (*ProfilePage, error) {
	base, err := pageBase(pageURL)
	if err != nil {
		return nil, err
	}
	d := scan(base, body)
	prof, ok := d.profileOfPage(base)
	if !ok {
		return nil, ErrNotProfile
	}
	prof.Source = pageURL
	p := &ProfilePage{Profile: prof, Followers: -1}
	main, page := d.profileEntity()
	tt := d.tiktokUser(prof)
	// A login wall or an error page says nothing about the profile: only
	// data that names the profile (JSON-LD, TikTok's data) is read then.
	if loginTitle(d.title) || loginTitle(d.meta("og:title")) {
		d.metas, d.title = nil, ""
	}

	p.Name = firstNonEmpty(main.str("name"), tt.User.Nickname, displayName(prof.Platform, d.meta("og:title")),
		displayName(prof.Platform, d.meta("twitter:title")), displayName(prof.Platform, d.title))
	p.Description = clean(firstNonEmpty(main.str("description"), tt.User.Signature, d.bio(prof.Platform)))
	p.Image = firstNonEmpty(absoluteURL(base, d.meta("og:image")), absoluteURL(base, main.str("image")),
		absoluteURL(base, d.meta("twitter:image")), absoluteURL(base, tt.User.AvatarLarger))
	p.Followers = firstCount(followAction(main), tt.followers(), d.descriptionFollowers(), d.youtubeSubscribers(prof.Platform))
	p.ChannelID = d.youtubeChannel(prof)

	var targets []string
	targets = append(targets, main.strs("sameAs")...)
	targets = append(targets, main.str("url"))
	targets = append(targets, page.strs("relatedLink")...)
	if tt.User.BioLink.Link != "" {
		targets = append(targets, tt.User.BioLink.Link)
	}
	for _, l := range d.links {
		if l.anchor && !l.chrome {
			targets = append(targets, Unwrap(l.href))
		}
	}
	targets = append(targets, d.youtubeRedirects(prof.Platform)...)
	p.Websites, p.Profiles = outbound(targets, prof)
	return p, nil
}

// profileOfPage is the profile the page URL names or, for a page read
// elsewhere than at its platform (a mirror, or a replay server serving
// /linkedin/company/…), the one its og:url or canonical link names. A
// YouTube page names its channel id there, while the profile asked for
// may be the "@handle" in the URL's path: that is the profile then, as it
// would be at youtube.com.
func (d *document) profileOfPage(page *url.URL) (Profile, bool) {
	if p, ok := ProfileFromURL(page.String()); ok {
		return p, true
	}
	var own Profile
	ok := false
	for _, c := range []string{d.meta("og:url"), d.linkRel("canonical")} {
		if own, ok = ProfileFromURL(absoluteURL(page, c)); ok {
			break
		}
	}
	if !ok || own.Platform != "youtube" {
		return own, ok
	}
	for _, seg := range pathSegments(page.Path) {
		if p, ok := ProfileFromURL("https://www.youtube.com/" + seg); ok && strings.HasPrefix(seg, "@") {
			return p, true
		}
	}
	return own, true
}

// outbound sorts link targets into websites off the platform and
// profiles on other platforms.
func outbound(targets []string, own Profile) (sites []string, profiles []Profile) {
	seen := map[string]bool{}
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !strings.Contains(t, "://") {
			t = "https://" + t // TikTok's bio link comes without a scheme
		}
		if p, ok := ProfileFromURL(t); ok {
			if p.Platform != own.Platform && !seen[p.URL] && len(profiles) < MaxValues {
				seen[p.URL] = true
				profiles = append(profiles, p)
			}
			continue
		}
		s, err := subject.Parse(subject.URL, withoutTracking(absoluteURL(nil, t)))
		if err != nil {
			continue // not a public http(s) URL
		}
		u := s.Value
		if seen[u] || platformInfrastructure(u) || len(sites) >= MaxValues {
			continue
		}
		seen[u] = true
		sites = append(sites, u)
	}
	return sites, profiles
}

// trackingParams are query parameters platforms and marketers add to a
// link; without them the link is the one its owner gave.
var trackingParams = set("fbclid", "gclid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "si", "trk", "ref_src")

func withoutTracking(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	for k := range q {
		if trackingParams[strings.ToLower(k)] || strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// infrastructureDomains are the platforms' own sites, CDNs, app stores and
// vocabularies: links to them on a profile page say nothing about the
// profile's owner.
var infrastructureDomains = set(
	"facebook.com", "fb.com", "fb.me", "fbcdn.net", "facebook.net", "meta.com", "meta.ai", "messenger.com",
	"instagram.com", "instagr.am", "cdninstagram.com", "threads.net", "threads.com", "whatsapp.com",
	"oculus.com", "tiktok.com", "tiktokcdn.com", "tiktokcdn-us.com", "tiktokv.com", "ttwstatic.com",
	"byteoversea.com", "ibytedtos.com", "capcut.com", "x.com", "twitter.com", "twimg.com", "t.co",
	"linkedin.com", "licdn.com", "lnkd.in", "microsoft.com", "bing.com", "youtube.com", "youtu.be",
	"ytimg.com", "ggpht.com", "google.com", "googleusercontent.com", "gstatic.com", "googleapis.com",
	"goo.gl", "g.co", "apple.com", "schema.org", "w3.org", "ogp.me",
)

func platformInfrastructure(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(u.Hostname()))
	return err != nil || infrastructureDomains[reg]
}

// linkRel returns the first <link> with that rel or itemprop.
func (d *document) linkRel(rel string) string {
	for _, l := range d.links {
		if l.rel == rel {
			return l.href
		}
	}
	return ""
}

// profileEntity is the JSON-LD entity the page is about: the mainEntity
// (or, in X's older markup, author) of a ProfilePage, else the first
// Person or organisation. Both are empty nodes when there is none.
func (d *document) profileEntity() (main, page node) {
	var first node
	for _, block := range d.jsonLD {
		for _, n := range jsonLDNodes(block) {
			if n.is("ProfilePage") {
				for _, key := range []string{"mainEntity", "author", "about"} {
					if ms := n.nodes(key); len(ms) > 0 {
						return ms[0], n
					}
				}
			}
			if first == nil && (n.is("Person") || n.isOrganization()) {
				first = n
			}
		}
	}
	if first == nil {
		first = node{}
	}
	return first, node{}
}

// followAction is the FollowAction count of a JSON-LD interactionStatistic:
// the number of followers.
func followAction(n node) int64 {
	for _, s := range n.nodes("interactionStatistic") {
		kind := strings.Join(jsonStrings(s["interactionType"]), " ")
		if m, ok := s["interactionType"].(map[string]any); ok {
			kind = strings.Join(node(m).types(), " ")
		}
		if strings.Contains(kind, "FollowAction") {
			if c, ok := parseCount(s.str("userInteractionCount"), ""); ok {
				return c
			}
		}
	}
	return -1
}

// descriptions are the texts a platform puts counts and bios in.
func (d *document) descriptions() []string {
	return []string{d.meta("og:description"), d.meta("description"), d.meta("twitter:description")}
}

func (d *document) descriptionFollowers() int64 {
	for _, s := range d.descriptions() {
		if c := followersIn(s); c >= 0 {
			return c
		}
	}
	return -1
}

// instagramBio is the quoted bio at the end of Instagram's description:
// `… (@handle) on Instagram: "Ambachtelijke bakker"`.
var instagramBio = regexp.MustCompile(`(?is)\b(?:on|op) Instagram:\s*["“](.*)["”]\s*$`)

// countsOnly is a description that is only counts ("1,234 Followers, 56
// Following, 78 Posts - See Instagram photos and videos from …").
var countsOnly = regexp.MustCompile(`(?i)^\s*[\d.,]+\s*[km]?\s+(?:followers|volgers)\s*,`)

// linkedinPrefix is the "Name | 1,240 followers on LinkedIn." before a
// LinkedIn page's tagline and about text.
var linkedinPrefix = regexp.MustCompile(`(?i)^.{0,200}?\|\s*[\d.,]+\s*[km]?\s+(?:followers|volgers)\s+(?:on|op)\s+LinkedIn\.?\s*`)

// bio picks the profile text from the meta descriptions.
func (d *document) bio(platform string) string {
	if platform == "instagram" {
		for _, s := range d.descriptions() {
			if m := instagramBio.FindStringSubmatch(s); m != nil {
				return m[1]
			}
		}
	}
	for _, s := range d.descriptions() {
		switch {
		case s == "" || countsOnly.MatchString(s):
			continue
		case platform == "linkedin":
			return linkedinPrefix.ReplaceAllString(s, "")
		default:
			return s
		}
	}
	return ""
}

// youtubeChannel is the channel id a YouTube page names in its og:url,
// canonical link or identifier meta tag.
func (d *document) youtubeChannel(prof Profile) string {
	if prof.Platform != "youtube" {
		return ""
	}
	for _, c := range []string{prof.URL, d.meta("og:url"), d.linkRel("canonical"), d.meta("identifier"), d.meta("channelid")} {
		if youtubeChannelID.MatchString(c) {
			return c
		}
		if p, ok := ProfileFromURL(c); ok && p.Platform == "youtube" && youtubeChannelID.MatchString(p.Handle) {
			return p.Handle
		}
	}
	return ""
}

// YouTube keeps the subscriber count and the channel's links only in the
// ytInitialData script, as JSON inside JavaScript.
var (
	youtubeSubscribers = regexp.MustCompile(`"subscriberCountText":\{[^{}]{0,300}?"simpleText":"([^"]{1,60})"|"content":"([^"]{1,40}(?:subscribers|abonnees))"`)
	youtubeRedirect    = regexp.MustCompile(`https?:(?:\\?/){2}(?:www\.|m\.)?youtube\.com\\?/redirect\?[^"'\s<>\\]*(?:\\u0026[^"'\s<>\\]*)*`)
)

func (d *document) youtubeSubscribers(platform string) int64 {
	if platform != "youtube" {
		return -1
	}
	for _, m := range youtubeSubscribers.FindAllSubmatch(d.rawBody, 4) {
		for _, g := range m[1:] {
			if c := followersIn(string(g)); c >= 0 {
				return c
			}
		}
	}
	return -1
}

func (d *document) youtubeRedirects(platform string) []string {
	if platform != "youtube" {
		return nil
	}
	var out []string
	for _, m := range youtubeRedirect.FindAll(d.rawBody, MaxValues) {
		s := strings.NewReplacer(`\u0026`, "&", `\/`, "/").Replace(string(m))
		if t := Unwrap(s); t != s {
			out = append(out, t)
		}
	}
	return out
}

// titleNoise is what platforms add to a display name in titles: "(@handle)",
// "| LinkedIn", "- YouTube", "on X", "• Instagram photos and videos".
var titleNoise = regexp.MustCompile(`(?i)\s*(?:\(@[^)]*\).*|[|•·\-–/]\s*(?:linkedin|tiktok|facebook|youtube|instagram|x|twitter)\b.*|\s(?:on|op)\s+(?:x|twitter|tiktok|instagram|facebook|linkedin|youtube)\b.*)$`)

// loginTitles start the titles of login walls and error pages, which name
// no one: "Inloggen • Instagram", "Log into Facebook", "LinkedIn: Log In
// or Sign Up", "TikTok - Make Your Day".
var loginTitles = []string{"log in", "login", "log into", "sign up", "sign in", "inloggen", "aanmelden",
	"registreren", "linkedin: log in", "linkedin login", "tiktok - make your day", "page not found",
	"pagina niet gevonden", "this page isn't available", "deze pagina is niet beschikbaar", "error", "fout"}

func loginTitle(title string) bool {
	t := strings.ToLower(clean(title))
	for _, p := range loginTitles {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return strings.Contains(t, "what’s happening") || strings.Contains(t, "what's happening")
}

// displayName cleans a page title into the profile's display name.
// Facebook titles a page "Name | City".
func displayName(platform, title string) string {
	if platform == "facebook" {
		title, _, _ = strings.Cut(title, " | ")
	}
	name := clean(titleNoise.ReplaceAllString(title, ""))
	lower := strings.ToLower(name)
	if platformDomains[lower+".com"] != "" || lower == "x" || loginTitle(name) {
		return ""
	}
	return name
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func firstCount(cs ...int64) int64 {
	for _, c := range cs {
		if c >= 0 {
			return c
		}
	}
	return -1
}
