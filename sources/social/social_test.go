package social_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/social"
	"verrijk/sources/social/socialtest"
	"verrijk/sources/sourcetest"
)

// replay starts socialtest and returns the adapter pointed at it.
func replay(t *testing.T) (*social.Source, *socialtest.Handler, string) {
	t.Helper()
	h := socialtest.NewHandler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	src := social.New(sourcetest.Client(t), sources.Config{Platforms: socialtest.PlatformURLs(srv.URL)})
	return src, h, srv.URL
}

func fetch(t *testing.T, src sources.Source, s string) (*sources.Result, error) {
	t.Helper()
	subj, err := subject.ParseArg(s)
	if err != nil {
		t.Fatal(err)
	}
	return src.Fetch(context.Background(), subj)
}

func TestPublicProfiles(t *testing.T) {
	src, _, base := replay(t)
	for _, c := range []struct{ subject, path, file string }{
		{"social:instagram/" + socialtest.Handle, "/instagram/testbvdonald/", "instagram/testbvdonald.html"},
		{"social:instagram/@TestBVDonald", "/instagram/testbvdonald/", "instagram/testbvdonald.html"},
		{"social:facebook/" + socialtest.Handle, "/facebook/testbvdonald", "facebook/testbvdonald.html"},
		{"social:linkedin/" + socialtest.LinkedInHandle, "/linkedin/company/test-bv-donald/", "linkedin/test-bv-donald.html"},
		{"social:youtube/" + socialtest.Handle, "/youtube/@testbvdonald", "youtube/testbvdonald.html"},
		{"social:youtube/" + socialtest.YouTubeChannel, "/youtube/channel/" + socialtest.YouTubeChannel, "youtube/testbvdonald.html"},
		{"social:tiktok/" + socialtest.Handle, "/tiktok/@testbvdonald", "tiktok/testbvdonald.html"},
		{"url:https://www.instagram.com/testbvdonald/?hl=nl", "/instagram/testbvdonald/", "instagram/testbvdonald.html"},
		{"url:https://m.facebook.com/TestBVDonald", "/facebook/testbvdonald", "facebook/testbvdonald.html"},
		{"url:https://nl.linkedin.com/company/test-bv-donald", "/linkedin/company/test-bv-donald/", "linkedin/test-bv-donald.html"},
		{"url:https://www.youtube.com/channel/" + socialtest.YouTubeChannel + "/videos", "/youtube/channel/" + socialtest.YouTubeChannel, "youtube/testbvdonald.html"},
		{"url:https://www.tiktok.com/@testbvdonald?lang=nl-NL", "/tiktok/@testbvdonald", "tiktok/testbvdonald.html"},
	} {
		t.Run(c.subject, func(t *testing.T) {
			res, err := fetch(t, src, c.subject)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := fs.ReadFile(socialtest.Files(), c.file)
			if !res.Found || len(res.Evidence) != 1 {
				t.Fatalf("res = %+v, want one profile", res)
			}
			ev := res.Evidence[0]
			sum := sha256.Sum256(want)
			if ev.Kind != social.KindProfile || ev.Source != social.Name || ev.Status != 200 || ev.URL != base+c.path ||
				string(ev.Body) != string(want) || ev.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("evidence %s %s %d %s (%d bytes)", ev.Kind, ev.Source, ev.Status, ev.URL, len(ev.Body))
			}
		})
	}
}

func TestWallsAreNotPubliclyAvailable(t *testing.T) {
	src, h, _ := replay(t)
	for subj, reason := range map[string]string{
		"social:x/" + socialtest.Handle:                "login required",
		"url:https://twitter.com/" + socialtest.Handle: "login required",
		"social:instagram/" + socialtest.PrivateHandle: "login required",
		"social:tiktok/" + socialtest.BlockedHandle:    "captcha",
	} {
		_, err := fetch(t, src, subj)
		na := sources.AsNotAvailable(err)
		if na == nil || na.Reason != reason {
			t.Errorf("%s: err = %v, want not publicly available: %s", subj, err, reason)
		}
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s: a wall must not be retried", subj)
		}
	}
	// Asked once each, never more: no retries, no clicking through.
	if n := h.RequestsTo("/x/testbvdonald"); n != 2 {
		t.Errorf("X profile asked %d times, want once per lookup", n)
	}
	for _, p := range []string{"/instagram/accounts/login/", "/x/i/flow/login"} {
		if n := h.RequestsTo(p); n == 0 {
			t.Errorf("the redirect to %s was not followed to see the wall", p)
		}
	}
}

// platformSite answers for the real platform hosts, as their HTTP proxy.
type platformSite func(w http.ResponseWriter, r *http.Request)

func (f platformSite) ServeHTTP(w http.ResponseWriter, r *http.Request) { f(w, r) }

func htmlPage(status int, body string) platformSite {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func TestWallKinds(t *testing.T) {
	cases := []struct {
		name   string
		site   platformSite
		reason string // "" when the answer is not a wall
		check  func(t *testing.T, res *sources.Result, err error)
	}{
		{name: "linkedin 999", site: htmlPage(999, "<html></html>"), reason: "blocked by the platform"},
		{name: "plain 403", site: htmlPage(403, "<html><body>Forbidden</body></html>"), reason: "blocked by the platform"},
		{name: "401", site: htmlPage(401, ""), reason: "login required"},
		{name: "429 captcha", site: htmlPage(429, `<html><div class="g-recaptcha"></div></html>`), reason: "captcha"},
		{name: "password form", site: htmlPage(200, `<html><form><input type="password"></form></html>`), reason: "login required"},
		{name: "cloudflare challenge", site: htmlPage(200, `<html><script src="/cdn-cgi/challenge-platform/h/b/orchestrate"></script></html>`), reason: "captcha"},
		{name: "no profile data", site: htmlPage(200, `<html><title>LinkedIn</title></html>`), reason: "the page shows no public profile"},
		{name: "consent wall", site: func(w http.ResponseWriter, r *http.Request) {
			if r.Host == "consent.youtube.com" {
				htmlPage(200, `<html><h1>Before you continue to YouTube</h1><form><button>Accept all</button></form></html>`)(w, r)
				return
			}
			http.Redirect(w, r, "http://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2F%40acme", http.StatusFound)
		}, reason: "consent wall"},
		{name: "plain 429 is a rate limit", site: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		}, check: func(t *testing.T, res *sources.Result, err error) {
			var rl *egress.RateLimited
			if !errors.As(err, &rl) || sources.AsNotAvailable(err) != nil {
				t.Errorf("err = %v, want *egress.RateLimited", err)
			}
		}},
		{name: "unknown profile", site: htmlPage(404, "<html>Sorry, this page isn't available.</html>"), check: func(t *testing.T, res *sources.Result, err error) {
			if err != nil || res.Found || len(res.Evidence) != 0 {
				t.Errorf("res %+v err %v, want Found false", res, err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.site)
			defer srv.Close()
			client, err := egress.New(egress.Config{Proxy: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			// Plain http to the real host names; the test server is their proxy.
			plat := map[string]string{}
			for _, p := range social.Platforms() {
				plat[p] = strings.Replace(social.DefaultBaseURL(p), "https://", "http://", 1)
			}
			res, err := fetch(t, social.New(client, sources.Config{Platforms: plat}), "social:youtube/acme")
			if c.check != nil {
				c.check(t, res, err)
				return
			}
			if na := sources.AsNotAvailable(err); na == nil || na.Reason != c.reason {
				t.Errorf("err = %v, want not publicly available: %s", err, c.reason)
			}
		})
	}
}

func TestURLSubjects(t *testing.T) {
	src, h, _ := replay(t)
	for _, s := range []string{"url:https://www.testbvdonald.nl/contact", "url:https://youtu.be/dQw4w9WgXcQ"} {
		res, err := fetch(t, src, s)
		if err != nil || res.Found || len(res.Evidence) != 0 {
			t.Errorf("%s: res %+v err %v; want no profile, nothing asked", s, res, err)
		}
	}
	for _, s := range []string{"url:https://www.instagram.com/p/C0abcDEF123/", "url:https://www.linkedin.com/in/jan-jansen/",
		"url:https://www.facebook.com/groups/123", "url:https://x.com/i/status/1"} {
		_, err := fetch(t, src, s)
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "not a public profile") {
			t.Errorf("%s: err = %v, want a permanent 'not a public profile'", s, err)
		}
	}
	if h.Requests() != 0 {
		t.Errorf("%d requests for URLs that are no profiles", h.Requests())
	}
	res, err := fetch(t, src, "social:instagram/bestaat-niet")
	if err != nil || res.Found {
		t.Errorf("unknown handle: res %+v err %v, want Found false", res, err)
	}
}

func TestConformance(t *testing.T) {
	sample := subject.Subject{Type: subject.Social, Value: "instagram/acme"}
	sourcetest.Run(t, func(baseURL string) sources.Source {
		return social.New(sourcetest.Client(t), sources.Config{Timeout: sourcetest.Timeout,
			Platforms: map[string]string{"instagram": baseURL}})
	}, sample)
}
