package social

import (
	"net/url"
	"testing"
)

func TestProfileFromURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://www.facebook.com/profile.php?id=100064000000001":        "facebook /100064000000001",
		"https://www.facebook.com/pages/Fruitbedrijf-Donald/123456":      "facebook /123456",
		"https://fb.com/TestBVDonald/":                                   "facebook /testbvdonald",
		"https://www.instagram.com/testbvdonald/reels/":                  "instagram /testbvdonald/",
		"https://twitter.com/TestBVDonald/status/1":                      "x /testbvdonald",
		"https://www.linkedin.com/showcase/donald-appels/about/":         "linkedin /showcase/donald-appels/",
		"https://www.youtube.com/@TestBVDonald/videos":                   "youtube /@TestBVDonald",
		"https://www.youtube.com/c/FruitbedrijfDonald":                   "youtube /c/FruitbedrijfDonald",
		"https://www.tiktok.com/@testbvdonald/video/7300000000000000000": "tiktok /@testbvdonald",
		// No profile on a platform, or no platform at all.
		"https://www.instagram.com/explore/tags/appels/": "error",
		"https://www.tiktok.com/tag/appels":              "error",
		"https://www.linkedin.com/in/jan-jansen/":        "error",
		"https://www.facebook.com/sharer/sharer.php?u=x": "error",
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ":    "error",
		"https://www.testbvdonald.nl/":                   "none",
		"https://instagram.com.voorbeeld.nl/acme":        "none",
	} {
		u, _ := url.Parse(raw)
		p, ok, err := profileFromURL(u)
		got := "none"
		switch {
		case err != nil:
			got = "error"
		case ok:
			got = p.platform + " " + p.path
		}
		if got != want {
			t.Errorf("%s: %s, want %s", raw, got, want)
		}
	}
}
