package social

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// platform knows where one network serves public profiles and how its
// profile addresses look.
type platform struct {
	base    string   // public site, without a trailing slash
	domains []string // registrable domains it serves profiles on
	// path is the profile path of a handle.
	path func(handle string) string
	// fromPath reads a handle and its canonical path from a URL path's
	// segments (and query); false when the URL is no profile.
	fromPath func(seg []string, q url.Values) (handle, path string, ok bool)
}

// Platforms lists the networks the social source reads, by the names
// subjects use (pipeline/subject: social:<platform>/<handle>).
var platforms = map[string]platform{
	"facebook": {
		base: "https://www.facebook.com", domains: []string{"facebook.com", "fb.com"},
		path: func(h string) string { return "/" + h },
		fromPath: func(seg []string, q url.Values) (string, string, bool) {
			switch {
			case len(seg) >= 1 && seg[0] == "profile.php":
				return handleAt(q.Get("id"), "/")
			case len(seg) == 3 && seg[0] == "pages": // /pages/Name/<page id>
				return handleAt(seg[2], "/")
			case len(seg) >= 1 && !slices.Contains(facebookReserved, strings.ToLower(seg[0])):
				return handleAt(seg[0], "/")
			}
			return "", "", false
		},
	},
	"instagram": {
		base: "https://www.instagram.com", domains: []string{"instagram.com"},
		path: func(h string) string { return "/" + h + "/" },
		fromPath: func(seg []string, _ url.Values) (string, string, bool) {
			if len(seg) >= 1 && !slices.Contains(instagramReserved, strings.ToLower(seg[0])) {
				h, _, ok := handleAt(seg[0], "/")
				return h, "/" + h + "/", ok
			}
			return "", "", false
		},
	},
	"tiktok": {
		base: "https://www.tiktok.com", domains: []string{"tiktok.com"},
		path: func(h string) string { return "/@" + h },
		fromPath: func(seg []string, _ url.Values) (string, string, bool) {
			if len(seg) >= 1 && strings.HasPrefix(seg[0], "@") {
				return handleAt(strings.TrimPrefix(seg[0], "@"), "/@")
			}
			return "", "", false
		},
	},
	"x": {
		base: "https://x.com", domains: []string{"x.com", "twitter.com"},
		path: func(h string) string { return "/" + h },
		fromPath: func(seg []string, _ url.Values) (string, string, bool) {
			if len(seg) >= 1 && !slices.Contains(xReserved, strings.ToLower(seg[0])) {
				return handleAt(seg[0], "/")
			}
			return "", "", false
		},
	},
	"linkedin": {
		// Company pages only: personal profiles (/in/…) are not looked up.
		base: "https://www.linkedin.com", domains: []string{"linkedin.com"},
		path: func(h string) string { return "/company/" + h + "/" },
		fromPath: func(seg []string, _ url.Values) (string, string, bool) {
			if len(seg) >= 2 && (seg[0] == "company" || seg[0] == "showcase") {
				h, _, ok := handleAt(seg[1], "/")
				return h, "/" + seg[0] + "/" + h + "/", ok
			}
			return "", "", false
		},
	},
	"youtube": {
		base: "https://www.youtube.com", domains: []string{"youtube.com"},
		path: func(h string) string {
			if channelID.MatchString(h) {
				return "/channel/" + h
			}
			return "/@" + h
		},
		fromPath: func(seg []string, _ url.Values) (string, string, bool) {
			switch {
			case len(seg) >= 1 && strings.HasPrefix(seg[0], "@"):
				return handleAt(strings.TrimPrefix(seg[0], "@"), "/@")
			case len(seg) >= 2 && (seg[0] == "channel" || seg[0] == "c" || seg[0] == "user"):
				return handleAt(seg[1], "/"+seg[0]+"/")
			}
			return "", "", false
		},
	},
}

// channelID is a YouTube channel id, "UC" and 22 more characters.
var channelID = regexp.MustCompile(`^UC[A-Za-z0-9_-]{22}$`)

// Paths on the platforms that are pages of the platform, not profiles.
var (
	facebookReserved  = []string{"groups", "events", "watch", "marketplace", "login", "login.php", "share", "sharer", "sharer.php", "photo", "photo.php", "story.php", "permalink.php", "hashtag", "help", "policies", "privacy", "gaming", "reel", "reels", "dialog", "plugins", "people", "public", "search", "home.php", "l.php", "tr"}
	instagramReserved = []string{"p", "reel", "reels", "explore", "stories", "accounts", "direct", "tv", "about", "legal", "developer", "web", "challenge"}
	xReserved         = []string{"i", "home", "search", "explore", "settings", "intent", "share", "hashtag", "login", "signup", "notifications", "messages", "tos", "privacy", "compose"}
)

// handleAt checks a handle taken from a URL with the same rules as a
// social subject's and returns it with its path (prefix + handle).
func handleAt(h, prefix string) (string, string, bool) {
	if !validHandle(h) {
		return "", "", false
	}
	return h, prefix + h, true
}

// validHandle is subject.parseSocial's rule: 1 to 100 letters, digits,
// '.', '_' or '-', at least one letter or digit. A handle goes into a URL
// path, so nothing else may pass.
func validHandle(h string) bool {
	if len(h) < 1 || len(h) > 100 {
		return false
	}
	alnum := false
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			alnum = true
		case c == '.' || c == '_' || c == '-':
		default:
			return false
		}
	}
	return alnum
}

// platformOf returns the platform that serves host, or "".
func platformOf(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	for name, p := range platforms {
		if slices.Contains(p.domains, d) {
			return name
		}
	}
	return ""
}

// IsPlatformHost reports whether host belongs to one of the platforms the
// social source reads (www.instagram.com, nl.linkedin.com, twitter.com …):
// the website source leaves those to it.
func IsPlatformHost(host string) bool { return platformOf(host) != "" }

// Platforms returns the platform names the source knows, sorted.
func Platforms() []string {
	names := make([]string, 0, len(platforms))
	for n := range platforms {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DefaultBaseURL returns a platform's public site, "" for an unknown one.
func DefaultBaseURL(name string) string { return platforms[name].base }

// profile is one public profile page to read.
type profile struct {
	platform string
	handle   string
	path     string // on the platform's site, from "/"
}

func (p profile) String() string { return p.platform + "/" + p.handle }

// profileFromURL reads the profile a URL on a platform points at; ok is
// false when the URL is on no platform, an error when it is on one but is
// no profile (a post, a personal LinkedIn page).
func profileFromURL(u *url.URL) (profile, bool, error) {
	name := platformOf(u.Hostname())
	if name == "" {
		return profile{}, false, nil
	}
	var seg []string
	for s := range strings.SplitSeq(u.Path, "/") {
		if s != "" {
			seg = append(seg, s)
		}
	}
	h, path, ok := platforms[name].fromPath(seg, u.Query())
	if !ok {
		return profile{}, true, fmt.Errorf("%s is a %s page but not a public profile this source reads", u.Redacted(), name)
	}
	if name != "youtube" {
		h = strings.ToLower(h) // handles are case-insensitive except YouTube's
		path = strings.ToLower(path)
	}
	return profile{platform: name, handle: h, path: path}, true, nil
}
