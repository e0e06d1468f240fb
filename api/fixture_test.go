package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/audit"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/subject"
	"verrijk/retention"
	"verrijk/sources"
	"verrijk/store"
)

// Purposes every fixture starts with. onderzoek allows all known sources
// (rdw among them, which is disabled); alleenKvK allows only kvk.
const (
	onderzoek = "onderzoek"
	alleenKvK = "alleen-kvk"
	alleenRDW = "alleen-rdw"
)

// Users behind the fixture's tokens, one per role.
const (
	analystUser     = "anna"
	analystTeam     = "team-noord"
	coordinatorUser = "cor"
	adminUser       = "adam"
	auditorUser     = "audrey"
)

// Extra analyst tokens, keyed in fixture.tokens by these names: one of
// another team, one without a team, one of a team without signals.
const (
	zuidAnalyst   = "analyst/team-zuid"
	zuidUser      = "zoe"
	zuidTeam      = "team-zuid"
	noTeamAnalyst = "analyst/zonder-team"
	noTeamUser    = "nina"
	leegAnalyst   = "analyst/team-leeg"
)

// fakeSource is an enabled adapter that is never asked anything: the API
// only needs its name and what it accepts.
type fakeSource struct {
	name    string
	accepts []subject.Type
}

func (f fakeSource) Name() string                { return f.name }
func (f fakeSource) Accepts(t subject.Type) bool { return slices.Contains(f.accepts, t) }
func (fakeSource) Fetch(context.Context, subject.Subject) (*sources.Result, error) {
	return nil, errors.New("fake source: Fetch must not be called by the API")
}

// enqueueCall is one call of Deps.Enqueue, with how many
// enrichment.requested entries the audit log held at that moment.
type enqueueCall struct {
	tasks         []store.Task
	auditedBefore int
}

type fixture struct {
	t      *testing.T
	srv    *httptest.Server
	store  store.Store
	index  *bleveindex.Index
	dir    string
	tokens map[string]string // role -> raw token

	mu         sync.Mutex
	calls      []enqueueCall
	enqueueErr error
	readyErr   error
}

type option func(*fixture)

// failingQueue makes Enqueue fail as it would with Redis away.
func failingQueue(f *fixture) {
	f.enqueueErr = errors.New("dial tcp 127.0.0.1:6379: connection refused")
}

// notReady makes the Ready check fail.
func notReady(f *fixture) { f.readyErr = errors.New("index: closed") }

func newFixture(t *testing.T, opts ...option) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, dir: t.TempDir(), tokens: map[string]string{}}
	for _, o := range opts {
		o(f)
	}
	st, err := store.Open(ctx, "", f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f.store = st
	idx, err := bleveindex.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	f.index = idx

	for _, p := range []store.Purpose{
		{ID: onderzoek, Name: "Onderzoek ondermijning", LegalBasis: "Gemeentewet art. 125", ProcessingActivity: "signaalonderzoek",
			Retention: "P1Y", AllowedSources: []string{"bag", "kvk", "rdw"}},
		{ID: alleenKvK, Name: "Alleen KvK", LegalBasis: "Wet Bibob", ProcessingActivity: "bibob-toets",
			Retention: "P30D", AllowedSources: []string{"kvk"}},
		{ID: alleenRDW, Name: "Alleen RDW", LegalBasis: "Wet Bibob", ProcessingActivity: "voertuigcheck",
			Retention: "P30D", AllowedSources: []string{"rdw"}},
	} {
		if _, err := st.CreatePurpose(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, tok := range []store.Token{
		{User: analystUser, Role: api.RoleAnalyst, Team: analystTeam},
		{User: coordinatorUser, Role: api.RoleCoordinator, Team: analystTeam},
		{User: adminUser, Role: api.RoleAdmin},
		{User: auditorUser, Role: api.RoleAuditor},
		{User: "gast", Role: "guest"}, // a role the API does not know
	} {
		f.tokens[tok.Role] = f.newToken(tok)
	}
	f.tokens[zuidAnalyst] = f.newToken(store.Token{User: zuidUser, Role: api.RoleAnalyst, Team: zuidTeam})
	f.tokens[noTeamAnalyst] = f.newToken(store.Token{User: noTeamUser, Role: api.RoleAnalyst})
	f.tokens[leegAnalyst] = f.newToken(store.Token{User: "lea", Role: api.RoleAnalyst, Team: "team-leeg"})

	logger := audit.New(st)
	h := api.New(api.Deps{
		Store: st, Index: idx, Audit: logger, Enqueue: f.enqueue,
		Sources: map[string]sources.Source{
			"kvk": fakeSource{"kvk", []subject.Type{subject.KvK, subject.Vestiging, subject.RSIN, subject.Name, subject.Address}},
			"bag": fakeSource{"bag", []subject.Type{subject.Address}},
		},
		Known: []string{"bag", "kvk", "rdw"},
		// rdw stands in for a source with criminal-offence data here.
		CriminalOffenceSources: []string{"rdw"},
		MaxDepth:               2,
		SignalPeriod:           retention.Period{Years: 2},
		PseudonymKey:           []byte("fixture-pseudonym-key-0123"),
		Adapters: map[string]sources.Source{
			"kvk": fakeSource{"kvk", []subject.Type{subject.KvK, subject.Vestiging, subject.RSIN, subject.Name, subject.Address}},
			"bag": fakeSource{"bag", []subject.Type{subject.Address}},
			"rdw": fakeSource{"rdw", []subject.Type{subject.Plate}},
		},
		SourceSettings: []api.SourceSetting{
			{Name: "bag", Enabled: true, BaseURL: "https://bag.invalid", Rate: "10/s", Concurrency: 4, Timeout: 15 * time.Second},
			{Name: "kvk", Enabled: true, BaseURL: "https://kvk.invalid", Rate: "10/s", Concurrency: 4, Timeout: 15 * time.Second, HasAPIKey: true},
			{Name: "rdw", Enabled: false, BaseURL: "https://rdw.invalid", Rate: "10/s", Concurrency: 4, Timeout: 15 * time.Second},
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready: func(context.Context) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.readyErr
		},
	})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) newToken(tok store.Token) string {
	f.t.Helper()
	raw, hash, err := api.NewToken()
	if err != nil {
		f.t.Fatal(err)
	}
	tok.Hash = hash
	if err := f.store.CreateToken(context.Background(), tok); err != nil {
		f.t.Fatal(err)
	}
	return raw
}

func (f *fixture) enqueue(ctx context.Context, tasks ...store.Task) error {
	entries, err := f.store.ListAudit(ctx, store.AuditFilter{Action: audit.ActionEnrichmentRequested, Limit: 1000})
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, enqueueCall{tasks: slices.Clone(tasks), auditedBefore: len(entries)})
	return f.enqueueErr
}

func (f *fixture) enqueueCalls() []enqueueCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as role, or as one of the extra tokens named above
// ("" sends no Authorization header). body is
// sent as is when it is a string, and as JSON otherwise (nil: no body).
func (f *fixture) do(role, method, path string, body any) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if role != "" {
		tok, ok := f.tokens[role]
		if !ok {
			f.t.Fatalf("no token for role %q", role)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return f.send(req)
}

func (f *fixture) send(req *http.Request) response {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(req.Context(), 10*time.Second)
	defer cancel()
	resp, err := f.srv.Client().Do(req.WithContext(ctx))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// call does a request, requires the status and decodes the JSON answer.
func (f *fixture) call(role, method, path string, body any, want int) map[string]any {
	f.t.Helper()
	r := f.do(role, method, path, body)
	if r.status != want {
		f.t.Fatalf("%s %s as %q: status %d, want %d; body %s", method, path, role, r.status, want, r.body)
	}
	var out map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		f.t.Fatalf("%s %s: answer is not a JSON object: %v; body %s", method, path, err, r.body)
	}
	return out
}

// wantError checks the status and that the answer is exactly
// {"error":{"code","message"}} with the code, and a message containing
// each fragment.
func wantError(t *testing.T, r response, status int, code string, fragments ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &outer); err != nil || len(outer) != 1 || outer["error"] == nil {
		t.Fatalf("error answer is not {\"error\":{…}}: %s", r.body)
	}
	var inner map[string]any
	if err := json.Unmarshal(outer["error"], &inner); err != nil || len(inner) != 2 {
		t.Fatalf("error object must hold exactly code and message: %s", r.body)
	}
	gotCode, _ := inner["code"].(string)
	msg, _ := inner["message"].(string)
	if gotCode != code {
		t.Errorf("code %q, want %q (message %q)", gotCode, code, msg)
	}
	if msg == "" {
		t.Errorf("empty error message")
	}
	for _, frag := range fragments {
		if !strings.Contains(msg, frag) {
			t.Errorf("message %q does not mention %q", msg, frag)
		}
	}
}

// createSignal makes a signal as the analyst and returns its id.
func (f *fixture) createSignal(title string) string {
	f.t.Helper()
	out := f.call(api.RoleAnalyst, "POST", "/api/v1/signals", map[string]string{"title": title}, http.StatusCreated)
	return out["id"].(string)
}

// addSubject adds a subject as the analyst and returns the stored subject.
func (f *fixture) addSubject(signalID, typ, value string) map[string]any {
	f.t.Helper()
	return f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+signalID+"/subjects",
		map[string]string{"type": typ, "value": value}, http.StatusCreated)
}

// auditEntries returns the stored audit entries with the action.
func (f *fixture) auditEntries(action string) []store.AuditEntry {
	f.t.Helper()
	entries, err := f.store.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

// lastAudit returns the newest entry with the action, failing if none.
func (f *fixture) lastAudit(action string) store.AuditEntry {
	f.t.Helper()
	entries := f.auditEntries(action)
	if len(entries) == 0 {
		f.t.Fatalf("no audit entry %s", action)
	}
	return entries[len(entries)-1]
}

// list returns the array under key in a decoded answer.
func list(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	v, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is not an array in %v", key, m)
	}
	return v
}
