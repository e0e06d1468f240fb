package extract

import (
	"testing"

	"verrijk/pipeline/subject"
)

func TestProfileFromURL(t *testing.T) {
	cases := []struct {
		link, subject, url string // subject "" when the link is no profile
	}{
		{"https://www.facebook.com/testbvdonald/", "facebook/testbvdonald", "https://www.facebook.com/testbvdonald"},
		{"https://m.facebook.com/TestBVDonald?ref=bookmarks", "facebook/testbvdonald", "https://www.facebook.com/testbvdonald"},
		{"https://nl-nl.facebook.com/testbvdonald/photos/", "facebook/testbvdonald", "https://www.facebook.com/testbvdonald"},
		{"https://www.facebook.com/profile.php?id=100064512345678", "facebook/100064512345678", "https://www.facebook.com/100064512345678"},
		{"https://www.facebook.com/people/Fruitteelt-Donald/100064512345678/", "facebook/100064512345678", "https://www.facebook.com/100064512345678"},
		{"https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fx.nl", "", ""},
		{"https://www.facebook.com/share.php?u=x", "", ""},
		{"https://www.facebook.com/groups/123456/", "", ""},
		{"https://business.facebook.com/testbvdonald", "", ""},
		{"https://l.facebook.com/l.php?u=https%3A%2F%2Fx.nl", "", ""},
		{"https://www.instagram.com/testbvdonald/?hl=nl", "instagram/testbvdonald", "https://www.instagram.com/testbvdonald/"},
		{"instagram.com/TestBVDonald", "instagram/testbvdonald", "https://www.instagram.com/testbvdonald/"},
		{"//www.instagram.com/testbvdonald", "instagram/testbvdonald", "https://www.instagram.com/testbvdonald/"},
		{"https://www.instagram.com/p/C0ffee/", "", ""},
		{"https://www.instagram.com/explore/tags/appels/", "", ""},
		{"https://www.tiktok.com/@testbvdonald?lang=nl-NL", "tiktok/testbvdonald", "https://www.tiktok.com/@testbvdonald"},
		{"https://www.tiktok.com/@testbvdonald/video/7301234567890123456", "tiktok/testbvdonald", "https://www.tiktok.com/@testbvdonald"},
		{"https://www.tiktok.com/tag/fruit", "", ""},
		{"https://vm.tiktok.com/ZMabc123/", "", ""},
		{"https://twitter.com/testbvdonald", "x/testbvdonald", "https://x.com/testbvdonald"},
		{"https://x.com/testbvdonald/status/1780012345678901234", "x/testbvdonald", "https://x.com/testbvdonald"},
		{"https://mobile.twitter.com/@testbvdonald", "x/testbvdonald", "https://x.com/testbvdonald"},
		{"https://twitter.com/intent/tweet?text=hoi", "", ""},
		{"https://twitter.com/share?url=x", "", ""},
		{"https://x.com/home?status=x", "", ""},
		{"https://www.linkedin.com/company/test-bv-donald/about/", "linkedin/test-bv-donald", "https://www.linkedin.com/company/test-bv-donald/"},
		{"https://nl.linkedin.com/company/test-bv-donald", "linkedin/test-bv-donald", "https://www.linkedin.com/company/test-bv-donald/"},
		{"https://www.linkedin.com/in/jan-de-vries", "", ""}, // a person, not a company page
		{"https://www.linkedin.com/shareArticle?mini=true&url=x", "", ""},
		{"https://www.youtube.com/@testbvdonald", "youtube/testbvdonald", "https://www.youtube.com/@testbvdonald"},
		{"https://www.youtube.com/channel/UCq3v5Qp0xYb9Zt8rVn2LmKw", "youtube/UCq3v5Qp0xYb9Zt8rVn2LmKw", "https://www.youtube.com/channel/UCq3v5Qp0xYb9Zt8rVn2LmKw"},
		{"https://www.youtube.com/user/FruitteeltDonald", "youtube/FruitteeltDonald", "https://www.youtube.com/user/FruitteeltDonald"},
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "", ""},
		{"https://www.youtube.com/embed/dQw4w9WgXcQ", "", ""},
		{"https://evil.example/instagram.com/testbvdonald", "", ""},
		{"https://www.instagram.com.evil.example/testbvdonald", "", ""},
		{"https://user:pw@www.facebook.com/testbvdonald", "", ""},
		{"javascript:alert(1)", "", ""},
		{"https://www.facebook.com/Fruitteelt%20Donald", "", ""},
		{"https://www.instagram.com/testbvdonald/../p/C0ffee/", "", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		p, ok := ProfileFromURL(c.link)
		switch {
		case c.subject == "" && ok:
			t.Errorf("ProfileFromURL(%q) = %+v; want no profile", c.link, p)
		case c.subject != "" && (!ok || p.Subject() != c.subject || p.URL != c.url):
			t.Errorf("ProfileFromURL(%q) = %+v, %v; want %s at %s", c.link, p, ok, c.subject, c.url)
		}
		if ok {
			if s, err := subject.Parse(subject.Social, p.Subject()); err != nil || s.Value != p.Subject() {
				t.Errorf("%q: %s is not a canonical social subject (%v)", c.link, p.Subject(), err)
			}
		}
	}
}

func TestUnwrap(t *testing.T) {
	cases := map[string]string{
		"https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.testbvdonald.nl%2F&h=AT0":                    "https://www.testbvdonald.nl/",
		"https://l.instagram.com/?u=https%3A%2F%2Fwww.testbvdonald.nl%2F&e=AT1":                        "https://www.testbvdonald.nl/",
		"https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fwww%2Etestbvdonald%2Enl&urlhash=x":  "https://www.testbvdonald.nl",
		"https://www.youtube.com/redirect?event=channel_header&q=https%3A%2F%2Fwww.testbvdonald.nl%2F": "https://www.testbvdonald.nl/",
		"https://www.tiktok.com/link/v2?aid=1988&target=testbvdonald.nl":                               "testbvdonald.nl",
		"https://www.testbvdonald.nl/?u=https://evil.example/":                                         "https://www.testbvdonald.nl/?u=https://evil.example/",
		"https://l.facebook.com/l.php":                                                                 "https://l.facebook.com/l.php",
		"%zz":                                                                                          "%zz",
	}
	for in, want := range cases {
		if got := Unwrap(in); got != want {
			t.Errorf("Unwrap(%q) = %q; want %q", in, got, want)
		}
	}
}
