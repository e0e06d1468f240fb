package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"verrijk/store"
	"verrijk/workers"
)

type taskView struct {
	ID        string    `json:"id"`
	Source    string    `json:"source"`
	Subject   string    `json:"subject"`
	Depth     int       `json:"depth"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error"`
	UpdatedAt time.Time `json:"updated_at"`
}

type jobView struct {
	ID            string     `json:"id"`
	SignalID      string     `json:"signal_id"`
	PurposeID     string     `json:"purpose_id"`
	Justification string     `json:"justification"`
	RequestedBy   string     `json:"requested_by"`
	MaxDepth      int        `json:"max_depth"`
	Status        string     `json:"status"`
	Progress      float64    `json:"progress"`
	CreatedAt     time.Time  `json:"created_at"`
	Tasks         []taskView `json:"tasks"`
}

// viewJob renders a job; its status is derived from the tasks, so the answer
// is right even while a worker has yet to store the job's own status.
func viewJob(j store.Job) jobView {
	v := jobView{ID: j.ID, SignalID: j.SignalID, PurposeID: j.PurposeID, Justification: j.Justification,
		RequestedBy: j.RequestedBy, MaxDepth: j.MaxDepth, Status: workers.JobStatus(j.Tasks),
		Progress: workers.Progress(j.Tasks), CreatedAt: j.CreatedAt, Tasks: []taskView{}}
	for _, t := range j.Tasks {
		v.Tasks = append(v.Tasks, taskView{ID: t.ID, Source: t.Source, Subject: t.Subject().String(), Depth: t.Depth,
			Status: t.Status, Attempts: t.Attempts, Error: t.Error, UpdatedAt: t.UpdatedAt})
	}
	return v
}

func (s *server) getJob(w http.ResponseWriter, r *http.Request) {
	if !s.allowJob(w, r, r.PathValue("id")) {
		return
	}
	job, err := s.Store.GetJob(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeStoreError(w, r, "job", err)
		return
	}
	writeJSON(w, http.StatusOK, viewJob(job))
}

// eventPoll is how often the event stream looks at the store; the store is
// shared by all worker processes, so it sees every task's update.
const eventPoll = 300 * time.Millisecond

// jobEvents streams server-sent events: a "task" event whenever a task
// changes, a "job" event with status and progress after each change, and a
// final "done" event when the job has ended.
func (s *server) jobEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", "streaming unsupported")
		return
	}
	if !s.allowJob(w, r, r.PathValue("id")) {
		return
	}
	job, err := s.Store.GetJob(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeStoreError(w, r, "job", err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	seen := map[string]string{}
	ticker := time.NewTicker(eventPoll)
	defer ticker.Stop()
	for {
		v := viewJob(job)
		changed := false
		for _, t := range v.Tasks {
			key := fmt.Sprintf("%s/%d/%s", t.Status, t.Attempts, t.Error)
			if seen[t.ID] != key {
				seen[t.ID], changed = key, true
				sendEvent(w, "task", t)
			}
		}
		if changed {
			sendEvent(w, "job", map[string]any{"id": v.ID, "status": v.Status, "progress": v.Progress})
		}
		if workers.IsFinal(v.Status) {
			sendEvent(w, "done", map[string]any{"id": v.ID, "status": v.Status})
			flusher.Flush()
			return
		}
		flusher.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-ticker.C:
		}
		if job, err = s.Store.GetJob(r.Context(), job.ID); err != nil {
			sendEvent(w, "error", map[string]string{"message": "reading job failed"})
			flusher.Flush()
			return
		}
	}
}

func sendEvent(w http.ResponseWriter, event string, v any) {
	data, _ := json.Marshal(v)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
}
