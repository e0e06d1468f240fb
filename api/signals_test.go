package api_test

import (
	"net/http"
	"strings"
	"testing"

	"verrijk/api"
)

func TestCreateSignal(t *testing.T) {
	f := newFixture(t)
	out := f.call(api.RoleAnalyst, "POST", "/api/v1/signals", map[string]string{
		"title": "  Nagelsalon Hoofdstraat 12  ", "description": "geopend met contant geld", "external_ref": "RIEC-2024-17",
		// team and created_by come from the token; the body cannot set them
	}, http.StatusCreated)
	want := map[string]any{"title": "Nagelsalon Hoofdstraat 12", "description": "geopend met contant geld",
		"external_ref": "RIEC-2024-17", "team": analystTeam, "created_by": analystUser}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("%s = %v, want %v", k, out[k], v)
		}
	}
	if id, _ := out["id"].(string); id == "" {
		t.Errorf("no id in %v", out)
	}
	if len(list(t, out, "subjects")) != 0 || len(list(t, out, "jobs")) != 0 {
		t.Errorf("new signal has subjects or jobs: %v", out)
	}
	e := f.lastAudit("signal.created")
	if e.ObjectID != out["id"] || e.ActorUser != analystUser || e.ActorRole != api.RoleAnalyst || e.Result != "ok" {
		t.Errorf("audit entry = %+v", e)
	}

	// A body that tries to set team or created_by is refused, not obeyed.
	r := f.do(api.RoleAnalyst, "POST", "/api/v1/signals", map[string]string{"title": "x", "team": "ander-team"})
	wantError(t, r, http.StatusBadRequest, "bad_request", "team")

	// The coordinator's signal carries the coordinator's name.
	out = f.call(api.RoleCoordinator, "POST", "/api/v1/signals", map[string]string{"title": "y"}, http.StatusCreated)
	if out["created_by"] != coordinatorUser {
		t.Errorf("created_by = %v, want %s", out["created_by"], coordinatorUser)
	}
}

func TestCreateSignalInvalid(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name      string
		body      map[string]string
		fragments []string
	}{
		{"no title", map[string]string{"description": "d"}, []string{"title is required"}},
		{"blank title", map[string]string{"title": " \t\n "}, []string{"title is required"}},
		{"long title", map[string]string{"title": strings.Repeat("t", 301)}, []string{"title is longer than 300"}},
		{"long description", map[string]string{"title": "t", "description": strings.Repeat("d", 10001)}, []string{"description"}},
		{"long external_ref", map[string]string{"title": "t", "external_ref": strings.Repeat("r", 201)}, []string{"external_ref"}},
		{"several problems", map[string]string{"external_ref": strings.Repeat("r", 201)}, []string{"title is required", "external_ref"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.do(api.RoleAnalyst, "POST", "/api/v1/signals", c.body)
			wantError(t, r, http.StatusBadRequest, "bad_request", c.fragments...)
		})
	}
	if n := len(f.auditEntries("signal.created")); n != 0 {
		t.Errorf("%d invalid signals created", n)
	}
}

func TestGetSignal(t *testing.T) {
	f := newFixture(t)
	id := f.createSignal("met onderwerpen")
	f.addSubject(id, "kvk", "68750110")
	f.addSubject(id, "address", "8823sj 3a")
	job := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+id+"/enrichments",
		map[string]string{"purpose_id": onderzoek, "justification": "pand met contante opening"}, http.StatusAccepted)

	out := f.call(api.RoleCoordinator, "GET", "/api/v1/signals/"+id, nil, http.StatusOK)
	if out["id"] != id || out["title"] != "met onderwerpen" {
		t.Errorf("signal = %v", out)
	}
	subjects := list(t, out, "subjects")
	if len(subjects) != 2 {
		t.Fatalf("subjects = %v", subjects)
	}
	got := map[string]bool{}
	for _, s := range subjects {
		m := s.(map[string]any)
		got[m["type"].(string)+":"+m["value"].(string)] = true
		if m["signal_id"] != id {
			t.Errorf("subject %v has signal_id %v", m, m["signal_id"])
		}
	}
	if !got["kvk:68750110"] || !got["address:8823SJ 3A"] {
		t.Errorf("subjects = %v", got)
	}
	jobs := list(t, out, "jobs")
	if len(jobs) != 1 {
		t.Fatalf("jobs = %v", jobs)
	}
	j := jobs[0].(map[string]any)
	if j["id"] != job["job_id"] || j["purpose_id"] != onderzoek || j["status"] != "queued" {
		t.Errorf("job summary = %v", j)
	}

	wantError(t, f.do(api.RoleAnalyst, "GET", "/api/v1/signals/does-not-exist", nil), http.StatusNotFound, "not_found", "signal")
}

func TestAddSubject(t *testing.T) {
	f := newFixture(t)
	id := f.createSignal("onderwerpen")
	valid := []struct{ typ, in, want string }{
		{"kvk", " 6875 0110 ", "68750110"},
		{"vestiging", "0000 3717 8598", "000037178598"},
		{"rsin", "8575.87.973", "857587973"},
		{"address", "8823 sj, 3a", "8823SJ 3A"},
		{"plate", "6-tjr-64", "6TJR64"},
		{"domain", "Example.NL", "example.nl"},
		{"url", "https://example.nl", "https://example.nl/"},
		{"name", "  Test \t BV\n Donald ", "Test BV Donald"},
		{"social", "Instagram/@Some.Handle_1", "instagram/some.handle_1"},
	}
	for _, c := range valid {
		t.Run("valid "+c.typ, func(t *testing.T) {
			out := f.addSubject(id, c.typ, c.in)
			if out["type"] != c.typ || out["value"] != c.want || out["signal_id"] != id {
				t.Errorf("subject = %v, want %s:%s", out, c.typ, c.want)
			}
			if sid, _ := out["id"].(string); sid == "" {
				t.Errorf("subject without id: %v", out)
			}
		})
	}
	invalid := []struct{ typ, in, fragment string }{
		{"kvk", "1234", "must be 8 digits"},
		{"kvk", "", "empty"},
		{"vestiging", "37178598", "must be 12 digits"},
		{"rsin", "857587974", "eleven-test"},
		{"address", "8823SJ", "no house number"},
		{"plate", "123456", "sidecode"},
		{"domain", "https://example.nl", "without http://"},
		{"url", "javascript:alert(1)", "http:// or https://"},
		{"name", "a", "2 to 200"},
		{"name", "Test\u202eVB", "control or invisible"},
		{"social", "myspace/acme", "unknown platform"},
		{"bsn", "123456782", "unknown subject type"},
		{"", "68750110", "unknown subject type"},
		{"KVK", "68750110", "unknown subject type"},
		{"kvk", strings.Repeat("1", 5000), "too long"},
	}
	for _, c := range invalid {
		t.Run("invalid "+c.typ+" "+c.fragment, func(t *testing.T) {
			r := f.do(api.RoleAnalyst, "POST", "/api/v1/signals/"+id+"/subjects", map[string]string{"type": c.typ, "value": c.in})
			wantError(t, r, http.StatusBadRequest, "invalid_subject", c.fragment)
			if len(r.body) > 1000 {
				t.Errorf("error answer of %d bytes echoes the input", len(r.body))
			}
		})
	}
	sig := f.call(api.RoleAnalyst, "GET", "/api/v1/signals/"+id, nil, http.StatusOK)
	if n := len(list(t, sig, "subjects")); n != len(valid) {
		t.Errorf("signal has %d subjects, want the %d valid ones", n, len(valid))
	}
	if n := len(f.auditEntries("subject.added")); n != len(valid) {
		t.Errorf("%d subject.added entries, want %d", n, len(valid))
	}
}

func TestAddSubjectTwice(t *testing.T) {
	f := newFixture(t)
	id := f.createSignal("dubbel")
	first := f.addSubject(id, "kvk", "68750110")
	second := f.addSubject(id, "kvk", "6875 0110") // another spelling of the same number
	if first["id"] != second["id"] || second["value"] != "68750110" {
		t.Errorf("same subject twice: %v then %v", first, second)
	}
	sig := f.call(api.RoleAnalyst, "GET", "/api/v1/signals/"+id, nil, http.StatusOK)
	if n := len(list(t, sig, "subjects")); n != 1 {
		t.Errorf("signal has %d subjects, want 1", n)
	}
	// The same identifier on another signal is that signal's own subject.
	other := f.createSignal("ander")
	third := f.addSubject(other, "kvk", "68750110")
	if third["id"] == first["id"] || third["signal_id"] != other {
		t.Errorf("subject on another signal = %v", third)
	}
}

func TestAddSubjectUnknownSignal(t *testing.T) {
	f := newFixture(t)
	r := f.do(api.RoleAnalyst, "POST", "/api/v1/signals/does-not-exist/subjects", map[string]string{"type": "kvk", "value": "68750110"})
	wantError(t, r, http.StatusNotFound, "not_found", "signal")
	if n := len(f.auditEntries("subject.added")); n != 0 {
		t.Errorf("%d subject.added entries for an unknown signal", n)
	}
}
