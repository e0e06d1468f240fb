package pipeline

import (
	"slices"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

func TestSocialProfileFollowUps(t *testing.T) {
	for _, page := range []string{"facebook", "linkedin", "tiktok", "x", "youtube"} {
		ents := normalizeHTML(t, "social/profile-"+page+".html")
		var got []string
		for _, f := range FollowUps(ents, "social") {
			got = append(got, f.Subject.String())
		}
		// The profile itself is not looked up again; the home page it
		// links to is, and a WhatsApp link is not.
		want := "url:https://www.testbvdonald.nl/"
		if page == "tiktok" {
			want = "url:https://testbvdonald.nl/"
		}
		if !slices.Equal(got, []string{want}) {
			t.Errorf("%s: follow-ups %v; want [%s]", page, got, want)
		}
	}
}

// TestSocialWebsiteIsTheSitesWebsite: the site a profile links to is the
// Website the crawl of that site makes.
func TestSocialWebsiteIsTheSitesWebsite(t *testing.T) {
	site := bySchema(normalizeHTML(t, "website/page-home.html"), entity.SchemaWebsite)[0]
	for _, page := range []string{"facebook", "linkedin", "tiktok", "x", "youtube"} {
		ents := normalizeHTML(t, "social/profile-"+page+".html")
		prof := bySchema(ents, entity.SchemaSocialProfile)[0]
		sites := bySchema(ents, entity.SchemaWebsite)
		if len(sites) != 1 || sites[0].ID != site.ID || prof.First("websiteEntity") != site.ID {
			t.Errorf("%s: websites %v, websiteEntity %v; want %s", page, sites, prof.Properties["websiteEntity"], site.ID)
		}
	}
}

func TestSocialProfileLinksThatAreNoWebsite(t *testing.T) {
	prof := bySchema(normalizeHTML(t, "social/profile-facebook.html"), entity.SchemaSocialProfile)[0]
	if !slices.Equal(prof.Properties["link"], []string{"https://wa.me/31612345678"}) ||
		!slices.Equal(prof.Properties["socialProfile"], []string{"https://www.instagram.com/testbvdonald/"}) {
		t.Errorf("link %v, socialProfile %v", prof.Properties["link"], prof.Properties["socialProfile"])
	}
}

func TestSocialProfileLoginWall(t *testing.T) {
	ents := normalizeHTML(t, "social/profile-instagram-loginwall.html")
	if len(ents) != 1 || !slices.Equal(ents[0].PropertyNames(), []string{"handle", "platform", "url"}) ||
		ents[0].ID != SocialProfileID("instagram", "testbvdonald") {
		t.Errorf("login wall gave %+v", ents)
	}
}

func TestSocialProfileErrors(t *testing.T) {
	for _, u := range []string{"https://www.testbvdonald.nl/", "https://www.instagram.com/p/C0ffee/", "ftp://x.com/a"} {
		_, err := Normalize(sources.Evidence{Source: "social", Kind: "social.profile", URL: u, Body: []byte("<title>x</title>")})
		if err == nil || !strings.Contains(err.Error(), "reading social profile") {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func FuzzSocialProfile(f *testing.F) {
	for name, u := range htmlPages {
		if strings.HasPrefix(name, "social/") {
			body, err := readTestdata(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(body, u)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, pageURL string) {
		ents, err := Normalize(sources.Evidence{Source: "social", Kind: "social.profile", URL: pageURL, Body: body})
		if err != nil {
			return
		}
		profiles := 0
		for _, e := range ents {
			switch e.Schema {
			case entity.SchemaSocialProfile:
				profiles++
			case entity.SchemaWebsite:
			default:
				t.Fatalf("unexpected entity %+v", e)
			}
		}
		if profiles != 1 {
			t.Fatalf("%d profiles from one page", profiles)
		}
		for _, f := range FollowUps(ents, "social") {
			if f.Subject.Type != "url" {
				t.Fatalf("follow-up %s from a profile page", f.Subject)
			}
		}
	})
}
