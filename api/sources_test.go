package api_test

import (
	"net/http"
	"testing"
)

func TestSourcesOverview(t *testing.T) {
	f := newFixture(t)
	got := f.call("admin", "GET", "/api/v1/sources", nil, http.StatusOK)
	list := list(t, got, "sources")
	if len(list) != 3 {
		t.Fatalf("sources = %v, want bag, kvk, rdw", list)
	}
	health := map[string]string{}
	for _, s := range list {
		m := s.(map[string]any)
		health[m["name"].(string)] = m["health"].(string)
		if _, leaked := m["api_key"]; leaked {
			t.Errorf("source %v shows an api_key field", m["name"])
		}
	}
	if health["kvk"] != "unused" || health["rdw"] != "disabled" {
		t.Errorf("health = %v, want kvk unused and rdw disabled", health)
	}
	wantError(t, f.do("analyst", "GET", "/api/v1/sources", nil), http.StatusForbidden, "forbidden")
}

// An admin pauses kvk at run time: the change is stored and audited, new
// requests that name kvk are refused, and requests that do not name it go
// on without it.
func TestPauseAndResumeASource(t *testing.T) {
	f := newFixture(t)
	got := f.call("admin", "PUT", "/api/v1/sources/kvk", map[string]any{"enabled": false, "rate": "2/s", "concurrency": 1}, http.StatusOK)
	if got["health"] != "paused" || got["paused"] != true || got["rate"] != "2/s" || got["concurrency"] != float64(1) {
		t.Fatalf("after pausing: %v", got)
	}
	if e := f.lastAudit("source.changed"); e.ObjectID != "kvk" || e.ActorUser == "" {
		t.Errorf("audit = %+v", e)
	}

	sig := f.createSignal("Pauze")
	f.addSubject(sig, "address", "8823SJ 3A")
	body := map[string]any{"purpose_id": onderzoek, "justification": "Controle adres nagelstudio", "sources": []string{"kvk"}}
	wantError(t, f.do("analyst", "POST", "/api/v1/signals/"+sig+"/enrichments", body), http.StatusUnprocessableEntity, "source_disabled", "paused")
	delete(body, "sources")
	f.call("analyst", "POST", "/api/v1/signals/"+sig+"/enrichments", body, http.StatusAccepted)
	calls := f.enqueueCalls()
	for _, task := range calls[len(calls)-1].tasks {
		if task.Source == "kvk" {
			t.Errorf("a paused source got a task: %+v", task)
		}
	}

	got = f.call("admin", "PUT", "/api/v1/sources/kvk", map[string]any{"enabled": true}, http.StatusOK)
	if got["health"] == "paused" || got["rate"] != "2/s" {
		t.Errorf("after resuming: %v (the rate set before should stay)", got)
	}
}

func TestUpdateSourceRefusals(t *testing.T) {
	f := newFixture(t)
	wantError(t, f.do("admin", "PUT", "/api/v1/sources/nope", map[string]any{"enabled": false}), http.StatusNotFound, "not_found")
	wantError(t, f.do("admin", "PUT", "/api/v1/sources/rdw", map[string]any{"enabled": true}), http.StatusConflict, "conflict", "sources.rdw.enabled")
	wantError(t, f.do("admin", "PUT", "/api/v1/sources/kvk", map[string]any{"rate": "fast", "concurrency": 0}),
		http.StatusBadRequest, "bad_request", "rate", "concurrency")
	wantError(t, f.do("admin", "PUT", "/api/v1/sources/kvk", map[string]any{"colour": "red"}), http.StatusBadRequest, "bad_request")
	wantError(t, f.do("analyst", "PUT", "/api/v1/sources/kvk", map[string]any{"enabled": false}), http.StatusForbidden, "forbidden")
	if n := len(f.auditEntries("source.changed")); n != 0 {
		t.Errorf("refused changes were audited as changes: %d", n)
	}
}
