// Package sourcetest is the conformance suite every source adapter passes:
// it drives the adapter against local servers that misbehave in the ways
// real services do (empty answer, 401, 404, 429 with Retry-After, 500, a
// slow answer, a malformed or oversized body, a cancelled request) and
// checks that the adapter reports each one the way the workers expect:
// permanent failures wrap asynq.SkipRetry, transient ones do not, an empty
// answer is Found false with its evidence, and every request goes out
// through the egress client.
//
// newSource must build the adapter with sourcetest.Client (or any egress
// client with the default User-Agent that allows loopback) and a request
// timeout of at most Timeout.
package sourcetest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Timeout is the request timeout newSource must configure, so the slow
// case ends quickly.
const Timeout = 300 * time.Millisecond

// oversized is more than egress's default response cap (10 MiB).
const oversized = 11 << 20

// Client returns an egress client for tests: default User-Agent, loopback
// allowed (httptest servers listen there).
func Client(t testing.TB) *egress.Client {
	t.Helper()
	c, err := egress.New(egress.Config{AllowPrivateNetworks: true})
	if err != nil {
		t.Fatalf("building egress client: %v", err)
	}
	return c
}

// Option adds source-specific knowledge to the suite.
type Option func(*suite)

// WithEmpty tells the suite what the service answers when it has nothing:
// e.g. KvK's 404 with a fout body, PDOK's 200 with numFound 0. Without it
// the empty-answer case is skipped.
func WithEmpty(status int, contentType string, body []byte) Option {
	return func(s *suite) { s.empty = &answer{status, contentType, body} }
}

type answer struct {
	status      int
	contentType string
	body        []byte
}

type suite struct {
	empty *answer
}

// Run drives newSource through every case, with sample as the subject.
func Run(t *testing.T, newSource func(baseURL string) sources.Source, sample subject.Subject, opts ...Option) {
	var cfg suite
	for _, o := range opts {
		o(&cfg)
	}
	if !newSource("http://127.0.0.1:1").Accepts(sample.Type) {
		t.Fatalf("the adapter does not accept the sample subject %s", sample)
	}
	t.Run("empty answer", func(t *testing.T) {
		if cfg.empty == nil {
			t.Skip("no sourcetest.WithEmpty given")
		}
		srv := start(t, reply(*cfg.empty))
		res, err := newSource(srv.URL).Fetch(context.Background(), sample)
		if err != nil {
			t.Fatalf("empty answer gave error %v; want Found false", err)
		}
		if res == nil || res.Found {
			t.Fatalf("empty answer gave %+v; want Found false", res)
		}
		if len(res.Evidence) == 0 {
			t.Fatal("empty answer kept no evidence")
		}
		for _, ev := range res.Evidence {
			if ev.SHA256 == "" || ev.URL == "" || ev.Kind == "" || ev.FetchedAt.IsZero() {
				t.Errorf("incomplete evidence %+v", ev)
			}
			if !strings.HasPrefix(ev.URL, srv.URL) {
				t.Errorf("evidence URL %q is not on the server %s", ev.URL, srv.URL)
			}
		}
	})
	t.Run("requests go through egress", func(t *testing.T) {
		srv := start(t, reply(answer{http.StatusInternalServerError, "text/plain", []byte("x")}))
		_, _ = newSource(srv.URL).Fetch(context.Background(), sample)
		if len(srv.agents()) == 0 {
			t.Fatal("the adapter made no request to its base_url")
		}
		for _, ua := range srv.agents() {
			if ua != egress.DefaultUserAgent {
				t.Fatalf("request with User-Agent %q: not sent by the egress client", ua)
			}
		}
	})
	t.Run("401", func(t *testing.T) {
		err := fetchErr(t, newSource, sample, answer{http.StatusUnauthorized, "application/json", []byte(`{"error":"unauthorized"}`)})
		if !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("401 gave %v; want an error wrapping asynq.SkipRetry", err)
		}
	})
	t.Run("404", func(t *testing.T) {
		srv := start(t, reply(answer{http.StatusNotFound, "text/html", []byte("<html>Not Found</html>")}))
		res, err := newSource(srv.URL).Fetch(context.Background(), sample)
		if err == nil && res != nil && res.Found {
			t.Fatal("a bare 404 was reported as found")
		}
		if err != nil && !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("a bare 404 gave retryable error %v; retrying cannot fix it", err)
		}
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		srv := start(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		_, err := newSource(srv.URL).Fetch(context.Background(), sample)
		var rl *egress.RateLimited
		if !errors.As(err, &rl) {
			t.Fatalf("429 gave %v; want an *egress.RateLimited", err)
		}
		if rl.RetryIn != 7*time.Second {
			t.Errorf("RetryIn = %v; want the server's 7s", rl.RetryIn)
		}
		if errors.Is(err, asynq.SkipRetry) {
			t.Error("429 must stay retryable")
		}
		if n := srv.count(); n != 1 {
			t.Errorf("the adapter sent %d requests after a 429; retrying is the queue's job", n)
		}
	})
	t.Run("500", func(t *testing.T) {
		err := fetchErr(t, newSource, sample, answer{http.StatusInternalServerError, "text/plain", []byte("boom")})
		if errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("500 gave %v; a server error must stay retryable", err)
		}
	})
	t.Run("slow answer past the timeout", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		srv := start(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		guard, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := newSource(srv.URL).Fetch(guard, sample)
		if err == nil {
			t.Fatal("a hanging server gave no error")
		}
		if guard.Err() != nil {
			t.Fatal("the adapter waited for the test's guard, not its own timeout")
		}
		if errors.Is(err, asynq.SkipRetry) {
			t.Errorf("a timeout gave %v; it must stay retryable", err)
		}
	})
	t.Run("malformed body", func(t *testing.T) {
		srv := start(t, reply(answer{http.StatusOK, "application/json", []byte(`{"resultaten":[{"kvkNummer":`)}))
		res, err := newSource(srv.URL).Fetch(context.Background(), sample)
		if err == nil {
			t.Fatalf("a malformed body gave no error (result %+v)", res)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		srv := start(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat("a", 64<<10))
			_, _ = w.Write([]byte(`{"x":"`))
			for n := 0; n < oversized; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the client stopped reading at its cap
				}
			}
		})
		res, err := newSource(srv.URL).Fetch(context.Background(), sample)
		if err == nil {
			t.Fatalf("an oversized body gave no error (result %+v)", res)
		}
	})
	t.Run("cancellation", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv := start(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := newSource(srv.URL).Fetch(ctx, sample)
			done <- err
		}()
		select {
		case <-arrived:
		case err := <-done:
			t.Fatalf("Fetch returned %v before its request arrived", err)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled Fetch gave %v; want context.Canceled", err)
		}
	})
}

func fetchErr(t *testing.T, newSource func(string) sources.Source, sample subject.Subject, a answer) error {
	t.Helper()
	srv := start(t, reply(a))
	res, err := newSource(srv.URL).Fetch(context.Background(), sample)
	if err == nil {
		t.Fatalf("status %d gave no error (result %+v)", a.status, res)
	}
	return err
}

func reply(a answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}
}

// server records what reached it.
type server struct {
	*httptest.Server
	mu  sync.Mutex
	uas []string
}

func start(t *testing.T, h http.HandlerFunc) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.uas = append(s.uas, r.UserAgent())
		s.mu.Unlock()
		// Read the body first: a server only notices a client hanging up
		// once the body is read, so a POST adapter's cancellation case
		// would otherwise block Close.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.uas) }

func (s *server) agents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.uas...)
}
