package extract

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"

	"verrijk/pipeline/subject"
)

// Profile is a profile on a social-media platform. Platform and Handle
// are the two halves of a social subject ("instagram/bakkerijjansen"),
// Platform one of subject's platform names.
type Profile struct {
	Platform string `json:"platform"`
	Handle   string `json:"handle"`
	URL      string `json:"url"` // the profile's canonical URL
	Source   string `json:"source,omitempty"`
}

// Subject is the profile as a social subject value, "platform/handle".
func (p Profile) Subject() string { return p.Platform + "/" + p.Handle }

// platformDomains maps a registrable domain to its platform.
var platformDomains = map[string]string{
	"facebook.com": "facebook", "fb.com": "facebook",
	"instagram.com": "instagram", "instagr.am": "instagram",
	"tiktok.com": "tiktok",
	"x.com":      "x", "twitter.com": "x",
	"linkedin.com": "linkedin",
	"youtube.com":  "youtube",
}

// profileHosts are the subdomains that serve profiles: www, mobile
// variants and LinkedIn's and Facebook's language subdomains
// ("nl.linkedin.com", "nl-nl.facebook.com").
var profileHost = regexp.MustCompile(`^(?:(?:www|m|mobile|web|touch|[a-z]{2}|[a-z]{2}-[a-z]{2})\.)?[a-z]+\.[a-z]+$`)

// reservedPaths are first path segments that are the platform's own pages
// (sharing, login, search, single posts), never a profile.
var reservedPaths = map[string]map[string]bool{
	"facebook": set("sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "tr", "login",
		"login.php", "home.php", "groups", "events", "watch", "marketplace", "hashtag", "help", "policies",
		"privacy", "legal", "settings", "photo", "photo.php", "photos", "story.php", "permalink.php", "ads",
		"business", "gaming", "l.php", "recover", "reg", "r.php", "search", "posts", "videos", "reel",
		"stories", "messages", "notifications", "friends", "bookmarks", "fundraisers", "places", "about",
		"careers", "privacy_sandbox", "terms", "cookies", "pages"),
	"instagram": set("p", "reel", "reels", "tv", "explore", "accounts", "stories", "direct", "about",
		"legal", "developer", "web", "share", "sharer", "challenge", "emails", "session", "oauth"),
	"x": set("intent", "share", "home", "search", "hashtag", "i", "login", "signup", "explore", "settings",
		"messages", "notifications", "tos", "privacy", "compose", "download", "about", "account", "oauth",
		"logout", "jobs", "en", "rules", "widgets", "widgets.js", "who_to_follow", "lists", "status"),
	"youtube": set("watch", "embed", "shorts", "playlist", "results", "feed", "redirect", "t", "about",
		"howyoutubeworks", "premium", "account", "signin", "logout", "live", "hashtag", "post", "gaming",
		"music", "kids", "creators", "ads", "new", "upload", "attribution_link", "share"),
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ProfileFromURL reads a link to a profile page: the platform and handle,
// checked as a social subject, and the profile's canonical URL. Share and
// intent links, single posts and the platforms' own pages are not
// profiles. A link without a scheme ("instagram.com/x") is read as https.
func ProfileFromURL(raw string) (Profile, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxValueBytes {
		return Profile{}, false
	}
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	} else if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return Profile{}, false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if !profileHost.MatchString(host) {
		return Profile{}, false
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	platform, ok := platformDomains[reg]
	if err != nil || !ok {
		return Profile{}, false
	}
	segs := pathSegments(u.Path)
	if slices.Contains(segs, "..") || slices.Contains(segs, ".") {
		return Profile{}, false // a browser would resolve it elsewhere
	}
	handle := profileHandle(platform, segs, u.Query())
	if handle == "" {
		return Profile{}, false
	}
	s, err := subject.Parse(subject.Social, platform+"/"+handle)
	if err != nil {
		return Profile{}, false
	}
	p := Profile{Platform: platform}
	_, p.Handle, _ = strings.Cut(s.Value, "/")
	p.URL = profileURL(p.Platform, p.Handle, segs)
	return p, true
}

// profileHandle reads the handle out of a profile URL's path.
func profileHandle(platform string, segs []string, q url.Values) string {
	if len(segs) == 0 {
		return ""
	}
	first := strings.ToLower(segs[0])
	switch platform {
	case "facebook":
		switch {
		case first == "profile.php":
			return q.Get("id")
		case first == "people" && len(segs) >= 3: // /people/Name/100064…/
			return segs[2]
		case first == "pages" && len(segs) >= 3: // /pages/Name/123…/ (old page URLs)
			return segs[len(segs)-1]
		case first == "p" && len(segs) >= 2: // /p/Name-100064…/ (new page URLs)
			return segs[1]
		}
	case "tiktok":
		if strings.HasPrefix(segs[0], "@") && len(segs[0]) > 1 {
			return segs[0][1:]
		}
		return ""
	case "linkedin":
		if first == "company" && len(segs) >= 2 {
			return segs[1]
		}
		return ""
	case "youtube":
		switch {
		case strings.HasPrefix(segs[0], "@") && len(segs[0]) > 1:
			return segs[0][1:]
		case (first == "channel" || first == "c" || first == "user") && len(segs) >= 2:
			return segs[1]
		}
	}
	h := strings.TrimPrefix(segs[0], "@") // "twitter.com/@handle" is written too
	if reservedPaths[platform][strings.ToLower(h)] || strings.Contains(first, ".php") {
		return ""
	}
	return h
}

// youtubeChannelID is a channel's permanent id, "UC" and 22 characters.
var youtubeChannelID = regexp.MustCompile(`^UC[A-Za-z0-9_-]{22}$`)

// profileURL is the URL a browser would open for the profile.
func profileURL(platform, handle string, segs []string) string {
	switch platform {
	case "facebook":
		return "https://www.facebook.com/" + handle
	case "instagram":
		return "https://www.instagram.com/" + handle + "/"
	case "tiktok":
		return "https://www.tiktok.com/@" + handle
	case "x":
		return "https://x.com/" + handle
	case "linkedin":
		return "https://www.linkedin.com/company/" + handle + "/"
	case "youtube":
		switch first := strings.ToLower(segs[0]); {
		case youtubeChannelID.MatchString(handle):
			return "https://www.youtube.com/channel/" + handle
		case first == "c" || first == "user":
			return "https://www.youtube.com/" + first + "/" + handle
		}
		return "https://www.youtube.com/@" + handle
	}
	return ""
}

func pathSegments(p string) []string {
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

// redirectParams are the platforms' outbound-link wrappers and the query
// parameter holding the real target.
var redirectParams = []struct{ host, path, param string }{
	{"l.facebook.com", "/l.php", "u"},
	{"lm.facebook.com", "/l.php", "u"},
	{"l.instagram.com", "/", "u"},
	{"www.linkedin.com", "/redir/redirect", "url"},
	{"linkedin.com", "/redir/redirect", "url"},
	{"www.youtube.com", "/redirect", "q"},
	{"youtube.com", "/redirect", "q"},
	{"m.youtube.com", "/redirect", "q"},
	{"www.google.com", "/url", "q"},
	{"www.tiktok.com", "/link/v2", "target"},
}

// Unwrap returns the target of a platform's outbound-link wrapper
// (l.facebook.com/l.php?u=…, linkedin.com/redir/redirect?url=…,
// youtube.com/redirect?q=…), or the link itself.
func Unwrap(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	host := strings.ToLower(u.Hostname())
	for _, r := range redirectParams {
		if host == r.host && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(r.path, "/") {
			if t := u.Query().Get(r.param); t != "" {
				return t
			}
		}
	}
	return raw
}

// profiles are the social-media profiles a page links to: its links,
// the sameAs of its JSON-LD organisations and its twitter:site tag.
func (d *document) profiles(orgs []Organization, source string) []Profile {
	var candidates []string
	for _, l := range d.links {
		candidates = append(candidates, l.href)
	}
	for _, o := range orgs {
		candidates = append(candidates, o.SameAs...)
	}
	for _, key := range []string{"twitter:site", "twitter:creator"} {
		if h := strings.TrimPrefix(d.meta(key), "@"); h != "" && !strings.ContainsAny(h, "/:") {
			candidates = append(candidates, "https://x.com/"+h)
		}
	}
	var out []Profile
	seen := map[string]bool{}
	for _, c := range candidates {
		p, ok := ProfileFromURL(c)
		if !ok || seen[p.Subject()] {
			continue
		}
		seen[p.Subject()] = true
		p.Source = source
		out = append(out, p)
		if len(out) == MaxValues {
			break
		}
	}
	return out
}
