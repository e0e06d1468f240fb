package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"verrijk/api"
	"verrijk/store"
)

const justification = "Nagelsalon geopend met contant geld, eigenaar onbekend"

// enrichableSignal has a kvk number (kvk), an address (kvk and bag) and a
// plate (only rdw, which is disabled).
func enrichableSignal(f *fixture) string {
	id := f.createSignal("verrijken")
	f.addSubject(id, "kvk", "68750110")
	f.addSubject(id, "address", "8823SJ 3A")
	f.addSubject(id, "plate", "6-TJR-64")
	return id
}

func TestEnrichmentRefused(t *testing.T) {
	f := newFixture(t)
	sig := enrichableSignal(f)
	plateOnly := f.createSignal("alleen kenteken")
	f.addSubject(plateOnly, "plate", "6-TJR-64")
	empty := f.createSignal("leeg")
	path := func(id string) string { return "/api/v1/signals/" + id + "/enrichments" }
	depth := func(n int) *int { return &n }

	cases := []struct {
		name      string
		signal    string
		body      any
		status    int
		code      string
		fragments []string
	}{
		{"no purpose", sig, map[string]any{"justification": justification}, 422, "purpose_required", []string{"purpose"}},
		{"blank purpose", sig, map[string]any{"purpose_id": "  ", "justification": justification}, 422, "purpose_required", nil},
		{"no purpose nor justification", sig, map[string]any{}, 422, "purpose_required", nil},
		{"unknown purpose", sig, map[string]any{"purpose_id": "geen-doel", "justification": justification}, 422, "purpose_unknown", []string{"geen-doel"}},
		{"no justification", sig, map[string]any{"purpose_id": onderzoek}, 422, "justification_required", []string{"justification"}},
		{"short justification", sig, map[string]any{"purpose_id": onderzoek, "justification": "omdat"}, 422, "justification_required", nil},
		{"padded short justification", sig, map[string]any{"purpose_id": onderzoek, "justification": "   omdat         "}, 422, "justification_required", nil},
		{"huge justification", sig, map[string]any{"purpose_id": onderzoek, "justification": strings.Repeat("j", 5001)}, 400, "bad_request", []string{"justification"}},
		{"source outside purpose", sig, map[string]any{"purpose_id": alleenKvK, "justification": justification, "sources": []string{"kvk", "bag"}},
			422, "source_not_allowed", []string{"bag", alleenKvK}},
		{"unknown source", sig, map[string]any{"purpose_id": onderzoek, "justification": justification, "sources": []string{"kvk", "nope"}},
			400, "unknown_source", []string{`"nope"`, "bag, kvk, rdw"}},
		{"disabled source", sig, map[string]any{"purpose_id": onderzoek, "justification": justification, "sources": []string{"rdw"}},
			422, "source_disabled", []string{"rdw"}},
		{"purpose allows only disabled sources", sig, map[string]any{"purpose_id": alleenRDW, "justification": justification},
			422, "source_disabled", []string{alleenRDW}},
		{"negative max_depth", sig, map[string]any{"purpose_id": onderzoek, "justification": justification, "max_depth": depth(-1)},
			400, "bad_request", []string{"max_depth", "0 and 2"}},
		{"max_depth above the limit", sig, map[string]any{"purpose_id": onderzoek, "justification": justification, "max_depth": depth(3)},
			400, "bad_request", []string{"max_depth"}},
		{"max_depth not a number", sig, `{"purpose_id":"onderzoek","justification":"` + justification + `","max_depth":"1"}`,
			400, "bad_request", []string{"max_depth"}},
		{"unknown field", sig, map[string]any{"purpose_id": onderzoek, "justification": justification, "purpose": onderzoek},
			400, "bad_request", []string{`"purpose"`}},
		{"only subjects no enabled source takes", plateOnly, map[string]any{"purpose_id": onderzoek, "justification": justification},
			422, "nothing_to_enrich", []string{"1 subjects"}},
		{"chosen source takes no subject", plateOnly, map[string]any{"purpose_id": onderzoek, "justification": justification, "sources": []string{"bag"}},
			422, "nothing_to_enrich", []string{"bag"}},
		{"no subjects", empty, map[string]any{"purpose_id": onderzoek, "justification": justification}, 422, "nothing_to_enrich", []string{"0 subjects"}},
		{"unknown signal", "does-not-exist", map[string]any{"purpose_id": onderzoek, "justification": justification}, 404, "not_found", []string{"signal"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.do(api.RoleAnalyst, "POST", path(c.signal), c.body)
			wantError(t, r, c.status, c.code, c.fragments...)
		})
	}
	if calls := f.enqueueCalls(); len(calls) != 0 {
		t.Errorf("refused requests queued tasks: %+v", calls)
	}
	if n := len(f.auditEntries("enrichment.requested")); n != 0 {
		t.Errorf("%d enrichment.requested entries for refused requests", n)
	}
	sig1 := f.call(api.RoleAnalyst, "GET", "/api/v1/signals/"+sig, nil, http.StatusOK)
	if n := len(list(t, sig1, "jobs")); n != 0 {
		t.Errorf("refused requests made %d jobs", n)
	}
}

func TestEnrichmentAccepted(t *testing.T) {
	f := newFixture(t)
	sig := enrichableSignal(f)
	out := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": "  " + justification + "  "}, http.StatusAccepted)
	if len(out) != 1 {
		t.Errorf("answer = %v, want only job_id", out)
	}
	jobID, _ := out["job_id"].(string)
	if jobID == "" {
		t.Fatalf("no job_id in %v", out)
	}

	// Every subject × every enabled source the purpose allows that takes it:
	// kvk number × kvk, address × kvk and bag; the plate has no enabled source.
	want := []string{"bag address:8823SJ 3A", "kvk address:8823SJ 3A", "kvk kvk:68750110"}
	job, err := f.store.GetJob(context.Background(), jobID)
	if err != nil {
		t.Fatal(err)
	}
	if got := taskKeys(job.Tasks); !slices.Equal(got, want) {
		t.Errorf("stored tasks = %v, want %v", got, want)
	}
	if job.SignalID != sig || job.PurposeID != onderzoek || job.RequestedBy != analystUser ||
		job.Justification != justification || job.MaxDepth != 2 || job.Status != store.StatusQueued {
		t.Errorf("stored job = %+v", job)
	}
	for _, task := range job.Tasks {
		if task.Status != store.StatusQueued || task.Depth != 0 || task.JobID != jobID {
			t.Errorf("task = %+v", task)
		}
	}

	calls := f.enqueueCalls()
	if len(calls) != 1 {
		t.Fatalf("Enqueue called %d times, want once", len(calls))
	}
	if got := taskKeys(calls[0].tasks); !slices.Equal(got, want) {
		t.Errorf("queued tasks = %v, want %v", got, want)
	}
	for _, task := range calls[0].tasks {
		if task.ID == "" || task.JobID != jobID {
			t.Errorf("queued task without stored id or job: %+v", task)
		}
	}
	if calls[0].auditedBefore != 1 {
		t.Errorf("the request was not logged before its tasks were queued")
	}

	e := f.lastAudit("enrichment.requested")
	if e.ActorUser != analystUser || e.ActorRole != api.RoleAnalyst || e.PurposeID != onderzoek ||
		e.ProcessingActivity != "signaalonderzoek" || e.Justification != justification ||
		e.ObjectType != "signal" || e.ObjectID != sig || e.TraceID != jobID || e.Result != "ok" || e.Origin == "" {
		t.Errorf("audit entry = %+v", e)
	}
	if !strings.Contains(e.Detail, jobID) {
		t.Errorf("audit detail %q does not name the job", e.Detail)
	}
}

func TestEnrichmentChosenSources(t *testing.T) {
	f := newFixture(t)
	sig := enrichableSignal(f)
	out := f.call(api.RoleCoordinator, "POST", "/api/v1/signals/"+sig+"/enrichments", map[string]any{
		"purpose_id": onderzoek, "justification": justification, "sources": []string{"kvk", "kvk"}, "max_depth": 0,
	}, http.StatusAccepted)
	job, err := f.store.GetJob(context.Background(), out["job_id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := taskKeys(job.Tasks), []string{"kvk address:8823SJ 3A", "kvk kvk:68750110"}; !slices.Equal(got, want) {
		t.Errorf("tasks = %v, want %v", got, want)
	}
	if job.MaxDepth != 0 || job.RequestedBy != coordinatorUser {
		t.Errorf("job = %+v", job)
	}

	// A purpose that allows only kvk, without a source list, uses kvk.
	out = f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments", map[string]any{
		"purpose_id": alleenKvK, "justification": justification,
	}, http.StatusAccepted)
	job, err = f.store.GetJob(context.Background(), out["job_id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := taskKeys(job.Tasks), []string{"kvk address:8823SJ 3A", "kvk kvk:68750110"}; !slices.Equal(got, want) {
		t.Errorf("tasks = %v, want %v", got, want)
	}
}

// TestEnrichmentQueueDown proves a Redis outage does not lose the job: the
// request is still accepted and the job waits in the store for the
// reconciler.
func TestEnrichmentQueueDown(t *testing.T) {
	f := newFixture(t, failingQueue)
	sig := enrichableSignal(f)
	out := f.call(api.RoleAnalyst, "POST", "/api/v1/signals/"+sig+"/enrichments",
		map[string]any{"purpose_id": onderzoek, "justification": justification}, http.StatusAccepted)
	jobID := out["job_id"].(string)
	if len(f.enqueueCalls()) != 1 {
		t.Fatalf("Enqueue was not tried")
	}
	job, err := f.store.GetJob(context.Background(), jobID)
	if err != nil {
		t.Fatalf("job lost: %v", err)
	}
	if len(job.Tasks) != 3 {
		t.Errorf("job has %d tasks, want 3", len(job.Tasks))
	}
	unfinished, err := f.store.UnfinishedTasks(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(unfinished); n != 3 {
		t.Errorf("%d unfinished tasks for the reconciler, want 3", n)
	}
	if len(f.auditEntries("enrichment.requested")) != 1 {
		t.Error("request not logged")
	}
}

func taskKeys(tasks []store.Task) []string {
	keys := make([]string, len(tasks))
	for i, t := range tasks {
		keys[i] = t.Source + " " + t.Subject().String()
	}
	slices.Sort(keys)
	return keys
}
