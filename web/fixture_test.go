package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/audit"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
	"verrijk/store"
)

const (
	purposeOnderzoek = "onderzoek"
	purposeAdres     = "adrescontrole"
	teamNoord        = "team-noord"
)

type fakeSource struct {
	name    string
	accepts []subject.Type
}

func (f fakeSource) Name() string                { return f.name }
func (f fakeSource) Accepts(t subject.Type) bool { return slices.Contains(f.accepts, t) }
func (fakeSource) Fetch(context.Context, subject.Subject) (*sources.Result, error) {
	return nil, errors.New("fake source: never asked in web tests")
}

// fixture is the real API on SQLite and an in-memory Bleve index, with the
// web UI in front of it, served over HTTP.
type fixture struct {
	t      *testing.T
	store  store.Store
	index  *bleveindex.Index
	srv    *httptest.Server
	ui     http.Handler
	state  *ui
	tokens map[string]string // role -> token
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFixture builds the fixture; opts may change the UI's options and get
// the server's URL.
func newFixture(t testing.TB, opts ...func(o *Options, serverURL string)) *fixture {
	ctx := context.Background()
	var apiHandler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHandler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for _, p := range []store.Purpose{
		{ID: purposeOnderzoek, Name: "Onderzoek ondermijning", LegalBasis: "Gemeentewet art. 125", ProcessingActivity: "https://register.example.nl/ondermijning",
			Retention: "P1Y", AllowedSources: []string{"bag", "kvk"}},
		{ID: purposeAdres, Name: "Adrescontrole", LegalBasis: "Wet BRP", ProcessingActivity: "adres", Retention: "P30D",
			AllowedSources: []string{"bag"}},
	} {
		if _, err := st.CreatePurpose(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{store: st, index: idx, tokens: map[string]string{}}
	if tt, ok := t.(*testing.T); ok {
		f.t = tt
	}
	for _, tok := range []store.Token{
		{User: "anna", Role: api.RoleAnalyst, Team: teamNoord},
		{User: "cor", Role: api.RoleCoordinator, Team: teamNoord},
		{User: "adam", Role: api.RoleAdmin},
		{User: "fg", Role: api.RoleAuditor},
	} {
		raw, hash, err := api.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tok.Hash = hash
		if err := st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		f.tokens[tok.Role] = raw
	}
	kvk := fakeSource{"kvk", []subject.Type{subject.KvK, subject.Name, subject.Address}}
	bag := fakeSource{"bag", []subject.Type{subject.Address}}
	o := Options{API: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHandler.ServeHTTP(w, r) }),
		Store: st, Audit: audit.New(st), Log: quietLog()}
	for _, opt := range opts {
		opt(&o, srv.URL)
	}
	f.state = newUI(o)
	f.ui = f.state.routes()
	apiHandler = api.New(api.Deps{Store: st, Index: idx, Audit: audit.New(st),
		Enqueue: func(context.Context, ...store.Task) error { return nil },
		Sources: map[string]sources.Source{"kvk": kvk, "bag": bag}, Known: []string{"bag", "kvk"},
		Adapters: map[string]sources.Source{"kvk": kvk, "bag": bag}, MaxDepth: 1,
		SourceSettings: []api.SourceSetting{{Name: "bag", Enabled: true, Rate: "10/s", Concurrency: 4},
			{Name: "kvk", Enabled: true, Rate: "10/s", Concurrency: 4}},
		Web: f.ui, Log: quietLog()})
	f.srv = srv
	return f
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see each answer.
type browser struct {
	t      *testing.T
	f      *fixture
	client *http.Client
	csrf   string
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, f: f, client: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) answer {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

// post sends a form with the session's CSRF token (unless the form sets one).
func (b *browser) post(path string, form url.Values) answer {
	b.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, form)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.f.srv.URL)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := answer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
	if m := csrfField.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

// login logs in with the token of role and returns the landing page.
func (b *browser) login(role string) answer {
	b.t.Helper()
	b.get("/inloggen")
	p := b.post("/inloggen", url.Values{"token": {b.f.tokens[role]}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("login as %s: %d %s", role, p.status, p.body)
	}
	return b.get(p.header.Get("Location"))
}

func (b *browser) choosePurpose(id string) {
	b.t.Helper()
	if p := b.post("/doel", url.Values{"purpose_id": {id}}); p.status != http.StatusSeeOther {
		b.t.Fatalf("choosing purpose %s: %d %s", id, p.status, p.body)
	}
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// seedSignal stores a signal of team-noord with entities linked under
// purposeOnderzoek, as a finished enrichment would, and indexes them.
func (f *fixture) seedSignal(t testing.TB, title string, ents []entity.Entity) string {
	ctx := context.Background()
	sig, err := f.store.CreateSignal(ctx, store.Signal{Title: title, Team: teamNoord, CreatedBy: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := f.store.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: purposeOnderzoek, Justification: "seeded for a test",
		RequestedBy: "anna", Status: store.StatusDone}, []store.Task{{Source: "kvk", SubjectType: subject.KvK, SubjectValue: "68750110"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	var stored []entity.Entity
	for _, e := range ents {
		if _, err := f.store.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := f.store.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: e.ID, PurposeID: purposeOnderzoek, JobID: job.ID,
			LinkedAt: now, ExpiresAt: now.Add(365 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		full, err := f.store.GetEntity(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, full)
	}
	if err := f.index.Upsert(ctx, stored...); err != nil {
		t.Fatal(err)
	}
	return sig.ID
}
