package rdw_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/sources/rdw"
	"verrijk/sources/rdw/rdwtest"
	"verrijk/sources/sourcetest"
)

func newSource(t testing.TB, baseURL, token string) *rdw.Source {
	return rdw.New(sourcetest.Client(t), sources.Config{BaseURL: baseURL, APIKey: token, Timeout: sourcetest.Timeout})
}

func plate(v string) subject.Subject { return subject.Subject{Type: subject.Plate, Value: v} }

func kinds(res *sources.Result) string {
	var ks []string
	for _, ev := range res.Evidence {
		ks = append(ks, ev.Kind)
	}
	return strings.Join(ks, " ")
}

func startServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(base string) sources.Source { return newSource(t, base, "") },
		plate("6TJR64"),
		sourcetest.WithEmpty(http.StatusOK, "application/json;charset=utf-8", []byte("[]\n")))
}

func TestFetchAgainstReplay(t *testing.T) {
	cases := []struct {
		value    string
		found    bool
		kinds    string
		kenteken string
	}{
		{"6TJR64", true, "rdw.voertuig rdw.brandstof", "6TJR64"},
		{"6-tjr-64", true, "rdw.voertuig rdw.brandstof", "6TJR64"},
		{"R-759-BK", true, "rdw.voertuig rdw.brandstof", "R759BK"},
		{"XD494P", true, "rdw.voertuig rdw.brandstof", "XD494P"},
		// Unknown plate: one request, and the empty answer is kept.
		{"1-ABC-23", false, "rdw.voertuig", "1ABC23"},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			srv := rdwtest.NewServer(t)
			res, err := newSource(t, srv.URL, "").Fetch(context.Background(), plate(c.value))
			if err != nil {
				t.Fatal(err)
			}
			if res.Found != c.found || kinds(res) != c.kinds {
				t.Fatalf("found %v kinds %q; want %v %q", res.Found, kinds(res), c.found, c.kinds)
			}
			if srv.Requests() != len(res.Evidence) {
				t.Errorf("%d requests for %d evidence", srv.Requests(), len(res.Evidence))
			}
			for i, ev := range res.Evidence {
				u, err := url.Parse(ev.URL)
				if err != nil || u.Query().Get("kenteken") != c.kenteken || len(u.Query()) != 1 {
					t.Errorf("request %s; want only kenteken=%s", ev.URL, c.kenteken)
				}
				want := []string{"/resource/m9d7-ebf2.json", "/resource/8ys7-d773.json"}[i]
				if u.Path != want {
					t.Errorf("path %s; want %s", u.Path, want)
				}
				if ev.Source != rdw.Name || ev.SHA256 == "" || len(ev.Body) == 0 || ev.Status != 200 {
					t.Errorf("bad evidence %+v", ev)
				}
			}
			if !c.found && strings.TrimSpace(string(res.Evidence[0].Body)) != "[]" {
				t.Errorf("empty answer evidence %q", res.Evidence[0].Body)
			}
		})
	}
}

func TestAppTokenGoesInTheHeader(t *testing.T) {
	srv := rdwtest.NewServer(t)
	srv.RequireToken = true
	var got []string
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("X-App-Token"))
		srv.ServeHTTP(w, r)
	})
	res, err := newSource(t, startServer(t, mux), rdwtest.TestAppToken).Fetch(context.Background(), plate("6TJR64"))
	if err != nil || !res.Found {
		t.Fatalf("with the app token: %v %+v", err, res)
	}
	if len(got) != 2 || got[0] != rdwtest.TestAppToken || got[1] != rdwtest.TestAppToken {
		t.Errorf("X-App-Token headers %q", got)
	}
	for _, ev := range res.Evidence {
		if strings.Contains(ev.URL, rdwtest.TestAppToken) {
			t.Errorf("app token in evidence URL %s", ev.URL)
		}
	}
}

func TestRefusedTokenIsPermanentAndSecret(t *testing.T) {
	srv := rdwtest.NewServer(t)
	const token = "not-the-portals-token-9876"
	_, err := newSource(t, srv.URL, token).Fetch(context.Background(), plate("6TJR64"))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("wrong token gave %v; want SkipRetry", err)
	}
	var he *egress.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusForbidden {
		t.Errorf("wrong token gave %v; want an *egress.HTTPError 403", err)
	}
	msg := err.Error()
	if strings.Contains(msg, token) || !strings.Contains(msg, "api_key") || !strings.Contains(msg, "Invalid app_token") {
		t.Errorf("error %q must name the problem and the setting, never the token", msg)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests after a 403; want 1", srv.Requests())
	}
}

func TestEchoedTokenIsBlanked(t *testing.T) {
	const token = "echoed-token-5555"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"code":"permission_denied","error":true,"message":"Invalid app_token ` + r.Header.Get("X-App-Token") + `"}`))
	})
	_, err := newSource(t, startServer(t, h), token).Fetch(context.Background(), plate("6TJR64"))
	if err == nil || strings.Contains(err.Error(), token) {
		t.Fatalf("error %v repeats the token", err)
	}
}

func TestAnonymousThrottlingIsRetryable(t *testing.T) {
	srv := rdwtest.NewServer(t)
	srv.RequireToken = true
	_, err := newSource(t, srv.URL, "").Fetch(context.Background(), plate("6TJR64"))
	var rl *egress.RateLimited
	if !errors.As(err, &rl) || rl.RetryIn == 0 || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("throttled anonymous request gave %v; want a retryable *egress.RateLimited", err)
	}
	if !strings.Contains(err.Error(), "sources.rdw.api_key") {
		t.Errorf("error %q should point at the app token setting", err)
	}
}

func TestBadRequestIsPermanent(t *testing.T) {
	body, err := rdw.Recorded.ReadFile("testdata/errors/400-unrecognized-argument.json")
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(body)
	})
	_, err = newSource(t, startServer(t, h), "").Fetch(context.Background(), plate("6TJR64"))
	if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "Unrecognized arguments") {
		t.Fatalf("400 gave %v; want SkipRetry with Socrata's message", err)
	}
}

func TestMalformedAnswersArePermanent(t *testing.T) {
	cases := map[string]string{
		"error object":   `{"code":"query.compiler.malformed","error":true,"message":"Could not parse SoQL query"}`,
		"not an array":   `{"kenteken":"6TJR64"}`,
		"row not object": `["6TJR64"]`,
		"other plate":    `[{"kenteken":"XD494P","merk":"BMW"}]`,
		"broken":         `[{"kenteken":"6TJR64"`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
			res, err := newSource(t, startServer(t, h), "").Fetch(context.Background(), plate("6TJR64"))
			if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "m9d7-ebf2") {
				t.Fatalf("%s gave %v (result %+v); want SkipRetry naming the dataset", body, err, res)
			}
		})
	}
}

// TestFuelServerError: a 5xx on the second call fails the task, to be
// retried, rather than storing half an answer.
func TestFuelServerError(t *testing.T) {
	replay := rdwtest.NewHandler()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, rdw.DatasetBrandstof) {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		replay.ServeHTTP(w, r)
	})
	_, err := newSource(t, startServer(t, h), "").Fetch(context.Background(), plate("6TJR64"))
	if err == nil || errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), "brandstof") {
		t.Fatalf("502 on brandstof gave %v; want a retryable error naming brandstof", err)
	}
}

func TestOnlyPlates(t *testing.T) {
	s := newSource(t, "http://127.0.0.1:1", "")
	for typ, want := range map[subject.Type]bool{subject.Plate: true, subject.Name: false, subject.KvK: false, subject.Address: false} {
		if s.Accepts(typ) != want {
			t.Errorf("Accepts(%s) = %v", typ, !want)
		}
	}
	for _, subj := range []subject.Subject{{Type: subject.Name, Value: "NISSAN"}, plate("ABCDEFG"), plate("AAAAAA")} {
		if _, err := s.Fetch(context.Background(), subj); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s gave %v; want SkipRetry", subj, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	d := rdw.Defaults()
	if d.BaseURL != "https://opendata.rdw.nl" || d.APIKey != "" {
		t.Errorf("Defaults() = %+v", d)
	}
}
