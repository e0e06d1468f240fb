package egress

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// labClient may reach httptest servers on loopback.
func labClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.AllowPrivateNetworks = true
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorder serves fixed answers and keeps what each request looked like.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) record(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

func TestUserAgentNeutralAndOverridesAdapter(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rec.record(r) }))
	defer srv.Close()
	c := labClient(t, Config{})
	h := http.Header{"User-Agent": {"gemeente-verrijk/1.0 (afdeling OOV)"}, "Referer": {"https://intranet.example"}}
	if _, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL, Header: h}); err != nil {
		t.Fatal(err)
	}
	got := rec.all()[0]
	if ua := got.Header.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", ua, DefaultUserAgent)
	}
	if ref := got.Header.Get("Referer"); ref != "" {
		t.Errorf("Referer leaked: %q", ref)
	}
	if h.Get("User-Agent") == DefaultUserAgent {
		t.Error("adapter's header map was modified")
	}

	custom := labClient(t, Config{UserAgent: "Mozilla/5.0 (X11)"})
	if _, err := custom.Do(context.Background(), Request{Source: "t", URL: srv.URL, Header: h}); err != nil {
		t.Fatal(err)
	}
	if ua := rec.all()[1].Header.Get("User-Agent"); ua != "Mozilla/5.0 (X11)" {
		t.Errorf("configured User-Agent = %q", ua)
	}
}

func TestNoCookiesKept(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		http.SetCookie(w, &http.Cookie{Name: "track", Value: "me", Path: "/"})
		if r.URL.Path == "/login" {
			http.Redirect(w, r, "/home", http.StatusFound)
		}
	}))
	defer srv.Close()
	c := labClient(t, Config{})
	for _, p := range []string{"/login", "/again"} {
		if _, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + p}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3 (login, redirect, again)", len(reqs))
	}
	for _, r := range reqs {
		if len(r.Cookies()) > 0 {
			t.Errorf("%s sent cookies %v", r.URL.Path, r.Cookies())
		}
	}
}

func TestRedirects(t *testing.T) {
	rec := &recorder{}
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/", func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		http.Redirect(w, r, "/final?apikey=s3cret", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		w.Write([]byte("done"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := labClient(t, Config{})
	ctx := context.Background()

	if _, err := c.Do(ctx, Request{Source: "t", URL: srv.URL + "/loop/"}); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: err = %v", err)
	}
	if n := len(rec.all()); n != maxRedirects {
		t.Errorf("followed %d hops, want %d", n, maxRedirects)
	}
	if _, err := c.Do(ctx, Request{Source: "t", URL: srv.URL + "/ftp"}); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("ftp redirect: err = %v", err)
	}

	resp, err := c.Do(ctx, Request{Source: "t", URL: srv.URL + "/hop"})
	if err != nil {
		t.Fatal(err)
	}
	final := rec.all()[len(rec.all())-1]
	if ref := final.Header.Get("Referer"); ref != "" {
		t.Errorf("Referer on redirect: %q", ref)
	}
	if !strings.HasSuffix(resp.URL, "/final?apikey="+Redacted) {
		t.Errorf("Response.URL = %q, want final URL with api key redacted", resp.URL)
	}
}

func TestSecretHeadersDroppedOnCrossHostRedirect(t *testing.T) {
	rec := &recorder{}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rec.record(r) }))
	defer other.Close()
	// 127.0.0.1 → localhost is another host name for the same machine.
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	first := httptest.NewServer(http.RedirectHandler(target, http.StatusFound))
	defer first.Close()
	c := labClient(t, Config{})
	h := http.Header{"Apikey": {"k"}, "X-App-Token": {"t"}, "Authorization": {"Bearer b"}, "Accept": {"application/json"}}
	if _, err := c.Do(context.Background(), Request{Source: "t", URL: first.URL, Header: h}); err != nil {
		t.Fatal(err)
	}
	got := rec.all()[0].Header
	for _, k := range []string{"Apikey", "X-App-Token", "Authorization"} {
		if v := got.Get(k); v != "" {
			t.Errorf("%s followed the redirect to another host: %q", k, v)
		}
	}
	if got.Get("Accept") != "application/json" {
		t.Error("ordinary header lost on redirect")
	}
}

func TestResponseTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 2000)
	mux := http.NewServeMux()
	mux.HandleFunc("/length", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 4 {
			w.Write(big[:500])
			w.(http.Flusher).Flush() // no Content-Length: the cap must hold while reading
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(bytes.Repeat([]byte{0}, 1<<20)) // ~1 KiB compressed, 1 MiB decoded
		zw.Close()
		if buf.Len() > 1500 {
			t.Errorf("compressed size %d, test assumes it fits the cap", buf.Len())
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(buf.Bytes())
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { w.Write(big[:1500]) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := labClient(t, Config{MaxResponseBytes: 1500})
	for _, p := range []string{"/length", "/chunked", "/gzip"} {
		// An adapter asking for gzip itself must not get the raw stream past the cap.
		h := http.Header{"Accept-Encoding": {"gzip"}}
		_, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + p, Header: h})
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Limit != 1500 {
			t.Errorf("%s: err = %v, want *TooLargeError{1500}", p, err)
		}
	}
	resp, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/small"})
	if err != nil || len(resp.Body) != 1500 {
		t.Errorf("body exactly at the cap: err = %v", err)
	}
}

func TestTimeoutCoversWholeRequest(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("start"))
		w.(http.Flusher).Flush()
		select { // headers are out; stall the body
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := labClient(t, Config{})
	for _, p := range []string{"/headers", "/body"} {
		_, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + p, Timeout: 50 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want DeadlineExceeded", p, err)
		}
	}
}

func TestCancellation(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := labClient(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := c.Do(ctx, Request{Source: "t", URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestErrorsDoNotLeakSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := labClient(t, Config{})
	_, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/?q=x&apikey=s3cret&token=t0k", Timeout: 20 * time.Millisecond})
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "t0k") {
		t.Errorf("error leaks secret: %v", err)
	}
}

func TestRejectsNonHTTPURLs(t *testing.T) {
	c := labClient(t, Config{})
	for _, u := range []string{"file:///etc/passwd", "gopher://x", "http://", "::bad"} {
		if _, err := c.Do(context.Background(), Request{Source: "t", URL: u}); err == nil {
			t.Errorf("%s: want error", u)
		}
	}
}

func TestResponseEvidence(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("abc"))
	}))
	defer srv.Close()
	c := labClient(t, Config{})
	resp, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/p"})
	if err != nil {
		t.Fatal(err) // a non-2xx status is a Response, not an error
	}
	const sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if resp.Status != http.StatusTeapot || resp.SHA256 != sha || resp.URL != srv.URL+"/p" || resp.FetchedAt.IsZero() {
		t.Errorf("resp = %+v", resp)
	}
}
