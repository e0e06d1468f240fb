package extract

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func readProfileFixture(t *testing.T, name, pageURL string) *ProfilePage {
	t.Helper()
	body, err := os.ReadFile("../testdata/social/profile-" + name + ".html")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadProfile(pageURL, body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReadProfile reads one realistic public page per platform.
func TestReadProfile(t *testing.T) {
	cases := []struct {
		fixture, url, subject, name string
		followers                   int64
		descStart, image            string
		websites                    []string
		profiles                    []string
		channel                     string
	}{
		{"facebook", "https://www.facebook.com/testbvdonald/", "facebook/testbvdonald", "Fruitteelt Donald", 1402,
			"Fruitteelt Donald, Lollum.", "https://scontent-ams2-1.xx.fbcdn.net/", []string{"https://www.testbvdonald.nl/", "https://wa.me/31612345678"},
			[]string{"instagram/testbvdonald"}, ""},
		{"instagram", "https://www.instagram.com/testbvdonald/", "instagram/testbvdonald", "Fruitteelt Donald", 1736,
			"🍎🍐 Appels en peren uit Lollum (Fr.) Boerderijwinkel", "https://scontent-ams2-1.cdninstagram.com/", nil, nil, ""},
		{"tiktok", "https://www.tiktok.com/@testbvdonald", "tiktok/testbvdonald", "Fruitteelt Donald", 2134,
			"Appels en peren uit Lollum 🍎 Pluk zelf", "https://p16-sign-va.tiktokcdn.com/", []string{"https://testbvdonald.nl/"}, nil, ""},
		{"x", "https://x.com/testbvdonald", "x/testbvdonald", "Fruitteelt Donald", 431,
			"Appels en peren van eigen boomgaard", "https://pbs.twimg.com/", []string{"https://www.testbvdonald.nl/"}, nil, ""},
		{"linkedin", "https://www.linkedin.com/company/test-bv-donald/", "linkedin/test-bv-donald", "Fruitteelt Donald", 312,
			"Fruitteelt Donald is een familiebedrijf", "https://media.licdn.com/", []string{"https://www.testbvdonald.nl/"}, nil, ""},
		{"youtube", "https://www.youtube.com/@testbvdonald", "youtube/testbvdonald", "Fruitteelt Donald", 1200,
			"Video's uit de boomgaard", "https://yt3.googleusercontent.com/", []string{"https://www.testbvdonald.nl/"},
			[]string{"instagram/testbvdonald"}, "UCq3v5Qp0xYb9Zt8rVn2LmKw"},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			p := readProfileFixture(t, c.fixture, c.url)
			var profiles []string
			for _, o := range p.Profiles {
				profiles = append(profiles, o.Subject())
			}
			if p.Subject() != c.subject || p.Source != c.url || p.Name != c.name || p.Followers != c.followers ||
				!strings.HasPrefix(p.Description, c.descStart) || !strings.HasPrefix(p.Image, c.image) ||
				!slices.Equal(p.Websites, c.websites) || !slices.Equal(profiles, c.profiles) || p.ChannelID != c.channel {
				t.Errorf("%+v", p)
			}
		})
	}
}

// TestReadProfileLoginWall: a login wall names no one, so only the
// profile the URL names is known.
func TestReadProfileLoginWall(t *testing.T) {
	p := readProfileFixture(t, "instagram-loginwall", "https://www.instagram.com/testbvdonald/")
	if p.Subject() != "instagram/testbvdonald" || p.Name != "" || p.Description != "" || p.Followers != -1 || len(p.Websites) != 0 {
		t.Errorf("%+v", p)
	}
}

func TestReadProfileOtherPages(t *testing.T) {
	// Without a profile in the URL, the page's og:url names it.
	p, err := ReadProfile("https://www.instagram.com/accounts/login/?next=%2Ftestbvdonald%2F", []byte(`<meta property="og:url" content="https://www.instagram.com/testbvdonald/">`))
	if err != nil || p.Subject() != "instagram/testbvdonald" {
		t.Errorf("%+v, %v", p, err)
	}
	p, err = ReadProfile("https://www.tiktok.com/foryou", []byte(`<link rel="canonical" href="https://www.tiktok.com/@testbvdonald">`))
	if err != nil || p.Subject() != "tiktok/testbvdonald" {
		t.Errorf("%+v, %v", p, err)
	}
	for _, u := range []string{"https://www.testbvdonald.nl/", "https://www.instagram.com/p/C0ffee/"} {
		if _, err := ReadProfile(u, []byte("<title>x</title>")); !errors.Is(err, ErrNotProfile) {
			t.Errorf("%s: %v", u, err)
		}
	}
	// TikTok data about another account (a "not found" page suggests
	// others) is not this profile's.
	body := `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{"webapp.user-detail":{"userInfo":{"user":{"uniqueId":"someoneelse","nickname":"Iemand"},"stats":{"followerCount":99}}}}}</script>`
	p, err = ReadProfile("https://www.tiktok.com/@testbvdonald", []byte(body))
	if err != nil || p.Name != "" || p.Followers != -1 {
		t.Errorf("%+v, %v", p, err)
	}
	// Wrong types cost only their field.
	body = `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{"webapp.user-detail":{"userInfo":{"user":{"uniqueId":"testbvdonald","nickname":["x"],"signature":"Bio"},"stats":{"followerCount":"veel"},"statsV2":{"followerCount":"12"}}}}}</script>`
	p, err = ReadProfile("https://www.tiktok.com/@testbvdonald", []byte(body))
	if err != nil || p.Description != "Bio" || p.Followers != 12 {
		t.Errorf("%+v, %v", p, err)
	}
}

func TestDisplayName(t *testing.T) {
	cases := map[string]string{
		"Fruitteelt Donald (@testbvdonald) • Instagram photos and videos": "Fruitteelt Donald",
		"Fruitteelt Donald (@testbvdonald) / X":                           "Fruitteelt Donald",
		"Fruitteelt Donald on X":                                          "Fruitteelt Donald",
		"Fruitteelt Donald op TikTok":                                     "Fruitteelt Donald",
		"Fruitteelt Donald | LinkedIn":                                    "Fruitteelt Donald",
		"Fruitteelt Donald - YouTube":                                     "Fruitteelt Donald",
		"Inloggen • Instagram":                                            "",
		"Log into Facebook":                                               "",
		"TikTok - Make Your Day":                                          "",
		"Instagram":                                                       "",
		"X":                                                               "",
	}
	for in, want := range cases {
		if got := displayName("instagram", in); got != want {
			t.Errorf("displayName(%q) = %q; want %q", in, got, want)
		}
	}
	if got := displayName("facebook", "Fruitteelt Donald | Lollum"); got != "Fruitteelt Donald" {
		t.Errorf("Facebook title: %q", got)
	}
}

// TestReadProfileElsewhere: a page read at a mirror or replay server is
// the profile its path names on the platform its og:url names.
func TestReadProfileElsewhere(t *testing.T) {
	body, err := os.ReadFile("../testdata/social/profile-youtube.html")
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]string{
		"http://127.0.0.1:8080/youtube/@testbvdonald":                    "youtube/testbvdonald",
		"http://replay.test/youtube/channel/UCq3v5Qp0xYb9Zt8rVn2LmKw":    "youtube/UCq3v5Qp0xYb9Zt8rVn2LmKw",
		"http://replay.test/somewhere/else":                              "youtube/UCq3v5Qp0xYb9Zt8rVn2LmKw",
		"https://www.youtube.com/channel/UCq3v5Qp0xYb9Zt8rVn2LmKw/about": "youtube/UCq3v5Qp0xYb9Zt8rVn2LmKw",
	} {
		p, err := ReadProfile(u, body)
		if err != nil || p.Subject() != want || p.Source != u {
			t.Errorf("%s: %+v, %v; want %s", u, p, err, want)
		}
	}
}
