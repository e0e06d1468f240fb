package pipeline

import (
	"fmt"
	"net/url"
	"strconv"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/extract"
	"verrijk/sources"
)

// Normaliser for the social source: a public profile page
// (social.profile) becomes one SocialProfile, keyed on platform and handle
// like the profile links the website normaliser finds, so both merge.
//
// Outbound links are split in two. A link to a site's home page is the
// owner's own website: it goes in "website", gets a Website entity
// (websiteEntity) and is followed up. Any other link (a link-in-bio page,
// a shop on a marketplace, a WhatsApp link) goes in "link": keying a
// Website on linktr.ee or bol.com would merge everyone who uses them.
// Profiles on other platforms go in "socialProfile".

func normalizeSocialProfile(ev sources.Evidence) ([]entity.Entity, error) {
	p, err := extract.ReadProfile(ev.URL, ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading social profile %.200q: %w", ev.URL, err)
	}
	b := newBuilder(ev)
	sp := b.socialProfile(p.Profile)
	sp.Add("name", p.Name)
	sp.Add("description", p.Description)
	sp.Add("image", p.Image)
	if p.Followers >= 0 {
		sp.Add("followers", strconv.FormatInt(p.Followers, 10))
	}
	sp.Add("channelId", p.ChannelID)
	for _, w := range p.Websites {
		if !isSiteRoot(w) {
			sp.Add("link", w)
			continue
		}
		sp.Add("website", w)
		if site := b.website(w); site != nil {
			sp.Add("websiteEntity", site.ID)
		}
	}
	for _, o := range p.Profiles {
		sp.Add("socialProfile", o.URL)
	}
	return clipped(b.entities()), nil
}

// isSiteRoot reports whether a link points at a site's home page; a
// query (utm_source=…) does not matter.
func isSiteRoot(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Path == "" || u.Path == "/")
}
