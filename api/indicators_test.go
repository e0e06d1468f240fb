package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/indicators"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// indicatorServer is an API with the shipped rules evaluated over one
// signal of team-noord: a recent nail salon and a sanctions hit.
type indicatorServer struct {
	t      *testing.T
	srv    *httptest.Server
	st     store.Store
	engine *indicators.Engine
	signal string
	tokens map[string]string
}

func newIndicatorServer(t *testing.T, withEngine bool) *indicatorServer {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := &indicatorServer{t: t, st: st, tokens: map[string]string{}}
	for _, id := range []string{onderzoek, alleenKvK} {
		if _, err := st.CreatePurpose(ctx, store.Purpose{ID: id, Name: id, LegalBasis: "Gemeentewet art. 125",
			ProcessingActivity: "activiteit-" + id, Retention: "P1Y", AllowedSources: []string{"kvk"}}); err != nil {
			t.Fatal(err)
		}
	}
	for name, tok := range map[string]store.Token{
		"noord": {User: analystUser, Role: api.RoleAnalyst, Team: analystTeam},
		"coord": {User: coordinatorUser, Role: api.RoleCoordinator, Team: analystTeam},
		"zuid":  {User: zuidUser, Role: api.RoleAnalyst, Team: zuidTeam},
		"admin": {User: adminUser, Role: api.RoleAdmin},
	} {
		raw, hash, err := api.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tok.Hash = hash
		if err := st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		s.tokens[name] = raw
	}
	sig, err := st.CreateSignal(ctx, store.Signal{Title: "Nagelstudio", Team: analystTeam, CreatedBy: analystUser})
	if err != nil {
		t.Fatal(err)
	}
	s.signal = sig.ID
	if _, err := st.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: onderzoek, Justification: "signaal", RequestedBy: analystUser}, nil); err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, e := range []entity.Entity{
		{ID: "company-glans", Schema: "Company", Caption: "Nagelstudio Glans B.V.",
			Properties: map[string][]string{"incorporationDate": {"2025-11-03"}, "sbiCode": {"96022"}, "website": {"glans.example"}},
			Provenance: []entity.Provenance{{Source: "kvk", URL: "https://api.kvk.nl/api/v1/basisprofielen/90000001",
				SHA256: "aa11", FetchedAt: fetched, Properties: []string{"incorporationDate", "sbiCode", "website"}}}},
		{ID: "sanction-1", Schema: "Sanction", Caption: "Nagelstudio Glans B.V.",
			Properties: map[string][]string{"topics": {"sanction"}},
			Provenance: []entity.Provenance{{Source: "opensanctions", URL: "https://api.opensanctions.org/match/default",
				SHA256: "bb22", FetchedAt: fetched, Properties: []string{"topics"}}}},
	} {
		if _, err := st.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := st.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: e.ID, PurposeID: onderzoek, ExpiresAt: fetched.AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	deps := api.Deps{Store: st, Audit: audit.New(st), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if withEngine {
		rules, err := indicators.LoadFile("../configs/indicators.yaml")
		if err != nil {
			t.Fatal(err)
		}
		s.engine = indicators.NewEngine(st, audit.New(st), rules, deps.Log)
		s.engine.Now = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC) }
		if _, err := s.engine.EvaluateSignal(ctx, sig.ID); err != nil {
			t.Fatal(err)
		}
		deps.Indicators = s.engine
	}
	s.srv = httptest.NewServer(api.New(deps))
	t.Cleanup(s.srv.Close)
	return s
}

type indicatorsBody struct {
	Notice       string `json:"notice"`
	RulesVersion string `json:"rules_version"`
	Sort         string `json:"sort"`
	Indicators   []struct {
		RuleID      string              `json:"rule_id"`
		RuleVersion string              `json:"rule_version"`
		Title       string              `json:"title"`
		Explanation string              `json:"explanation"`
		Weight      int                 `json:"weight"`
		SignalID    string              `json:"signal_id"`
		EntityID    string              `json:"entity_id"`
		Caption     string              `json:"entity_caption"`
		Schema      string              `json:"schema"`
		Values      map[string][]string `json:"values"`
		Evidence    []struct {
			Source    string    `json:"source"`
			URL       string    `json:"url"`
			SHA256    string    `json:"sha256"`
			FetchedAt time.Time `json:"fetched_at"`
		} `json:"evidence"`
		Current bool `json:"current"`
	} `json:"indicators"`
	Error struct {
		Code string `json:"code"`
	} `json:"error"`
}

func (s *indicatorServer) get(token, path string) (int, indicatorsBody) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.tokens[token])
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b indicatorsBody
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		s.t.Fatalf("GET %s: decoding: %v", path, err)
	}
	return resp.StatusCode, b
}

func (s *indicatorServer) audited(action string) []store.AuditEntry {
	s.t.Helper()
	entries, err := s.st.ListAudit(s.t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		s.t.Fatal(err)
	}
	return entries
}

func order(b indicatorsBody) string {
	var ids []string
	for _, h := range b.Indicators {
		ids = append(ids, h.RuleID)
	}
	return strings.Join(ids, ",")
}

func TestSignalIndicators(t *testing.T) {
	s := newIndicatorServer(t, true)
	path := "/api/v1/signals/" + s.signal + "/indicators?purpose_id=" + onderzoek
	code, b := s.get("noord", path)
	if code != http.StatusOK {
		t.Fatalf("GET = %d %+v", code, b)
	}
	if !strings.Contains(b.Notice, "AVG art. 22") || !strings.Contains(b.Notice, "menselijke beoordeling") ||
		b.RulesVersion != "2026.1" || b.Sort != "weight" {
		t.Errorf("answer head = %q %q %q", b.Notice, b.RulesVersion, b.Sort)
	}
	if got := order(b); got != "sanctielijst-treffer,kasintensieve-branche,recent-ingeschreven" {
		t.Fatalf("indicators by weight = %s", got)
	}
	h := b.Indicators[2]
	if h.Title != "Recent ingeschreven onderneming" || !strings.Contains(h.Explanation, "12 maanden") || h.Weight != 2 ||
		h.EntityID != "company-glans" || h.Caption != "Nagelstudio Glans B.V." || h.Schema != "Company" ||
		h.SignalID != s.signal || h.RuleVersion != "2026.1" || !h.Current ||
		len(h.Values["incorporationDate"]) != 1 || h.Values["incorporationDate"][0] != "2025-11-03" {
		t.Errorf("hit = %+v", h)
	}
	if len(h.Evidence) != 1 || h.Evidence[0].SHA256 != "aa11" || h.Evidence[0].Source != "kvk" ||
		!strings.HasPrefix(h.Evidence[0].URL, "https://api.kvk.nl/") || h.Evidence[0].FetchedAt.IsZero() {
		t.Errorf("evidence = %+v", h.Evidence)
	}
	reads := s.audited(audit.ActionEntityRead)
	if len(reads) != 1 || reads[0].ObjectID != s.signal || reads[0].PurposeID != onderzoek || reads[0].ActorUser != analystUser ||
		!strings.Contains(reads[0].Detail, "indicators: 3 hits") || !strings.Contains(reads[0].Detail, "recent-ingeschreven@company-glans") ||
		strings.Contains(reads[0].Detail, "2025-11-03") {
		t.Errorf("audit = %+v", reads)
	}

	if _, b := s.get("coord", path+"&sort=rule"); order(b) != "kasintensieve-branche,recent-ingeschreven,sanctielijst-treffer" {
		t.Errorf("sort=rule: %s", order(b))
	}
	if code, b := s.get("noord", path+"&sort=gewicht"); code != http.StatusBadRequest || b.Error.Code != "bad_request" {
		t.Errorf("unknown sort: %d %+v", code, b.Error)
	}
	// Under another purpose nothing was found, so nothing is shown.
	if code, b := s.get("noord", "/api/v1/signals/"+s.signal+"/indicators?purpose_id="+alleenKvK); code != 200 || len(b.Indicators) != 0 {
		t.Errorf("other purpose: %d %d indicators", code, len(b.Indicators))
	}
	// Stored hits made with older rules say so until they are recomputed.
	next := *s.engine.Rules()
	next.Version = "2026.2"
	s.engine.SetRules(&next)
	if _, b := s.get("noord", path); b.RulesVersion != "2026.2" || b.Indicators[0].Current {
		t.Errorf("after a rules change: version %s, current %v", b.RulesVersion, b.Indicators[0].Current)
	}
}

func TestSignalIndicatorsAccess(t *testing.T) {
	s := newIndicatorServer(t, true)
	base := "/api/v1/signals/" + s.signal + "/indicators"
	if code, b := s.get("noord", base); code != http.StatusUnprocessableEntity || b.Error.Code != "purpose_required" {
		t.Errorf("no purpose: %d %+v", code, b.Error)
	}
	if code, _ := s.get("zuid", base+"?purpose_id="+onderzoek); code != http.StatusForbidden {
		t.Errorf("another team: %d", code)
	}
	if denied := s.audited(audit.ActionAccessDenied); len(denied) != 1 || denied[0].ActorUser != zuidUser {
		t.Errorf("denial audit = %+v", denied)
	}
	if code, _ := s.get("admin", base+"?purpose_id="+onderzoek); code != http.StatusForbidden {
		t.Errorf("admin: %d; admins read no enriched data", code)
	}
	if code, _ := s.get("noord", "/api/v1/signals/nope/indicators?purpose_id="+onderzoek); code != http.StatusNotFound {
		t.Errorf("unknown signal: %d", code)
	}
	if reads := s.audited(audit.ActionEntityRead); len(reads) != 0 {
		t.Errorf("refused reads were logged as reads: %+v", reads)
	}
	off := newIndicatorServer(t, false)
	if code, b := off.get("noord", base+"?purpose_id="+onderzoek); code != http.StatusServiceUnavailable ||
		b.Error.Code != "indicators_unavailable" {
		t.Errorf("without an engine: %d %+v", code, b.Error)
	}
}

func TestEntityIndicators(t *testing.T) {
	s := newIndicatorServer(t, true)
	path := "/api/v1/entities/company-glans/indicators?purpose_id=" + onderzoek
	code, b := s.get("noord", path)
	if code != http.StatusOK || order(b) != "kasintensieve-branche,recent-ingeschreven" || !strings.Contains(b.Notice, "AVG art. 22") {
		t.Fatalf("GET = %d %s", code, order(b))
	}
	reads := s.audited(audit.ActionEntityRead)
	if len(reads) != 1 || reads[0].ObjectType != "entity" || reads[0].ObjectID != "company-glans" {
		t.Errorf("audit = %+v", reads)
	}
	if code, _ := s.get("zuid", path); code != http.StatusForbidden {
		t.Errorf("another team: %d", code)
	}
	if code, _ := s.get("noord", "/api/v1/entities/company-glans/indicators?purpose_id="+alleenKvK); code != http.StatusNotFound {
		t.Errorf("not linked under the purpose: %d", code)
	}
	if code, _ := s.get("noord", "/api/v1/entities/nope/indicators?purpose_id="+onderzoek); code != http.StatusNotFound {
		t.Errorf("unknown entity: %d", code)
	}
}
